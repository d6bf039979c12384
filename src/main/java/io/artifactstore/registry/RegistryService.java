package io.artifactstore.registry;

import io.artifactstore.attestations.ManifestStatement;
import io.artifactstore.attestations.SigningKeys;
import io.artifactstore.config.AppConfig;
import io.artifactstore.db.Database;
import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import io.artifactstore.events.CanonicalJson;
import io.artifactstore.events.EventDraft;
import io.artifactstore.events.EventLog;
import io.artifactstore.events.EventType;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The package registry: every state change is an event recorded with its view update in one
 * transaction; reads come from the views. Inputs are validated here, the authority, whatever
 * the caller checked before.
 */
public final class RegistryService {

  public static final String STATUS_CREATED = "created";
  public static final String STATUS_UPLOADING = "uploading";
  public static final String STATUS_FINALIZED = "finalized";
  public static final String STATUS_FAILED = "failed";
  public static final String STATUS_DELETED = "deleted";
  public static final String MANIFEST_SCHEMA = "artifact-store.manifest/v1";

  private static final int MAX_PRODUCER = 256;
  private static final int MAX_SUBJECT = 512;

  private final EventLog log;
  private final Database db;
  private final AppConfig config;
  private final SigningKeys signer;

  public RegistryService(EventLog log, AppConfig config) {
    this(log, config, null);
  }

  /** {@code signer}: the keys that sign manifests at finalize; null: manifests are unsigned. */
  public RegistryService(EventLog log, AppConfig config, SigningKeys signer) {
    this.log = log;
    this.db = log.database();
    this.config = config;
    this.signer = signer;
  }

  /**
   * Records a definition event for every configured retention class that the view lacks or has
   * with another duration. Existing packages keep the expiry they were given.
   */
  public Future<Void> defineRetentionClasses() {
    return write(conn -> db.query(conn, "SELECT name, duration_seconds FROM retention_classes")
        .compose(rows -> {
          Map<String, Optional<Duration>> wanted = config.retention().classes();
          Future<?> chain = Future.succeededFuture();
          for (Map.Entry<String, Optional<Duration>> c : new java.util.TreeMap<>(wanted).entrySet()) {
            Long seconds = c.getValue().map(Duration::getSeconds).orElse(null);
            boolean same = false;
            for (Row r : rows) {
              if (r.getString("name").equals(c.getKey())) {
                same = java.util.Objects.equals(Database.longOrNull(r, "duration_seconds"), seconds);
              }
            }
            if (!same) {
              JsonObject payload = new JsonObject().put("name", c.getKey())
                  .put("duration_seconds", seconds);
              chain = chain.compose(v -> log.record(conn,
                  new EventDraft(EventType.RETENTION_CLASS_DEFINED, c.getKey(), "system", payload)));
            }
          }
          return chain.mapEmpty();
        }));
  }

  /** Creates a package in state {@code created}. */
  public Future<JsonObject> createPackage(JsonObject req) {
    String producer = text(req, "producer", MAX_PRODUCER, true);
    String subject = text(req, "subject", MAX_SUBJECT, true);
    String retentionClass = text(req, "retention_class", 64, false);
    if (retentionClass == null) {
      retentionClass = config.retention().defaultClass();
    }
    Object metadataValue = req.getValue("metadata");
    if (metadataValue != null && !(metadataValue instanceof JsonObject)) {
      throw new ApiException(ErrorCode.INVALID_REQUEST, "metadata must be a JSON object");
    }
    JsonObject metadata = metadataValue == null ? new JsonObject() : (JsonObject) metadataValue;
    try {
      CanonicalJson.requireIJsonNumbers(metadata);
    } catch (IllegalArgumentException e) {
      throw new ApiException(ErrorCode.INVALID_REQUEST, "metadata: " + e.getMessage());
    }
    int metadataBytes = CanonicalJson.encodeBytes(metadata).length;
    if (metadataBytes > config.limits().maxMetadataBytes()) {
      throw new ApiException(ErrorCode.METADATA_TOO_LARGE, "metadata is " + metadataBytes
          + " bytes; the limit is " + config.limits().maxMetadataBytes());
    }
    String actor = actor(req);
    String className = retentionClass;
    String id = PackageIds.next(log.clock());
    return write(conn -> appendCreated(conn, id, producer, subject, className, metadata, actor,
            req)
        .compose(e -> loadPackage(conn, id)))
        .map(PackageViews::packageJson);
  }

