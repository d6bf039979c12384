package io.artifactstore.config;

import java.util.Locale;

/** Host names and addresses as the configuration uses them. */
public final class Hosts {

  private Hosts() {}

  /**
   * True for {@code localhost}, {@code 127.0.0.0/8} and {@code ::1} (any spelling, brackets
   * or not), written literally: the addresses only processes on this host can reach.
   */
  public static boolean isLoopback(String host) {
    String h = host.trim().toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    return h.equals("localhost") || h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}")
        || h.matches("(0{1,4}:){7}0{0,3}1|::(0{1,4}:){0,5}0{0,3}1|::1");
  }
}
