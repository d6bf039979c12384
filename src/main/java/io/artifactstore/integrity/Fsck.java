package io.artifactstore.integrity;

import io.artifactstore.bus.Addresses;
import io.artifactstore.bus.Bus;
import io.artifactstore.db.Database;
import io.artifactstore.events.EventDraft;
import io.artifactstore.events.EventLog;
import io.artifactstore.events.EventType;
import io.artifactstore.retention.Reclaimer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The integrity check of the stored bytes against the registry (fsck), backend by backend.
 * It compares the backend's inventory (asked of the data plane, as references) with the
 * locations the registry records, and reports:
 * <ul>
 *   <li>orphans: objects no row records, such as a crash between an object's rename into place
 *       and its row leaves; those younger than the grace period may be a commit in progress and
 *       are only counted;</li>
 *   <li>missing content: recorded locations that hold nothing;</li>
 *   <li>mismatches: objects whose size (and, with {@code verifyContent}, digests on re-reading)
 *       differ from what is recorded;</li>
 *   <li>temporary upload data older than the grace period.</li>
 * </ul>
 * With {@code repair}, orphans and stale temporaries older than the grace period are removed
 * and missing locations forgotten, each an event in the log. An orphan is removed under the same
 * guard as reclaimed content: a {@code blob.orphan_removal_started} event makes uploads of that
 * content wait until {@code blob.orphan_removed}, so none deduplicates against bytes going
 * away, and an upload holding a lease on it keeps it.
 */
public final class Fsck {

  /** What to do: repair or only report, re-read content or trust sizes, the grace period. */
  public record Options(boolean repair, boolean verifyContent, Duration grace) {}

  private static final int PAGE = 500;
  /** Entries listed per finding in a report; counts are always complete. */
  private static final int LISTED = 1000;
  private static final String ACTOR = "system:fsck";
  private static final long VERIFY_TIMEOUT_MS = 60 * 60 * 1000L;

  private final Vertx vertx;
  private final EventLog log;
  private final Database db;

  public Fsck(Vertx vertx, EventLog log) {
    this.vertx = vertx;
    this.log = log;
    this.db = log.database();
  }

  /**
   * Checks every backend: {@code {as_of, content_missing, repair, verify_content,
   * grace_seconds, clean, backends: {id: {...}}}}; clean when no backend has an orphan older
   * than the grace period, missing content, a mismatch or a stale temporary left (after
   * repairs, when repairing). {@code content_missing} counts contents recorded as lost (by an
   * earlier repair) that no upload has brought back.
   */
  public Future<JsonObject> run(Options options) {
    Instant now = log.clock().instant();
    return Bus.<JsonObject>request(vertx, Addresses.DATAPLANE_BACKENDS, new JsonObject())
        .compose(r -> {
          JsonObject backends = new JsonObject();
          Future<Void> chain = Future.succeededFuture();
          for (Object id : r.getJsonArray("backends")) {
            chain = chain.compose(v -> new BackendCheck(String.valueOf(id), options, now).run()
                .map(report -> {
                  backends.put(String.valueOf(id), report);
                  return null;
                }));
          }
          return chain.compose(v -> db.query(
                  "SELECT COUNT(*) AS n FROM blobs WHERE state = 'missing'"))
              .map(rows -> {
            boolean clean = backends.stream()
                .allMatch(e -> ((JsonObject) e.getValue()).getBoolean("clean"));
            return new JsonObject().put("as_of", now.toString())
                .put("content_missing", rows.iterator().next().getLong("n"))
                .put("repair", options.repair()).put("verify_content", options.verifyContent())
                .put("grace_seconds", options.grace().toSeconds()).put("clean", clean)
                .put("backends", backends);
          });
        });
  }

  /** One backend's check; its counters and lists become the backend's report. */
  private final class BackendCheck {
    private final String backend;
    private final Options options;
    private final Instant now;
    private final Findings orphans = new Findings();
    private final Findings missing = new Findings();
    private final Findings mismatched = new Findings();
    private final Findings temporaries = new Findings();
    private long objects;
    private long recorded;
    private long recentUnrecorded;
    private long temporariesInFlight;

    BackendCheck(String backend, Options options, Instant now) {
      this.backend = backend;
      this.options = options;
      this.now = now;
    }

    Future<JsonObject> run() {
      return finishRemovals()
          .compose(v -> objectsPage(null))
          .compose(v -> rowsPage(""))
          .compose(v -> temporaries())
          .map(v -> {
            boolean clean = orphans.open() == 0 && missing.open() == 0
                && mismatched.count == 0 && temporaries.open() == 0;
            return new JsonObject().put("objects", objects).put("recorded", recorded)
                .put("orphans", orphans.toJson())
                .put("recent_unrecorded", recentUnrecorded)
                .put("missing", missing.toJson()).put("mismatched", mismatched.toJson())
                .put("temporaries", temporaries.toJson())
                .put("temporaries_in_flight", temporariesInFlight).put("clean", clean);
          });
    }

