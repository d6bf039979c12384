package io.artifactstore.cli.client;

import java.io.PrintWriter;
import java.net.URI;
import picocli.CommandLine.Option;

/** The options every client command takes: where the server is, who acts, output format. */
public final class ClientOptions {

  static final String DEFAULT_SERVER = "http://127.0.0.1:8000";

  @Option(names = "--server", paramLabel = "URL",
      description = "Server base URL (env ARTIFACTSTORE_URL; default " + DEFAULT_SERVER + ").")
  String server;

  @Option(names = "--token", paramLabel = "TOKEN",
      description = "API token sent as 'Authorization: Bearer' (env ARTIFACTSTORE_TOKEN); "
          + "prefer --token-file or the environment, as other users can read a command line.")
  String token;

  @Option(names = "--token-file", paramLabel = "FILE",
      description = "Read the API token from FILE (its first line; env "
          + "ARTIFACTSTORE_TOKEN_FILE).")
  java.nio.file.Path tokenFile;

  @Option(names = "--cacert", paramLabel = "FILE",
      description = "Trust the CA certificates in this PEM file for https:// servers, instead "
          + "of the JVM's default trust store (env ARTIFACTSTORE_CACERT).")
  java.nio.file.Path cacert;

  @Option(names = "--actor", paramLabel = "NAME",
      description = "Who acts, sent as X-Actor (env ARTIFACTSTORE_ACTOR).")
  String actor;

  @Option(names = "--json", description = "Machine-readable JSON output on stdout.")
  boolean json;

  @Option(names = "--retries", paramLabel = "N", defaultValue = "3",
      description = "Retries of a request or transfer after a transient failure: connection "
          + "refused or broken, 503 with Retry-After, 500/502/503/504 on an idempotent request "
          + "(0 to "
          + Retries.MAX_RETRIES + ", default ${DEFAULT-VALUE}).")
  int retries;

  /** The server base URL, without a trailing slash. */
  public String serverUrl() {
    String s = firstNonBlank(server, System.getenv("ARTIFACTSTORE_URL"), DEFAULT_SERVER);
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    URI uri;
    try {
      uri = URI.create(s);
    } catch (IllegalArgumentException e) {
      throw new ClientException(ExitCodes.USAGE, "invalid server URL '" + s + "'");
    }
    if (uri.getScheme() == null || !(uri.getScheme().equals("http")
        || uri.getScheme().equals("https")) || uri.getHost() == null) {
      throw new ClientException(ExitCodes.USAGE,
          "invalid server URL '" + s + "': expected http://host:port or https://host:port");
    }
    return s;
  }

  /**
   * The token: {@code --token}, else {@code --token-file}, else {@code ARTIFACTSTORE_TOKEN},
   * else the file {@code ARTIFACTSTORE_TOKEN_FILE} names; null for none. Never printed.
   */
  public String token() {
    if (token != null && !token.isBlank()) {
      return token.trim();
    }
    if (tokenFile != null) {
      return readToken(tokenFile);
    }
    String env = System.getenv("ARTIFACTSTORE_TOKEN");
    if (env != null && !env.isBlank()) {
      return env.trim();
    }
    String envFile = System.getenv("ARTIFACTSTORE_TOKEN_FILE");
    return envFile == null || envFile.isBlank() ? null : readToken(java.nio.file.Path.of(envFile));
  }

  private static String readToken(java.nio.file.Path file) {
    try {
      java.util.List<String> lines = java.nio.file.Files.readAllLines(file);
      String first = lines.isEmpty() ? "" : lines.get(0).trim();
      if (first.isEmpty()) {
        throw new ClientException(ExitCodes.USAGE, "the token file " + file + " is empty");
      }
      return first;
    } catch (java.io.IOException e) {
      throw new ClientException(ExitCodes.USAGE, "cannot read the token file " + file + ": "
          + e.getClass().getSimpleName());
    }
  }

  /** The CA file of {@code --cacert} or {@code ARTIFACTSTORE_CACERT}; null for the default. */
  java.nio.file.Path cacertFile() {
    if (cacert != null) {
      return cacert;
    }
    String env = System.getenv("ARTIFACTSTORE_CACERT");
    return env == null || env.isBlank() ? null : java.nio.file.Path.of(env);
  }

  public String actor() {
    return firstNonBlank(actor, System.getenv("ARTIFACTSTORE_ACTOR"), null);
  }

  public boolean json() {
    return json;
  }

  /** A client for the configured server; each retry is reported on {@code err}. */
  public ApiClient client(PrintWriter err) {
    Retries r = new Retries(retries, line -> Progress.println(err, "artifact-store: " + line));
    String url = serverUrl();
    return new ApiClient(url, token(), actor(), r, TlsTrust.context(cacertFile()));
  }

  private static String firstNonBlank(String a, String b, String fallback) {
    if (a != null && !a.isBlank()) {
      return a;
    }
    if (b != null && !b.isBlank()) {
      return b;
    }
    return fallback;
  }
}
