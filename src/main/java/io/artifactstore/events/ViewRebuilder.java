package io.artifactstore.events;

import io.artifactstore.db.Database;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.List;

/**
 * Rebuilds every view from the event log in one transaction: empties the views, then replays the
 * events in order through the same projector that live appends use. The chain is checked on the
 * way; a broken chain aborts the rebuild and leaves the views as they were.
 */
public final class ViewRebuilder {

  private static final int PAGE = 500;

  private final EventLog log;

  public ViewRebuilder(EventLog log) {
    this.log = log;
  }

  /** Completes with the number of events replayed. */
  public Future<Long> rebuild() {
    Database db = log.database();
    return db.transaction(conn -> db.lockEventLog(conn)
        .compose(v -> emptyViews(conn, 0))
        .compose(v -> replay(conn, 0, EventLog.GENESIS, 0)));
  }

  private Future<Void> emptyViews(SqlConnection conn, int index) {
    if (index == Projector.VIEWS.length) {
      return Future.succeededFuture();
    }
    return log.database().query(conn, "DELETE FROM " + Projector.VIEWS[index])
        .compose(r -> emptyViews(conn, index + 1));
  }

  private Future<Long> replay(SqlConnection conn, long afterSeq, byte[] previous, long count) {
    return log.read(conn, afterSeq, PAGE).compose(events -> {
      if (events.isEmpty()) {
        return Future.succeededFuture(count);
      }
      return applyAll(conn, events, 0, previous).compose(last -> {
        Event tail = events.get(events.size() - 1);
        return replay(conn, tail.seq(), last, count + events.size());
      });
    });
  }

  private Future<byte[]> applyAll(SqlConnection conn, List<Event> events, int i, byte[] previous) {
    if (i == events.size()) {
      return Future.succeededFuture(previous);
    }
    Event e = events.get(i);
    String problem = EventLog.problemWith(e, previous);
    if (problem != null) {
      return Future.failedFuture(new IllegalStateException(
          "the event log is damaged at event " + e.seq() + ": " + problem));
    }
    return log.projector().apply(conn, e)
        .compose(v -> applyAll(conn, events, i + 1, e.chainDigest()));
  }
}