    /** Removals a crash interrupted (started, not finished) are finished first. */
    private Future<Void> finishRemovals() {
      if (!options.repair()) {
        return Future.succeededFuture();
      }
      return db.query("SELECT sha256, location FROM blob_removals WHERE backend = ?", backend)
          .compose(rows -> {
            Future<Void> chain = Future.succeededFuture();
            for (Row r : rows) {
              chain = chain.compose(v -> deleteOrphan(r.getString("sha256"),
                  r.getString("location")));
            }
            return chain;
          });
    }

    /** Pass 1: every object of the inventory, against the rows recording its location. */
    private Future<Void> objectsPage(String after) {
      JsonObject req = new JsonObject().put("backend", backend).put("limit", PAGE);
      if (after != null) {
        req.put("after", after);
      }
      return Bus.<JsonObject>request(vertx, Addresses.DATAPLANE_INVENTORY, req)
          .compose(page -> {
            JsonArray found = page.getJsonArray("objects");
            objects += found.size();
            return found.isEmpty() ? Future.succeededFuture()
                : compareWithRows(found).compose(v -> page.getString("next") == null
                    ? Future.succeededFuture() : objectsPage(page.getString("next")));
          });
    }

    private Future<Void> compareWithRows(JsonArray found) {
      List<Object> args = new ArrayList<>();
      args.add(backend);
      StringBuilder in = new StringBuilder();
      for (int i = 0; i < found.size(); i++) {
        in.append(i == 0 ? "?" : ", ?");
        args.add(found.getJsonObject(i).getString("location"));
      }
      return db.query("SELECT l.location, b.size FROM blob_locations l JOIN blobs b "
              + "ON b.sha256 = l.sha256 WHERE l.backend = ? AND l.location IN (" + in + ")",
              args.toArray())
          .compose(rows -> {
            Map<String, Long> sizes = new HashMap<>();
            rows.forEach(r -> sizes.put(r.getString("location"), r.getLong("size")));
            Future<Void> chain = Future.succeededFuture();
            for (int i = 0; i < found.size(); i++) {
              JsonObject o = found.getJsonObject(i);
              Long size = sizes.get(o.getString("location"));
              if (size == null) {
                chain = chain.compose(v -> orphan(o));
              } else if (o.getLong("size") >= 0 && o.getLong("size").longValue() != size) {
                mismatched.add(new JsonObject().put("location", o.getString("location"))
                    .put("problem", "holds " + o.getLong("size") + " bytes, recorded " + size));
              }
            }
            return chain;
          });
    }

    private Future<Void> orphan(JsonObject o) {
      long ageSeconds = Duration.between(Instant.ofEpochMilli(o.getLong("modified")), now)
          .toSeconds();
      if (ageSeconds < options.grace().toSeconds()) {
        recentUnrecorded++;
        return Future.succeededFuture();
      }
      JsonObject entry = new JsonObject().put("location", o.getString("location"))
          .put("size", o.getLong("size")).put("age_seconds", ageSeconds);
      if (!options.repair()) {
        orphans.add(entry);
        return Future.succeededFuture();
      }
      return startRemoval(o.getString("sha256"), o.getString("location"))
          .compose(started -> {
            if (!started) {
              // A row or a lease appeared since the listing: not an orphan any more.
              return Future.<Void>succeededFuture();
            }
            return deleteOrphan(o.getString("sha256"), o.getString("location"))
                .map(v -> {
                  orphans.addRepaired(entry.put("removed", true));
                  return null;
                });
          });
    }

    /**
     * Records the start of a removal, under the event-log lock, only if the content is still
     * unrecorded and unleased: from then on, uploads of it wait.
     */
    private Future<Boolean> startRemoval(String sha256, String location) {
      // A lease is taken when an upload's digests are known and released once its file is
      // recorded, seconds later; one taken longer than the grace period ago belongs to an
      // upload that died with its server (it would otherwise keep the orphan for an hour).
      long takenAfter = log.clock().millis() - options.grace().toMillis();
      long nowMs = Math.max(log.clock().millis(), takenAfter + Reclaimer.LEASE.toMillis());
      return log.transaction(conn -> db.query(conn, "SELECT (SELECT COUNT(*) FROM blobs "
                  + "WHERE sha256 = ?) AS recorded, (SELECT COUNT(*) FROM blob_leases "
                  + "WHERE sha256 = ? AND expires_at >= ?) AS leased", sha256, sha256, nowMs)
          .compose(rows -> {
            Row r = rows.iterator().next();
            if (r.getLong("recorded") > 0 || r.getLong("leased") > 0) {
              return Future.succeededFuture(false);
            }
            return log.record(conn, new EventDraft(EventType.BLOB_ORPHAN_REMOVAL_STARTED,
                    sha256, ACTOR, reference(sha256, location)))
                .map(e -> true);
          }));
    }

    private Future<Void> deleteOrphan(String sha256, String location) {
      return Bus.<JsonObject>request(vertx, Addresses.DATAPLANE_DELETE,
              new JsonObject().put("backend", backend).put("location", location))
          .compose(r -> log.transaction(conn -> log.record(conn, new EventDraft(
              EventType.BLOB_ORPHAN_REMOVED, sha256, ACTOR, reference(sha256, location)))))
          .mapEmpty();
    }

