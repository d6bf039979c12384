package io.artifactstore.attestations;

import graphql.GraphQLException;
import io.artifactstore.db.Database;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Compiles Archivista's GraphQL where-inputs (ent's {@code gql_where_input.go} semantics) into
 * SQL over the attestation views. Sibling fields are ANDed; {@code not}, {@code and},
 * {@code or} combine; {@code hasXWith: [w...]} is an EXISTS over the related rows matching every
 * {@code w}; an {@code ...In} or {@code ...NotIn} given null or {@code []} adds nothing; a
 * nested where-input that adds nothing is an error ("empty predicate"), the top-level one means
 * no filter. String comparisons are exact (case-sensitive) on SQLite and PostgreSQL alike, but
 * the {@code EqualFold} and {@code ContainsFold} ones.
 *
 * <p>Parameters are collected in order ({@link #params}); values never enter the SQL text.
 */
final class WhereSql {

  /** The node types that have a where-input, with the table their alias ranges over. */
  enum Entity {
    DSSE("Dsse"), STATEMENT("Statement"), SUBJECT("Subject"), SUBJECT_DIGEST("SubjectDigest"),
    COLLECTION("AttestationCollection"), ATTESTATION("Attestation"), SIGNATURE("Signature");

    final String graphqlName;

    Entity(String graphqlName) {
      this.graphqlName = graphqlName;
    }
  }

  /** What a bare Statement's envelope type reads as (it has none). */
  static final String STATEMENT_PAYLOAD_TYPE = "application/vnd.in-toto+json";

  private final Database.Dialect dialect;
  private final List<Object> params = new ArrayList<>();
  private int aliases;

  WhereSql(Database.Dialect dialect) {
    this.dialect = dialect;
  }

  List<Object> params() {
    return params;
  }

  /** A fresh table alias. */
  String alias(String prefix) {
    return prefix + (aliases++);
  }

  /**
   * The SQL predicate of {@code where} over {@code alias} (a row of the entity's table), or null
   * when it adds nothing; {@code top}: whether that is allowed.
   */
  String predicate(Entity entity, String alias, Map<String, Object> where, boolean top) {
    if (++depth > MAX_DEPTH) {
      throw new GraphQLException("the filter nests deeper than " + MAX_DEPTH + " levels");
    }
    try {
      return predicateAt(entity, alias, where, top);
    } finally {
      depth--;
    }
  }

  /** Bounds on one filter: nesting, values in one list, values in all. */
  static final int MAX_DEPTH = 16;
  static final int MAX_LIST = 1000;
  static final int MAX_PARAMS = 5000;

  private int depth;

  private String predicateAt(Entity entity, String alias, Map<String, Object> where,
      boolean top) {
    List<String> parts = new ArrayList<>();
    if (where != null) {
      for (Map.Entry<String, Object> field : where.entrySet()) {
        String p = field(entity, alias, field.getKey(), field.getValue());
        if (p != null) {
          parts.add(p);
        }
      }
    }
    if (parts.isEmpty()) {
      if (top) {
        return null;
      }
      throw new GraphQLException("empty predicate " + entity.graphqlName + "WhereInput: a "
          + "nested filter must test something");
    }
    return parts.size() == 1 ? parts.get(0) : "(" + String.join(" AND ", parts) + ")";
  }

  @SuppressWarnings("unchecked")
  private String field(Entity entity, String a, String name, Object value) {
    switch (name) {
      case "not" -> {
        String p = value == null ? null : predicate(entity, a, (Map<String, Object>) value, false);
        return p == null ? null : "NOT " + p;
      }
      case "and", "or" -> {
        List<Map<String, Object>> list = (List<Map<String, Object>>) value;
        if (list == null || list.isEmpty()) {
          return null;
        }
        if (list.size() > MAX_LIST) {
          throw new GraphQLException(name + " has more than " + MAX_LIST + " elements");
        }
        List<String> ps = new ArrayList<>();
        for (Map<String, Object> w : list) {
          ps.add(predicate(entity, a, w, false));
        }
        return "(" + String.join(name.equals("and") ? " AND " : " OR ", ps) + ")";
      }
      default -> { }
    }
    return switch (entity) {
      case DSSE -> switch (name) {
        case "hasStatement" -> bool(value, a + ".statement_type IS NOT NULL");
        case "hasStatementWith" -> with(value, Entity.STATEMENT, w ->
            "(" + a + ".statement_type IS NOT NULL AND " + w.apply(a) + ")");
        case "hasSignatures" -> bool(value, signatures(a, null));
        case "hasSignaturesWith" -> with(value, Entity.SIGNATURE, w -> signatures(a, w));
        default -> strings(name, value, "gitoidSha256", a + ".gitoid", "payloadType",
            "COALESCE(" + a + ".payload_type, '" + STATEMENT_PAYLOAD_TYPE + "')");
      };
      case STATEMENT -> switch (name) {
        case "hasSubjects" -> bool(value, subjects(a, null));
        case "hasSubjectsWith" -> with(value, Entity.SUBJECT, w -> subjects(a, w));
        case "hasAttestationCollections" -> bool(value, a + ".collection_name IS NOT NULL");
        case "hasAttestationCollectionsWith" -> with(value, Entity.COLLECTION, w ->
            "(" + a + ".collection_name IS NOT NULL AND " + w.apply(a) + ")");
        case "hasDsse" -> bool(value, a + ".kind <> 'other'");
        case "hasDsseWith" -> with(value, Entity.DSSE, w ->
            "(" + a + ".kind <> 'other' AND " + w.apply(a) + ")");
        default -> strings(name, value, "predicate", "COALESCE(" + a + ".predicate_type, '')");
      };
      case SUBJECT -> switch (name) {
        case "hasSubjectDigests" -> bool(value, digests(a, null));
        case "hasSubjectDigestsWith" -> with(value, Entity.SUBJECT_DIGEST, w -> digests(a, w));
        case "hasStatement" -> bool(value, "TRUE");
        case "hasStatementWith" -> with(value, Entity.STATEMENT, w -> attestation(
            a + ".gitoid", x -> x + ".statement_type IS NOT NULL AND " + w.apply(x)));
        default -> strings(name, value, "name", a + ".name");
      };
      case SUBJECT_DIGEST -> switch (name) {
        case "hasSubject" -> bool(value, "TRUE");
        case "hasSubjectWith" -> with(value, Entity.SUBJECT, w -> {
          String s = alias("s");
          return "EXISTS (SELECT 1 FROM attestation_subjects " + s + " WHERE " + s
              + ".gitoid = " + a + ".gitoid AND " + s + ".ordinal = " + a + ".ordinal AND "
              + w.apply(s) + ")";
        });
        default -> strings(name, value, "algorithm", a + ".algorithm", "value", a + ".value");
      };
      case COLLECTION -> switch (name) {
        case "hasAttestations" -> bool(value, types(a, null));
        case "hasAttestationsWith" -> with(value, Entity.ATTESTATION, w -> types(a, w));
        case "hasStatement" -> bool(value, "TRUE");
        case "hasStatementWith" -> with(value, Entity.STATEMENT, w -> w.apply(a));
        default -> strings(name, value, "name", a + ".collection_name");
      };
      case ATTESTATION -> switch (name) {
        case "hasAttestationCollection" -> bool(value, "TRUE");
        case "hasAttestationCollectionWith" -> with(value, Entity.COLLECTION, w -> attestation(
            a + ".gitoid", x -> x + ".collection_name IS NOT NULL AND " + w.apply(x)));
        default -> strings(name, value, "type", a + ".type");
      };
      case SIGNATURE -> switch (name) {
        case "verified" -> value == null ? null
            : a + ".verified_by IS " + (Boolean.TRUE.equals(value) ? "NOT NULL" : "NULL");
        case "hasDsse" -> bool(value, "TRUE");
        case "hasDsseWith" -> with(value, Entity.DSSE, w -> attestation(a + ".gitoid",
            x -> x + ".kind <> 'other' AND " + w.apply(x)));
        case "hasTimestamps" -> value == null ? null
            : Boolean.TRUE.equals(value) ? "FALSE" : "TRUE";
        default -> strings(name, value, "keyID", a + ".keyid", "signature", a + ".signature",
            "verifiedBy", a + ".verified_by");
      };
    };
  }

  /** A where compiled over an alias given later. */
  private interface Bound {
    String apply(String alias);
  }

  private interface Edge {
    String of(Bound where);
  }

  @SuppressWarnings("unchecked")
  private String with(Object value, Entity target, Edge edge) {
    List<Map<String, Object>> list = (List<Map<String, Object>>) value;
    if (list == null || list.isEmpty()) {
      return null;
    }
    // One related row must match every element (ent's HasXWith(preds...)).
    return edge.of(alias -> {
      List<String> ps = new ArrayList<>();
      for (Map<String, Object> w : list) {
        ps.add(predicate(target, alias, w, false));
      }
      return ps.size() == 1 ? ps.get(0) : "(" + String.join(" AND ", ps) + ")";
    });
  }

  private static String bool(Object value, String exists) {
    if (value == null) {
      return null;
    }
    return Boolean.TRUE.equals(value) ? exists : "NOT " + exists;
  }

  private String signatures(String a, Bound w) {
    String g = alias("g");
    return "EXISTS (SELECT 1 FROM attestation_signatures " + g + " WHERE " + g + ".gitoid = "
        + a + ".gitoid" + (w == null ? "" : " AND " + w.apply(g)) + ")";
  }

  private String subjects(String a, Bound w) {
    String s = alias("s");
    return "EXISTS (SELECT 1 FROM attestation_subjects " + s + " WHERE " + s + ".gitoid = "
        + a + ".gitoid" + (w == null ? "" : " AND " + w.apply(s)) + ")";
  }

  private String digests(String s, Bound w) {
    String d = alias("d");
    return "EXISTS (SELECT 1 FROM attestation_subject_digests " + d + " WHERE " + d
        + ".gitoid = " + s + ".gitoid AND " + d + ".ordinal = " + s + ".ordinal"
        + (w == null ? "" : " AND " + w.apply(d)) + ")";
  }

  private String types(String a, Bound w) {
    String t = alias("t");
    return "EXISTS (SELECT 1 FROM attestation_types " + t + " WHERE " + t + ".gitoid = " + a
        + ".gitoid" + (w == null ? "" : " AND " + w.apply(t)) + ")";
  }

  private String attestation(String gitoidColumn, Bound condition) {
    String x = alias("a");
    return "EXISTS (SELECT 1 FROM attestations " + x + " WHERE " + x + ".gitoid = "
        + gitoidColumn + " AND " + condition.apply(x) + ")";
  }

  /** {@code name} as one of the string families of the fields {@code pairs} (field, column). */
  @SuppressWarnings("unchecked")
  private String strings(String name, Object value, String... pairs) {
    for (int i = 0; i < pairs.length; i += 2) {
      String field = pairs[i];
      if (!name.startsWith(field)) {
        continue;
      }
      String op = name.substring(field.length());
      String col = pairs[i + 1];
      if (op.equals("In") || op.equals("NotIn")) {
        List<String> values = (List<String>) value;
        if (values == null || values.isEmpty()) {
          return null;
        }
        if (values.size() > MAX_LIST || params.size() + values.size() > MAX_PARAMS) {
          throw new GraphQLException(name + ": at most " + MAX_LIST + " values in a list and "
              + MAX_PARAMS + " in a filter");
        }
        params.addAll(values);
        return col + (op.equals("In") ? " IN (" : " NOT IN (")
            + String.join(", ", java.util.Collections.nCopies(values.size(), "?")) + ")";
      }
      if (value == null) {
        return null;
      }
      String v = (String) value;
      switch (op) {
        case "" -> {
          params.add(v);
          return col + " = ?";
        }
        case "NEQ" -> {
          params.add(v);
          return col + " <> ?";
        }
        case "HasPrefix" -> {
          params.add(v.codePointCount(0, v.length()));
          params.add(v);
          return "substr(" + col + ", 1, ?) = ?";
        }
        case "HasSuffix" -> {
          params.add(v.codePointCount(0, v.length()));
          params.add(v.codePointCount(0, v.length()));
          params.add(v);
          return "(length(" + col + ") >= ? AND substr(" + col + ", length(" + col
              + ") - ? + 1) = ?)";
        }
        case "Contains" -> {
          params.add(v);
          return (dialect == Database.Dialect.POSTGRESQL ? "strpos(" : "instr(") + col
              + ", ?) > 0";
        }
        case "EqualFold" -> {
          params.add(v);
          return "LOWER(" + col + ") = LOWER(?)";
        }
        case "ContainsFold" -> {
          params.add(v.toLowerCase(java.util.Locale.ROOT));
          return (dialect == Database.Dialect.POSTGRESQL ? "strpos(" : "instr(") + "LOWER("
              + col + "), ?) > 0";
        }
        default -> { }
      }
    }
    throw new GraphQLException("the filter field " + name + " is not supported");
  }
}