  /**
   * Appends {@code package.created} for a new package {@code id} (validated arguments), in the
   * caller's transaction. {@code unknown_retention_class} when the class is not defined.
   */
  Future<Void> appendCreated(SqlConnection conn, String id, String producer, String subject,
      String className, JsonObject metadata, String actor, JsonObject req) {
    return retentionSeconds(conn, className)
        .compose(seconds -> {
          long now = log.clock().millis();
          JsonObject payload = new JsonObject()
              .put("id", id)
              .put("producer", producer)
              .put("subject", subject)
              .put("retention_class", className)
              .put("metadata", metadata)
              .put("created_at", now)
              .put("expires_at", seconds.map(s -> now + s * 1000).orElse(null));
          return log.record(conn, EventDraft.claimed(EventType.PACKAGE_CREATED, id, actor, req,
              payload));
        })
        .mapEmpty();
  }

  /** {@code {id, producer}} of package {@code id}; {@code package_not_found}. */
  public Future<JsonObject> producerOf(String id) {
    if (!PackageIds.isWellFormed(id)) {
      return Future.failedFuture(new ApiException(ErrorCode.PACKAGE_NOT_FOUND, "no package " + id));
    }
    return db.query("SELECT producer FROM packages WHERE id = ?", id).map(rows -> {
      if (rows.size() == 0) {
        throw new ApiException(ErrorCode.PACKAGE_NOT_FOUND, "no package " + id);
      }
      return new JsonObject().put("id", id)
          .put("producer", rows.iterator().next().getString("producer"));
    });
  }

  /**
   * {@code {producers: [..]}}: the distinct producers of the packages (neither deleted nor failed)
   * that hold content {@code sha256} (lowercase hex).
   */
  public Future<JsonObject> producersOf(String sha256) {
    return db.query("SELECT DISTINCT p.producer FROM files f JOIN packages p "
            + "ON p.id = f.package_id WHERE f.sha256 = ? AND p.status NOT IN ('deleted', 'failed') "
            + "ORDER BY p.producer", sha256)
        .map(rows -> {
          io.vertx.core.json.JsonArray producers = new io.vertx.core.json.JsonArray();
          rows.forEach(r -> producers.add(r.getString("producer")));
          return new JsonObject().put("producers", producers);
        });
  }

  /**
   * Whether the server may hold content of exactly {@code size} bytes whose first 64 KiB have
   * the SHA-256 {@code headSha256} (null: any head): {@code {size, head_sha256?, held}}. A blob
   * recorded without a head digest (stored before the server recorded them) counts whatever
   * the head, and so may a blob being reclaimed: a client then hashes before sending, which is
   * safe. {@code held: false} is certain: no such content is stored.
   */
  public Future<JsonObject> mayHold(long size, String headSha256) {
    Future<RowSet<Row>> rows = headSha256 == null
        ? db.query("SELECT 1 AS one FROM blobs WHERE size = ? LIMIT 1", size)
        : db.query("SELECT 1 AS one FROM blobs WHERE size = ? "
            + "AND (head_sha256 = ? OR head_sha256 IS NULL) LIMIT 1", size, headSha256);
    return rows.map(r -> {
      JsonObject answer = new JsonObject().put("size", size);
      if (headSha256 != null) {
        answer.put("head_sha256", headSha256);
      }
      return answer.put("held", r.iterator().hasNext());
    });
  }

  /** A package with its files. */
  public Future<JsonObject> getPackage(String id) {
    return db.pool().withConnection(conn -> loadPackage(conn, id)
        .compose(row -> db.query(conn, "SELECT " + PackageViews.FILE_COLUMNS
                + " FROM files WHERE package_id = ? ORDER BY path", id)
            .map(files -> PackageViews.packageJson(row).put("files", PackageViews.files(files)))));
  }