    /** Pass 2: every recorded location (in sha256 order), against what the backend holds. */
    private Future<Void> rowsPage(String after) {
      return db.query("SELECT l.sha256, l.location, b.size, b.blake3, b.state "
                  + "FROM blob_locations l JOIN blobs b ON b.sha256 = l.sha256 "
                  + "WHERE l.backend = ? AND l.sha256 > ? ORDER BY l.sha256 LIMIT ?",
              backend, after, (long) PAGE)
          .compose(rows -> {
            List<Row> page = new ArrayList<>();
            rows.forEach(page::add);
            recorded += page.size();
            if (page.isEmpty()) {
              return Future.succeededFuture();
            }
            JsonArray locations = new JsonArray();
            page.forEach(r -> locations.add(r.getString("location")));
            return Bus.<JsonObject>request(vertx, Addresses.DATAPLANE_EXISTS,
                    new JsonObject().put("backend", backend).put("locations", locations))
                .compose(r -> missingOrVerified(page, r.getJsonArray("missing")))
                .compose(v -> page.size() < PAGE ? Future.succeededFuture()
                    : rowsPage(page.get(page.size() - 1).getString("sha256")));
          });
    }

    private Future<Void> missingOrVerified(List<Row> page, JsonArray absent) {
      Future<Void> chain = Future.succeededFuture();
      for (Row r : page) {
        String location = r.getString("location");
        if (absent.contains(location)) {
          // Content being reclaimed is expected to go; anything else is lost.
          if (!"reclaiming".equals(r.getString("state"))) {
            chain = chain.compose(v -> missing(r.getString("sha256"), location));
          }
        } else if (options.verifyContent()) {
          chain = chain.compose(v -> verify(r));
        }
      }
      return chain;
    }

    private Future<Void> missing(String sha256, String location) {
      JsonObject entry = reference(sha256, location);
      if (!options.repair()) {
        missing.add(entry);
        return Future.succeededFuture();
      }
      return log.transaction(conn -> log.record(conn, new EventDraft(EventType.BLOB_MISSING,
              sha256, ACTOR, reference(sha256, location))))
          .map(e -> {
            missing.addRepaired(entry.put("forgotten", true));
            return null;
          });
    }

    private Future<Void> verify(Row r) {
      JsonObject expected = new JsonObject().put("backend", backend)
          .put("location", r.getString("location")).put("size", r.getLong("size"))
          .put("sha256", r.getString("sha256")).put("blake3", r.getString("blake3"));
      return Bus.<JsonObject>request(vertx, Addresses.DATAPLANE_VERIFY, expected,
              VERIFY_TIMEOUT_MS)
          .map(v -> {
            if (!v.getBoolean("ok")) {
              mismatched.add(new JsonObject().put("location", r.getString("location"))
                  .put("problem", "re-read: " + v.getLong("size") + " bytes, sha256 "
                      + v.getString("sha256") + ", blake3 " + v.getString("blake3")));
            }
            return (Void) null;
          });
    }

    private Future<Void> temporaries() {
      return Bus.<JsonObject>request(vertx, Addresses.DATAPLANE_TEMPORARIES,
              new JsonObject().put("backend", backend))
          .compose(r -> {
            Future<Void> chain = Future.succeededFuture();
            for (Object o : r.getJsonArray("temporaries")) {
              JsonObject t = (JsonObject) o;
              long age = Duration.between(Instant.ofEpochMilli(t.getLong("modified")), now)
                  .toSeconds();
              if (age < options.grace().toSeconds()) {
                temporariesInFlight++;
                continue;
              }
              JsonObject entry = t.copy().put("age_seconds", age);
              if (!options.repair()) {
                temporaries.add(entry);
                continue;
              }
              chain = chain.compose(v -> Bus.<JsonObject>request(vertx,
                      Addresses.DATAPLANE_REMOVE_TEMPORARY,
                      new JsonObject().put("backend", backend).put("id", t.getString("id")))
                  .map(x -> {
                    temporaries.addRepaired(entry.put("removed", true));
                    return null;
                  }));
            }
            return chain;
          });
    }

    private JsonObject reference(String sha256, String location) {
      return new JsonObject().put("sha256", sha256).put("backend", backend)
          .put("location", location);
    }
  }

  /** A finding: its count, the first entries, and how many were repaired. */
  private static final class Findings {
    long count;
    long repaired;
    final JsonArray listed = new JsonArray();

    void add(JsonObject entry) {
      count++;
      if (listed.size() < LISTED) {
        listed.add(entry);
      }
    }

    void addRepaired(JsonObject entry) {
      add(entry);
      repaired++;
    }

    /** Found and not repaired. */
    long open() {
      return count - repaired;
    }

    JsonObject toJson() {
      return new JsonObject().put("count", count).put("repaired", repaired)
          .put("listed", listed);
    }
  }
}
