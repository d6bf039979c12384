package io.artifactstore.integration;

/**
 * The public event-bus addresses (version 1), for services deployed beside the store: in the
 * same Vert.x instance, or in another process through the TCP event-bus bridge. Everything
 * public starts with {@link #PREFIX}; the store's other addresses are internal and may change.
 * Messages are JSON objects (references, never file bytes); see docs/event-bus.md.
 */
public final class BusApi {

  /** The prefix of every public address of this version. */
  public static final String PREFIX = "artifactstore.v1.";

  /**
   * Published once per event of the log, in sequence order, after the event's transaction
   * committed: an {@link EventNotification}. Delivery is at most once; a consumer that missed
   * some asks {@link #EVENTS_SINCE}.
   */
  public static final String EVENTS = PREFIX + "events";

  /**
   * Request {@link EventsSince} ({@code {after, limit}}), reply {@code {events: [notification],
   * next_after, head}}: the events after a sequence number, in order, from the log itself.
   */
  public static final String EVENTS_SINCE = PREFIX + "events.since";

  private BusApi() {}
}