  /** Newest first, filtered, with keyset pagination on the (time-ordered) id. */
  public Future<JsonObject> listPackages(JsonObject q) {
    int limit = q.getInteger("limit", 50);
    if (limit < 1 || limit > 1000) {
      throw new ApiException(ErrorCode.INVALID_PARAMETER, "limit must be between 1 and 1000");
    }
    StringBuilder sql = new StringBuilder("SELECT " + PackageViews.PACKAGE_COLUMNS
        + " FROM packages WHERE 1 = 1");
    List<Object> args = new ArrayList<>();
    String status = q.getString("status");
    if (status != null && !List.of(STATUS_CREATED, STATUS_UPLOADING, STATUS_FINALIZED,
        STATUS_FAILED, STATUS_DELETED).contains(status)) {
      throw new ApiException(ErrorCode.INVALID_PARAMETER,
          "status must be created, uploading, finalized, failed or deleted");
    }
    for (String field : new String[] {"producer", "subject", "status", "manifest_digest"}) {
      String v = q.getString(field);
      if (v != null) {
        sql.append(" AND ").append(field).append(" = ?");
        args.add(v);
      }
    }
    String cursor = q.getString("cursor");
    if (cursor != null) {
      String after = Cursors.decode(cursor);
      sql.append(" AND id < ?");
      args.add(after);
    }
    sql.append(" ORDER BY id DESC LIMIT ?");
    args.add((long) limit + 1);
    return db.query(sql.toString(), args.toArray()).map(rows -> {
      JsonArray items = new JsonArray();
      String last = null;
      int n = 0;
      boolean more = false;
      for (Row row : rows) {
        if (n++ == limit) {
          more = true;
          break;
        }
        items.add(PackageViews.packageJson(row));
        last = row.getString("id");
      }
      return new JsonObject().put("items", items)
          .put("next_cursor", more ? Cursors.encode(last) : null);
    });
  }

  /**
   * Checks, before any byte is read, that {@code path} may be written into the package with
   * {@code media_type}; the answer carries the package's retention class, which may choose the
   * backend.
   */
  public Future<JsonObject> prepareFile(JsonObject req) {
    String pkg = req.getString("package");
    String path = LogicalPath.validate(req.getString("path"), config.limits());
    boolean replace = req.getBoolean("replace", false);
    MediaType.of(req.getString("media_type"));
    return db.pool().withConnection(conn -> checkWritable(conn, pkg, path, replace)
            .compose(v -> loadPackage(conn, pkg)))
        .map(p -> new JsonObject().put("package", pkg).put("path", path)
            .put("retention_class", p.getString("retention_class")));
  }

  /**
   * Records a file whose bytes the data plane committed. The blob and its location are
   * recorded first, in their own transaction, because the bytes exist whatever happens to the
   * file: a blob that no file ends up referencing is then known to the registry (and can be
   * reclaimed) instead of lying unrecorded in storage. The file is then added in a second
   * transaction that re-checks everything {@link #prepareFile} checked.
   */
  public Future<JsonObject> commitFile(JsonObject ref) {
    String pkg = ref.getString("package");
    String path = LogicalPath.validate(ref.getString("path"), config.limits());
    boolean replace = ref.getBoolean("replace", false);
    String mediaType = MediaType.of(ref.getString("media_type"));
    String actor = actor(ref);
    String sha256 = ref.getString("sha256");
    String blake3 = ref.getString("blake3");
    long size = ref.getLong("size");
    return recordBlob(ref, actor)
        .compose(v -> write(conn -> checkWritable(conn, pkg, path, replace)
            .compose(w -> {
              JsonObject file = new JsonObject().put("package_id", pkg).put("path", path)
                  .put("size", size).put("sha256", sha256).put("blake3", blake3)
                  .put("media_type", mediaType);
              return log.record(conn, EventDraft.claimed(EventType.FILE_ADDED, pkg, actor, ref, file));
            })
            .compose(e -> db.query(conn, "SELECT " + PackageViews.FILE_COLUMNS
                + " FROM files WHERE package_id = ? AND path = ?", pkg, path))))
        .map(rows -> PackageViews.fileJson(rows.iterator().next()))
        // The content is recorded (and referenced, if the file was added): the upload's lease
        // on it can end, whatever the outcome.
        .eventually(() -> releaseLease(ref.getString("lease_id")));
  }

