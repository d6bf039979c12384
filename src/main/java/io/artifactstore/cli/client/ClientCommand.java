package io.artifactstore.cli.client;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** What every client command shares: the server options, stdout and stderr. */
abstract class ClientCommand implements Callable<Integer> {

  @Mixin
  ClientOptions options;

  @Spec
  CommandSpec spec;

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** A client for the configured server, reporting its retries on stderr. */
  ApiClient client() {
    return options.client(err());
  }

  boolean json() {
    return options.json();
  }

  void printJson(Object value) {
    out().println(value instanceof JsonObject o ? o.encode()
        : value instanceof JsonArray a ? a.encode() : String.valueOf(value));
    out().flush();
  }

  void println(String line) {
    out().println(line);
    out().flush();
  }

  /** Left-aligned columns separated by two spaces. */
  void table(List<String[]> rows) {
    if (rows.isEmpty()) {
      return;
    }
    int[] w = new int[rows.get(0).length];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        w[i] = Math.max(w[i], r[i] == null ? 0 : r[i].length());
      }
    }
    for (String[] r : rows) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < r.length; i++) {
        String c = r[i] == null ? "" : r[i];
        sb.append(c);
        if (i < r.length - 1) {
          sb.append(" ".repeat(w[i] - c.length() + 2));
        }
      }
      out().println(sb.toString().stripTrailing());
    }
    out().flush();
  }

  static String orDash(Object v) {
    return v == null ? "-" : String.valueOf(v);
  }
}
