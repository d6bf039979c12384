package io.artifactstore.http;

import io.netty.handler.codec.DateFormatter;
import java.util.Date;

/**
 * The {@code Date} field value (IMF-fixdate, RFC 9110 section 5.6.7), formatted at most once a
 * second per thread.
 */
final class HttpDates {

  private static final ThreadLocal<Cached> CACHE = ThreadLocal.withInitial(() -> new Cached(-1, ""));

  private record Cached(long second, String value) {}

  private HttpDates() {}

  static String now() {
    long ms = System.currentTimeMillis();
    long second = ms / 1000;
    Cached c = CACHE.get();
    if (c.second() != second) {
      c = new Cached(second, DateFormatter.format(new Date(second * 1000)));
      CACHE.set(c);
    }
    return c.value();
  }
}