  Future<Void> releaseLease(String leaseId) {
    return leaseId == null ? Future.succeededFuture()
        : db.query("DELETE FROM blob_leases WHERE lease_id = ?", leaseId).<Void>mapEmpty()
            .otherwiseEmpty();
  }

  /**
   * Adds a file by the digest of content the server already holds: no bytes are sent. The
   * check and the append are one step under the event-log lock, so the content cannot be
   * reclaimed in between; content being reclaimed counts as absent ({@code blob_not_found}),
   * and the client sends the bytes instead.
   */
  public Future<JsonObject> addByDigest(JsonObject req) {
    String pkg = req.getString("package");
    String path = LogicalPath.validate(req.getString("path"), config.limits());
    boolean replace = req.getBoolean("replace", false);
    String actor = actor(req);
    Object shaValue = req.getValue("sha256");
    Object sizeValue = req.getValue("size");
    if (!(shaValue instanceof String sha) || !sha.matches("[0-9a-f]{64}")) {
      throw new ApiException(ErrorCode.INVALID_REQUEST, "sha256 must be 64 lowercase hex characters");
    }
    if (!(sizeValue instanceof Number n) || n.longValue() < 0 || n.doubleValue() != n.longValue()) {
      throw new ApiException(ErrorCode.INVALID_REQUEST, "size must be a whole number of bytes");
    }
    long size = ((Number) sizeValue).longValue();
    String mediaType = MediaType.of(req.getString("media_type"));
    return write(conn -> checkWritable(conn, pkg, path, replace)
        .compose(v -> db.query(conn, "SELECT b.size, b.blake3 FROM blobs b WHERE b.sha256 = ? "
            + "AND b.state = 'stored' AND EXISTS (SELECT 1 FROM blob_locations l "
            + "WHERE l.sha256 = b.sha256)", sha))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(new ApiException(ErrorCode.BLOB_NOT_FOUND,
                "the server does not hold sha256:" + sha + "; send the bytes"));
          }
          Row blob = rows.iterator().next();
          if (blob.getLong("size") != size) {
            return Future.failedFuture(new ApiException(ErrorCode.SIZE_MISMATCH,
                "sha256:" + sha + " is " + blob.getLong("size") + " bytes, not " + size));
          }
          JsonObject file = new JsonObject().put("package_id", pkg).put("path", path)
              .put("size", size).put("sha256", sha).put("blake3", blob.getString("blake3"))
              .put("media_type", mediaType);
          return log.record(conn, EventDraft.claimed(EventType.FILE_ADDED, pkg, actor, req, file));
        })
        .compose(e -> db.query(conn, "SELECT " + PackageViews.FILE_COLUMNS
            + " FROM files WHERE package_id = ? AND path = ?", pkg, path)))
        .map(rows -> PackageViews.fileJson(rows.iterator().next()));
  }

  /** Counts and sizes: {@code stored_bytes} is what the backends hold (each content once). */
  public Future<JsonObject> stats() {
    return db.query("SELECT (SELECT COUNT(*) FROM packages) AS packages, "
            + "(SELECT COUNT(*) FROM packages WHERE status <> 'deleted') AS live_packages, "
            + "(SELECT COUNT(*) FROM files) AS files, "
            + "(SELECT COALESCE(SUM(size), 0) FROM files) AS logical_bytes, "
            + "(SELECT COUNT(*) FROM blobs) AS blobs, "
            + "(SELECT COALESCE(SUM(size), 0) FROM blobs) AS stored_bytes")
        .map(rows -> {
          Row r = rows.iterator().next();
          return new JsonObject()
              .put("packages", r.getLong("packages"))
              .put("live_packages", r.getLong("live_packages"))
              .put("files", r.getLong("files"))
              .put("logical_bytes", ((Number) r.getValue("logical_bytes")).longValue())
              .put("blobs", r.getLong("blobs"))
              .put("stored_bytes", ((Number) r.getValue("stored_bytes")).longValue());
        });
  }

  /** Records {@code blob.stored} unless the blob is already known at that backend. */
  Future<Void> recordBlob(JsonObject ref, String actor) {
    String sha256 = ref.getString("sha256");
    String backend = ref.getString("backend");
    return write(conn -> db.query(conn,
            "SELECT b.sha256, l.location FROM blobs b LEFT JOIN blob_locations l "
                + "ON l.sha256 = b.sha256 AND l.backend = ? WHERE b.sha256 = ?", backend, sha256)
        .compose(rows -> {
          boolean located = rows.size() > 0 && rows.iterator().next().getString("location") != null;
          if (located) {
            return Future.<Void>succeededFuture();
          }
          JsonObject blob = new JsonObject().put("sha256", sha256)
              .put("blake3", ref.getString("blake3")).put("size", ref.getLong("size"))
              .put("backend", backend).put("location", ref.getString("location"));
          if (ref.getString("head_sha256") != null) {
            blob.put("head_sha256", ref.getString("head_sha256"));
          }
          return log.record(conn, new EventDraft(EventType.BLOB_STORED, sha256, actor, blob))
              .<Void>mapEmpty();
        }));
  }

  /**
   * A file's reference: digests, media type, where its bytes are, and the package's status
   * (callers may cache references of finalized packages). One query.
   */
  public Future<JsonObject> getFile(String pkg, String path) {
    if (!PackageIds.isWellFormed(pkg)) {
      return Future.failedFuture(new ApiException(ErrorCode.PACKAGE_NOT_FOUND, "no package " + pkg));
    }
    return db.query("SELECT p.status, f.path, f.size, f.sha256, f.blake3, f.media_type, "
            + "f.added_at, l.backend, l.location FROM packages p "
            + "LEFT JOIN files f ON f.package_id = p.id AND f.path = ? "
            + "LEFT JOIN blob_locations l ON l.sha256 = f.sha256 "
            + "WHERE p.id = ? ORDER BY l.stored_seq", path, pkg)
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(new ApiException(ErrorCode.PACKAGE_NOT_FOUND,
                "no package " + pkg));
          }
          Row first = rows.iterator().next();
          String status = first.getString("status");
          if (STATUS_DELETED.equals(status)) {
            return Future.failedFuture(new ApiException(ErrorCode.PACKAGE_DELETED,
                "package " + pkg + " was deleted; its files are no longer served"));
          }
          if (STATUS_FAILED.equals(status)) {
            return Future.failedFuture(new ApiException(ErrorCode.PACKAGE_FAILED,
                "package " + pkg + " failed before it was finalized; its files are not kept"));
          }
          if (first.getString("path") == null) {
            return Future.failedFuture(new ApiException(ErrorCode.FILE_NOT_FOUND,
                "package " + pkg + " has no file " + path));
          }
          JsonArray locations = new JsonArray();
          for (Row r : rows) {
            if (r.getString("backend") != null) {
              locations.add(new JsonObject().put("backend", r.getString("backend"))
                  .put("location", r.getString("location")));
            }
          }
          return Future.succeededFuture(PackageViews.fileJson(first).put("package", pkg)
              .put("package_status", status).put("locations", locations));
        });
  }

  /**
   * A blob's reference by either digest, with its locations. Content being reclaimed is no
   * longer served: it is {@code blob_not_found} from the moment reclamation starts.
   */
  public Future<JsonObject> locateBlob(String algorithm, String hex) {
    String column = switch (algorithm) {
      case "sha256" -> "sha256";
      case "blake3" -> "blake3";
      default -> throw new ApiException(ErrorCode.INVALID_PARAMETER,
          "digest algorithm must be sha256 or blake3");
    };
    return db.pool().withConnection(conn -> db.query(conn,
            "SELECT sha256, blake3, size FROM blobs WHERE " + column + " = ? AND state = 'stored'",
            hex)
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(new ApiException(ErrorCode.BLOB_NOT_FOUND,
                "no blob with " + algorithm + " " + hex));
          }
          Row r = rows.iterator().next();
          JsonObject blob = new JsonObject().put("sha256", r.getString("sha256"))
              .put("blake3", r.getString("blake3")).put("size", r.getLong("size"))
              .put("media_type", "application/octet-stream");
          return withLocations(conn, blob);
        }));
  }

  private Future<JsonObject> withLocations(SqlConnection conn, JsonObject ref) {
    return db.query(conn, "SELECT backend, location FROM blob_locations WHERE sha256 = ? "
            + "ORDER BY stored_seq", ref.getString("sha256"))
        .map(rows -> {
          JsonArray locations = new JsonArray();
          rows.forEach(r -> locations.add(new JsonObject().put("backend", r.getString("backend"))
              .put("location", r.getString("location"))));
          return ref.put("locations", locations);
        });
  }

  /**
   * Freezes the package and records its manifest. Finalizing a finalized package returns it
   * unchanged (idempotent).
   */
  public Future<JsonObject> finalizePackage(String id, JsonObject req) {
    String actor = actor(req);
    return write(conn -> loadPackage(conn, id)
        .compose(p -> {
          String status = p.getString("status");
          if (STATUS_FINALIZED.equals(status)) {
            return Future.succeededFuture();
          }
          if (!STATUS_CREATED.equals(status) && !STATUS_UPLOADING.equals(status)) {
            return Future.failedFuture(new ApiException(ErrorCode.PACKAGE_NOT_WRITABLE,
                "package " + id + " is " + status + " and cannot be finalized"));
          }
          return appendFinalized(conn, p, actor, req);
        })
        .compose(v -> loadPackage(conn, id)))
        .map(PackageViews::packageJson);
  }

  /**
   * Appends {@code package.finalized} for package row {@code p} (created or uploading), with
   * its manifest built from its files, in the caller's transaction.
   */
  Future<Void> appendFinalized(SqlConnection conn, Row p, String actor, JsonObject req) {
    String id = p.getString("id");
    return Future.all(
            retentionSeconds(conn, p.getString("retention_class")),
            db.query(conn, "SELECT " + PackageViews.FILE_COLUMNS
                + " FROM files WHERE package_id = ?", id))
        .compose(all -> {
          Optional<Long> seconds = all.resultAt(0);
          RowSet<Row> files = all.resultAt(1);
          long now = log.clock().millis();
          String manifest = Manifests.build(PackageViews.packageJson(p), files, now);
          String digest = "sha256:" + sha256Hex(manifest);
          JsonObject payload = new JsonObject().put("id", id)
              .put("finalized_at", now)
              .put("expires_at", seconds.map(s -> now + s * 1000).orElse(null))
              .put("manifest", manifest)
              .put("manifest_digest", digest);
          if (signer != null) {
            payload.put("manifest_envelope", signer.envelope(ManifestStatement.PAYLOAD_TYPE,
                ManifestStatement.of(manifest, digest)));
          }
          return log.record(conn,
              EventDraft.claimed(EventType.PACKAGE_FINALIZED, id, actor, req, payload));
        })
        .mapEmpty();
  }

  /** The manifest of a finalized package: {@code {manifest, manifest_digest, finalized_at}}. */
  public Future<JsonObject> manifest(String id) {
    return db.pool().withConnection(conn -> loadPackage(conn, id)
        .compose(p -> {
          if (p.getString("manifest") == null) {
            return Future.failedFuture(new ApiException(ErrorCode.PACKAGE_NOT_FINALIZED,
                "package " + id + " is " + p.getString("status") + "; it has a manifest once "
                    + "finalized"));
          }
          return Future.succeededFuture(new JsonObject()
              .put("manifest", p.getString("manifest"))
              .put("manifest_digest", p.getString("manifest_digest"))
              .put("manifest_envelope", p.getString("manifest_envelope"))
              .put("finalized_at", PackageViews.packageJson(p).getString("finalized_at")));
        }));
  }

  /** Whether the database answers. */
  public Future<JsonObject> health() {
    return db.query("SELECT COUNT(*) AS n FROM events")
        .map(rows -> new JsonObject().put("dialect", db.dialect().name().toLowerCase())
            .put("events", rows.iterator().next().getLong("n")));
  }

  EventLog log() {
    return log;
  }

  java.time.Clock clock() {
    return log.clock();
  }

  <T> Future<T> write(java.util.function.Function<SqlConnection, Future<T>> work) {
    return log.transaction(work);
  }

  Future<Row> loadPackage(SqlConnection conn, String id) {
    if (!PackageIds.isWellFormed(id)) {
      return Future.failedFuture(new ApiException(ErrorCode.PACKAGE_NOT_FOUND,
          "no package " + id));
    }
    return db.query(conn, "SELECT " + PackageViews.PACKAGE_COLUMNS + ", manifest, "
            + "manifest_envelope FROM packages WHERE id = ?", id)
        .compose(rows -> rows.size() == 0
            ? Future.failedFuture(new ApiException(ErrorCode.PACKAGE_NOT_FOUND, "no package " + id))
            : Future.succeededFuture(rows.iterator().next()));
  }

  private Future<Void> checkWritable(SqlConnection conn, String pkg, String path, boolean replace) {
    return loadPackage(conn, pkg).compose(p -> {
      String status = p.getString("status");
      if (STATUS_FINALIZED.equals(status)) {
        return Future.failedFuture(new ApiException(ErrorCode.PACKAGE_FINALIZED,
            "package " + pkg + " is finalized; its files cannot change"));
      }
      if (!STATUS_CREATED.equals(status) && !STATUS_UPLOADING.equals(status)) {
        return Future.failedFuture(new ApiException(ErrorCode.PACKAGE_NOT_WRITABLE,
            "package " + pkg + " is " + status));
      }
      return db.query(conn, "SELECT 1 FROM files WHERE package_id = ? AND path = ?", pkg, path)
          .compose(rows -> rows.size() > 0 && !replace
              ? Future.failedFuture(new ApiException(ErrorCode.FILE_EXISTS, "package " + pkg
                  + " already has " + path + "; send ?replace=true to replace it"))
              : Future.succeededFuture());
    });
  }

  private Future<Optional<Long>> retentionSeconds(SqlConnection conn, String name) {
    return db.query(conn, "SELECT duration_seconds FROM retention_classes WHERE name = ?", name)
        .compose(rows -> rows.size() == 0
            ? Future.failedFuture(new ApiException(ErrorCode.UNKNOWN_RETENTION_CLASS,
                "no retention class '" + name + "'; known: "
                    + String.join(", ", new java.util.TreeSet<>(config.retention().classes().keySet()))))
            : Future.succeededFuture(
                Optional.ofNullable(Database.longOrNull(rows.iterator().next(), "duration_seconds"))));
  }

  private static String text(JsonObject req, String field, int max, boolean required) {
    Object v = req.getValue(field);
    if (v == null) {
      if (required) {
        throw new ApiException(ErrorCode.INVALID_REQUEST, field + " is required");
      }
      return null;
    }
    if (!(v instanceof String s) || s.isBlank()) {
      throw new ApiException(ErrorCode.INVALID_REQUEST, field + " must be a non-empty string");
    }
    if (s.length() > max) {
      throw new ApiException(ErrorCode.INVALID_REQUEST, field + " is longer than " + max
          + " characters");
    }
    if (s.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new ApiException(ErrorCode.INVALID_REQUEST, field + " contains a control character");
    }
    return s;
  }

  static String actor(JsonObject req) {
    String actor = req.getString("actor");
    return actor == null || actor.isBlank() ? "anonymous" : actor;
  }

  static String sha256Hex(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
