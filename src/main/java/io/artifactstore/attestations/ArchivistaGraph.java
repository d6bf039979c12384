package io.artifactstore.attestations;

import graphql.ExecutionInput;
import graphql.GraphQL;
import graphql.GraphQLException;
import graphql.Scalars;
import graphql.analysis.MaxQueryDepthInstrumentation;
import graphql.schema.DataFetcher;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.GraphQLScalarType;
import graphql.schema.GraphQLSchema;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;
import graphql.schema.idl.TypeRuntimeWiring;
import io.artifactstore.db.Database;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Archivista's GraphQL API over the attestation views: the {@code dsses} and {@code subjects}
 * queries with their where-inputs ({@link WhereSql}), executed by graphql-java against the schema
 * in {@code archivista.graphql}. A bare in-toto Statement reads as an unsigned envelope of
 * payload type {@value WhereSql#STATEMENT_PAYLOAD_TYPE}; documents that are neither are not
 * nodes (they are found by gitoid only); attestations of deleted packages are left out.
 *
 * <p>Connections page forward: {@code first} (at most {@value #MAX_PAGE}, the default) and
 * {@code after}; {@code last} and {@code before} are errors.
 */
public final class ArchivistaGraph {

  /** The most nodes one connection answers. */
  static final int MAX_PAGE = 10_000;

  /** The deepest query accepted. */
  static final int MAX_DEPTH = 16;

  record DsseNode(String gitoid) {}

  record StatementNode(String gitoid) {}

  record SubjectNode(Snapshot.Subject subject) {}

  record DigestNode(Snapshot.Subject subject, String algorithm, String value) {}

  record SignatureNode(Snapshot.Signature signature) {}

  record CollectionNode(String gitoid) {}

  record AttestationNode(String gitoid, int ordinal, String type) {}

  private final Database db;
  private final GraphQL graphql;

  public ArchivistaGraph(Database db) {
    this.db = db;
    String sdl;
    try (InputStream in = ArchivistaGraph.class.getResourceAsStream("archivista.graphql")) {
      sdl = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("the GraphQL schema is missing from the jar", e);
    }
    GraphQLSchema schema = new SchemaGenerator().makeExecutableSchema(
        new SchemaParser().parse(sdl), wiring());
    this.graphql = GraphQL.newGraphQL(schema)
        .instrumentation(new MaxQueryDepthInstrumentation(MAX_DEPTH)).build();
  }

  /**
   * Executes {@code request} ({@code {query, variables?, operationName?}}) and answers the
   * GraphQL response ({@code {data}} and/or {@code {errors}}). Fails (rather than answering
   * errors) only when the database failed, so that the caller can answer 503.
   */
  public Future<JsonObject> execute(JsonObject request) {
    Object variables = request.getValue("variables");
    // Plain maps and lists all the way down: graphql-java takes an input object only as a Map.
    @SuppressWarnings("unchecked")
    Map<String, Object> vars = variables instanceof JsonObject v
        ? io.vertx.core.json.Json.decodeValue(v.encode(), Map.class) : Map.of();
    Object operation = request.getValue("operationName");
    AtomicReference<Throwable> fault = new AtomicReference<>();
    ExecutionInput input = ExecutionInput.newExecutionInput()
        .query(request.getString("query"))
        .variables(vars)
        .operationName(operation instanceof String s ? s : null)
        .graphQLContext(Map.of(Snapshot.class, new Snapshot(db), AtomicReference.class, fault))
        .build();
    return Future.fromCompletionStage(graphql.executeAsync(input)).compose(result -> {
      if (fault.get() != null) {
        return Future.failedFuture(fault.get());
      }
      return Future.succeededFuture(new JsonObject(result.toSpecification()));
    });
  }

  private RuntimeWiring wiring() {
    return RuntimeWiring.newRuntimeWiring()
        // Opaque strings, as gqlgen's Cursor and Time (RFC 3339) are on the wire.
        .scalar(GraphQLScalarType.newScalar().name("Cursor")
            .coercing(Scalars.GraphQLString.getCoercing()).build())
        .scalar(GraphQLScalarType.newScalar().name("Time")
            .coercing(Scalars.GraphQLString.getCoercing()).build())
        .type(TypeRuntimeWiring.newTypeWiring("Query")
            .dataFetcher("dsses", async(this::dsses))
            .dataFetcher("subjects", async(this::subjects)))
        .type(TypeRuntimeWiring.newTypeWiring("Node").typeResolver(env -> {
          Object o = env.getObject();
          String name = o instanceof DsseNode ? "Dsse" : o instanceof StatementNode ? "Statement"
              : o instanceof SubjectNode ? "Subject" : o instanceof DigestNode ? "SubjectDigest"
              : o instanceof SignatureNode ? "Signature"
              : o instanceof CollectionNode ? "AttestationCollection" : "Attestation";
          return env.getSchema().getObjectType(name);
        }))
        .type(TypeRuntimeWiring.newTypeWiring("Dsse")
            .dataFetcher("id", env -> "dsse:" + this.<DsseNode>node(env).gitoid())
            .dataFetcher("gitoidSha256", env -> this.<DsseNode>node(env).gitoid())
            .dataFetcher("payloadType", env -> {
              String t = attestation(env, this.<DsseNode>node(env).gitoid()).payloadType();
              return t == null ? WhereSql.STATEMENT_PAYLOAD_TYPE : t;
            })
            .dataFetcher("packageId", env -> attestation(env,
                this.<DsseNode>node(env).gitoid()).packageId())
            .dataFetcher("attachedTo", env -> attestation(env,
                this.<DsseNode>node(env).gitoid()).attachedTo())
            .dataFetcher("statement", env -> {
              String g = this.<DsseNode>node(env).gitoid();
              return attestation(env, g).statementType() == null ? null : new StatementNode(g);
            })
            .dataFetcher("signatures", env -> snapshot(env).signatures
                .getOrDefault(this.<DsseNode>node(env).gitoid(), List.of()).stream()
                .map(SignatureNode::new).toList())
            .dataFetcher("payloadDigests", env -> List.of()))
        .type(TypeRuntimeWiring.newTypeWiring("Statement")
            .dataFetcher("id", env -> "statement:" + this.<StatementNode>node(env).gitoid())
            .dataFetcher("predicate", env -> {
              String p = attestation(env, this.<StatementNode>node(env).gitoid()).predicateType();
              return p == null ? "" : p;
            })
            .dataFetcher("subjects", async(this::statementSubjects))
            .dataFetcher("attestationCollections", env -> {
              String g = this.<StatementNode>node(env).gitoid();
              return attestation(env, g).collectionName() == null ? null : new CollectionNode(g);
            })
            .dataFetcher("dsse", env -> {
              String g = this.<StatementNode>node(env).gitoid();
              return "other".equals(attestation(env, g).kind()) ? List.of()
                  : List.of(new DsseNode(g));
            }))
        .type(TypeRuntimeWiring.newTypeWiring("Subject")
            .dataFetcher("id", env -> {
              Snapshot.Subject s = this.<SubjectNode>node(env).subject();
              return "subject:" + s.gitoid() + ":" + s.ordinal();
            })
            .dataFetcher("name", env -> this.<SubjectNode>node(env).subject().name())
            .dataFetcher("subjectDigests", env -> {
              Snapshot.Subject s = this.<SubjectNode>node(env).subject();
              return s.digests().entrySet().stream()
                  .map(d -> new DigestNode(s, d.getKey(), d.getValue())).toList();
            })
            .dataFetcher("statement", env -> new StatementNode(
                this.<SubjectNode>node(env).subject().gitoid())))
        .type(TypeRuntimeWiring.newTypeWiring("SubjectDigest")
            .dataFetcher("id", env -> {
              DigestNode d = node(env);
              return "digest:" + d.subject().gitoid() + ":" + d.subject().ordinal() + ":"
                  + d.algorithm();
            })
            .dataFetcher("algorithm", env -> this.<DigestNode>node(env).algorithm())
            .dataFetcher("value", env -> this.<DigestNode>node(env).value())
            .dataFetcher("subject", env -> new SubjectNode(this.<DigestNode>node(env).subject())))
        .type(TypeRuntimeWiring.newTypeWiring("Signature")
            .dataFetcher("id", env -> {
              Snapshot.Signature s = this.<SignatureNode>node(env).signature();
              return "signature:" + s.gitoid() + ":" + s.ordinal();
            })
            .dataFetcher("keyID", env -> this.<SignatureNode>node(env).signature().keyid())
            .dataFetcher("signature", env -> this.<SignatureNode>node(env).signature()
                .signature())
            .dataFetcher("dsse", env -> new DsseNode(this.<SignatureNode>node(env).signature()
                .gitoid()))
            .dataFetcher("timestamps", env -> List.of())
            .dataFetcher("verified", env -> this.<SignatureNode>node(env).signature()
                .verifiedBy() != null)
            .dataFetcher("verifiedBy", env -> this.<SignatureNode>node(env).signature()
                .verifiedBy())
            .dataFetcher("verificationReason", env -> this.<SignatureNode>node(env).signature()
                .reason()))
        .type(TypeRuntimeWiring.newTypeWiring("AttestationCollection")
            .dataFetcher("id", env -> "collection:" + this.<CollectionNode>node(env).gitoid())
            .dataFetcher("name", env -> attestation(env,
                this.<CollectionNode>node(env).gitoid()).collectionName())
            .dataFetcher("attestations", env -> {
              String g = this.<CollectionNode>node(env).gitoid();
              List<String> types = snapshot(env).types.getOrDefault(g, List.of());
              List<AttestationNode> nodes = new ArrayList<>();
              for (int i = 0; i < types.size(); i++) {
                nodes.add(new AttestationNode(g, i, types.get(i)));
              }
              return nodes;
            })
            .dataFetcher("statement", env -> new StatementNode(
                this.<CollectionNode>node(env).gitoid())))
        .type(TypeRuntimeWiring.newTypeWiring("Attestation")
            .dataFetcher("id", env -> {
              AttestationNode a = node(env);
              return "attestation:" + a.gitoid() + ":" + a.ordinal();
            })
            .dataFetcher("type", env -> this.<AttestationNode>node(env).type())
            .dataFetcher("attestationCollection", env -> new CollectionNode(
                this.<AttestationNode>node(env).gitoid())))
        .build();
  }

  /** {@code dsses(where, first, after)}: envelopes (and bare Statements) by record order. */
  private Future<Object> dsses(DataFetchingEnvironment env) {
    Page page = page(env);
    WhereSql sql = new WhereSql(db.dialect());
    String a = sql.alias("a");
    String pred = sql.predicate(WhereSql.Entity.DSSE, a, env.getArgument("where"), true);
    String from = " FROM attestations " + a + " JOIN packages p ON p.id = " + a + ".package_id"
        + " WHERE p.status <> 'deleted' AND " + a + ".kind <> 'other'"
        + (pred == null ? "" : " AND " + pred);
    List<Object> countArgs = new ArrayList<>(sql.params());
    List<Object> pageArgs = new ArrayList<>(sql.params());
    String after = "";
    if (page.after() != null) {
      after = " AND " + a + ".recorded_seq > ?";
      pageArgs.add(page.after()[0]);
    }
    pageArgs.add(page.first() + 1);
    String select = "SELECT " + Snapshot.COLUMNS.replace("a.", a + ".") + from + after
        + " ORDER BY " + a + ".recorded_seq LIMIT ?";
    Snapshot snapshot = snapshot(env);
    return db.query("SELECT COUNT(*) AS n" + from, countArgs.toArray())
        .compose(count -> db.query(select, pageArgs.toArray())
            .compose(rows -> {
              List<Snapshot.Attestation> found = new ArrayList<>();
              for (Row r : rows) {
                found.add(Snapshot.attestation(r));
              }
              snapshot.count(Math.min(found.size(), page.first()));
              return snapshot.load(found.stream().map(Snapshot.Attestation::gitoid).toList())
                  .map(v -> connection(found.stream().limit(page.first())
                      .map(x -> edge(new DsseNode(x.gitoid()), cursor(x.seq()))).toList(),
                      found.size() > page.first(), count.iterator().next().getLong("n")));
            }));
  }

  /** {@code subjects(where, first, after)}: subjects by record order, then document order. */
  private Future<Object> subjects(DataFetchingEnvironment env) {
    Page page = page(env);
    WhereSql sql = new WhereSql(db.dialect());
    String s = sql.alias("s");
    String pred = sql.predicate(WhereSql.Entity.SUBJECT, s, env.getArgument("where"), true);
    String from = " FROM attestation_subjects " + s + " JOIN attestations x ON x.gitoid = " + s
        + ".gitoid JOIN packages p ON p.id = x.package_id WHERE p.status <> 'deleted'"
        + (pred == null ? "" : " AND " + pred);
    List<Object> countArgs = new ArrayList<>(sql.params());
    List<Object> pageArgs = new ArrayList<>(sql.params());
    String after = "";
    if (page.after() != null) {
      after = " AND (x.recorded_seq > ? OR (x.recorded_seq = ? AND " + s + ".ordinal > ?))";
      pageArgs.add(page.after()[0]);
      pageArgs.add(page.after()[0]);
      pageArgs.add(page.after().length > 1 ? page.after()[1] : -1L);
    }
    pageArgs.add(page.first() + 1);
    String select = "SELECT " + s + ".gitoid, " + s + ".ordinal, x.recorded_seq" + from + after
        + " ORDER BY x.recorded_seq, " + s + ".ordinal LIMIT ?";
    Snapshot snapshot = snapshot(env);
    return db.query("SELECT COUNT(*) AS n" + from, countArgs.toArray())
        .compose(count -> db.query(select, pageArgs.toArray())
            .compose(rows -> {
              List<long[]> keys = new ArrayList<>();
              List<String> gitoids = new ArrayList<>();
              for (Row r : rows) {
                gitoids.add(r.getString("gitoid"));
                keys.add(new long[] {r.getLong("recorded_seq"), r.getInteger("ordinal")});
              }
              snapshot.count(Math.min(gitoids.size(), page.first()));
              return snapshot.load(gitoids).map(v -> {
                List<Map<String, Object>> edges = new ArrayList<>();
                for (int i = 0; i < Math.min(gitoids.size(), page.first()); i++) {
                  int ordinal = (int) keys.get(i)[1];
                  Snapshot.Subject subject = snapshot.subjects.get(gitoids.get(i)).stream()
                      .filter(x -> x.ordinal() == ordinal).findFirst().orElseThrow();
                  edges.add(edge(new SubjectNode(subject), cursor(keys.get(i))));
                }
                return connection(edges, gitoids.size() > page.first(),
                    count.iterator().next().getLong("n"));
              });
            }));
  }

  /** {@code Statement.subjects(where, first, after)}: within one attestation. */
  private Future<Object> statementSubjects(DataFetchingEnvironment env) {
    Page page = page(env);
    String gitoid = this.<StatementNode>node(env).gitoid();
    List<Snapshot.Subject> all = snapshot(env).subjects.getOrDefault(gitoid, List.of());
    Map<String, Object> where = env.getArgument("where");
    Future<List<Snapshot.Subject>> matching;
    WhereSql sql = new WhereSql(db.dialect());
    String s = sql.alias("s");
    String pred = sql.predicate(WhereSql.Entity.SUBJECT, s, where, true);
    if (pred == null) {
      matching = Future.succeededFuture(all);
    } else {
      snapshot(env).count(Math.max(1, all.size())); // a query per statement: counted
      List<Object> args = new ArrayList<>(sql.params());
      args.add(0, gitoid);
      matching = db.query("SELECT " + s + ".ordinal FROM attestation_subjects " + s + " WHERE "
              + s + ".gitoid = ? AND " + pred, args.toArray())
          .map(rows -> {
            java.util.Set<Integer> ordinals = new java.util.HashSet<>();
            rows.forEach(r -> ordinals.add(r.getInteger("ordinal")));
            return all.stream().filter(x -> ordinals.contains(x.ordinal())).toList();
          });
    }
    return matching.map(list -> {
      long afterOrdinal = page.after() == null ? -1 : page.after()[0];
      List<Snapshot.Subject> rest = list.stream().filter(x -> x.ordinal() > afterOrdinal)
          .toList();
      snapshot(env).count((int) Math.min(rest.size(), page.first()));
      List<Map<String, Object>> edges = rest.stream().limit(page.first())
          .map(x -> edge(new SubjectNode(x), cursor(x.ordinal()))).toList();
      return connection(edges, rest.size() > page.first(), list.size());
    });
  }

  private record Page(int first, long[] after) {}

  private static Page page(DataFetchingEnvironment env) {
    if (env.getArgument("last") != null || env.getArgument("before") != null) {
      throw new GraphQLException("last and before are not supported: page forward with first "
          + "and after");
    }
    Integer first = env.getArgument("first");
    if (first != null && first < 0) {
      throw new GraphQLException("first must not be negative");
    }
    String after = env.getArgument("after");
    long[] position = null;
    if (after != null) {
      try {
        String[] parts = new String(Base64.getUrlDecoder().decode(after),
            StandardCharsets.US_ASCII).split(":");
        position = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
          position[i] = Long.parseLong(parts[i]);
        }
      } catch (IllegalArgumentException e) {
        throw new GraphQLException("after is not a cursor this server gave");
      }
    }
    return new Page(first == null ? MAX_PAGE : Math.min(first, MAX_PAGE), position);
  }

  private static String cursor(long... position) {
    StringBuilder b = new StringBuilder();
    for (long p : position) {
      b.append(b.length() == 0 ? "" : ":").append(p);
    }
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString(b.toString().getBytes(StandardCharsets.US_ASCII));
  }

  private static Map<String, Object> edge(Object node, String cursor) {
    Map<String, Object> edge = new LinkedHashMap<>();
    edge.put("node", node);
    edge.put("cursor", cursor);
    return edge;
  }

  private static Map<String, Object> connection(List<Map<String, Object>> edges,
      boolean hasNext, long total) {
    Map<String, Object> pageInfo = new LinkedHashMap<>();
    pageInfo.put("hasNextPage", hasNext);
    pageInfo.put("hasPreviousPage", false);
    pageInfo.put("startCursor", edges.isEmpty() ? null : edges.get(0).get("cursor"));
    pageInfo.put("endCursor", edges.isEmpty() ? null : edges.get(edges.size() - 1).get("cursor"));
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("edges", edges);
    c.put("pageInfo", pageInfo);
    c.put("totalCount", (int) Math.min(Integer.MAX_VALUE, total));
    return c;
  }

  @SuppressWarnings("unchecked")
  private <T> T node(DataFetchingEnvironment env) {
    return (T) env.getSource();
  }

  private static Snapshot snapshot(DataFetchingEnvironment env) {
    return env.getGraphQlContext().get(Snapshot.class);
  }

  private static Snapshot.Attestation attestation(DataFetchingEnvironment env, String gitoid) {
    return snapshot(env).attestations.get(gitoid);
  }

  /**
   * A fetcher answering a Vert.x future. A failure that is not the request's (the database's)
   * is kept aside for the caller as well as reported, so the request fails as a whole.
   */
  @SuppressWarnings("unchecked")
  private static DataFetcher<CompletableFuture<Object>> async(
      java.util.function.Function<DataFetchingEnvironment, Future<Object>> fetch) {
    return env -> {
      Future<Object> f;
      try {
        f = fetch.apply(env);
      } catch (GraphQLException e) {
        throw e;
      }
      return f.recover(e -> {
        if (!(e instanceof GraphQLException)) {
          ((AtomicReference<Throwable>) env.getGraphQlContext().get(AtomicReference.class))
              .compareAndSet(null, e);
        }
        return Future.failedFuture(e);
      }).toCompletionStage().toCompletableFuture();
    };
  }
}
