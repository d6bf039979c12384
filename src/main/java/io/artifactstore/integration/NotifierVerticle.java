package io.artifactstore.integration;

import io.artifactstore.bus.Addresses;
import io.artifactstore.db.Database;
import io.artifactstore.events.Event;
import io.artifactstore.events.EventLog;
import io.artifactstore.security.Authenticator;
import io.artifactstore.security.CallerLimits;
import io.artifactstore.security.Authorization;
import io.artifactstore.security.Role;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Publishes every event of the log on {@link BusApi#EVENTS}, once, in sequence order, and
 * answers {@link BusApi#EVENTS_SINCE} from the log.
 *
 * <p>It tails the log rather than being told each event: after every transaction of this
 * process that commits ({@link Database#onCommitted}) and whenever another server on the same
 * PostgreSQL database announces an append ({@link Addresses#EVENTS_APPENDED}) it reads the
 * events after the last one it published and publishes them; every
 * {@code integration.events_poll_interval} (1 s) it looks again, for what no announcement covers (the CLI's {@code fsck --repair} on SQLite, an
 * announcement lost while the database connection was down). Every server publishes every
 * event of the shared log to its own consumers.
 * One reader at a time, so the order on the bus is the log's. It starts at the log's head:
 * history is read with {@code events.since}.
 */
public final class NotifierVerticle extends VerticleBase {

  private static final Logger LOG = Logger.getLogger(NotifierVerticle.class.getName());

  private static final int PAGE = 500;

  private final Database db;
  private final EventLog log;
  private final Authenticator authenticator;
  private final CallerLimits callers;
  /** How often the log is read for events no announcement covered, in milliseconds. */
  private final long pollMillis;
  private long published;
  private boolean reading;
  private boolean again;
  private boolean stopped;
  private long timer = -1;

  /** {@code events.since} is answered to callers with the reader role and no producer scope. */
  public NotifierVerticle(Database db, Clock clock, Authenticator authenticator,
      CallerLimits callers, java.time.Duration pollInterval) {
    this.pollMillis = pollInterval.toMillis();
    this.callers = callers;
    this.db = db;
    this.authenticator = authenticator;
    this.log = new EventLog(db, clock);
  }

  @Override
  public Future<?> start() {
    Context here = context;
    return head().compose(seq -> {
      published = seq;
      db.onCommitted(() -> here.runOnContext(v -> publishNew()));
      timer = vertx.setPeriodic(pollMillis, id -> publishNew());
      vertx.eventBus().consumer(Addresses.EVENTS_APPENDED, m -> publishNew());
      return PublicAddresses.serve(vertx, authenticator, callers, BusApi.EVENTS_SINCE, (who, body) -> {
        Authorization.requireUnscoped(who, Role.READER);
        return since(EventsSince.fromJson(body));
      });
    });
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  private Future<Long> head() {
    return db.query("SELECT MAX(seq) AS head FROM events").map(rows -> {
      Long head = rows.iterator().next().getLong("head");
      return head == null ? 0L : head;
    });
  }

  /** Reads and publishes what was appended since the last event published; one at a time. */
  private void publishNew() {
    if (stopped) {
      return;
    }
    if (reading) {
      again = true;
      return;
    }
    reading = true;
    again = false;
    log.read(db.pool(), published, PAGE).onComplete(ar -> {
      reading = false;
      if (ar.failed()) {
        // The database is down: the next commit or poll tries again; nothing is skipped.
        LOG.log(Level.FINE, "reading the event log for notifications failed", ar.cause());
        return;
      }
      List<Event> events = ar.result();
      for (Event e : events) {
        vertx.eventBus().publish(BusApi.EVENTS, EventNotification.of(e).toJson());
        published = e.seq();
      }
      if (again || events.size() == PAGE) {
        publishNew();
      }
    });
  }

  private Future<JsonObject> since(EventsSince request) {
    return log.read(db.pool(), request.after(), request.limit()).compose(events -> head()
        .map(head -> {
          JsonArray out = new JsonArray();
          events.forEach(e -> out.add(EventNotification.of(e).toJson()));
          Long next = events.isEmpty() ? null : events.get(events.size() - 1).seq();
          return new JsonObject().put("events", out)
              .put("next_after", next == null ? request.after() : next).put("head", head);
        }));
  }
}
