package io.artifactstore.cli.client;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.WeakReference;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * A small blocking client for the HTTP API over {@link HttpClient}. Uploads stream from files and
 * downloads are handed out as streams: no file is ever held in memory. Transient failures are
 * retried as {@link Retries} says; every failure that remains becomes a {@link ClientException}
 * with the exit code it calls for.
 */
public final class ApiClient {

  private final HttpClient http;
  private final String base;
  private final String token;
  private final String actor;
  private final Retries retries;
  private final javax.net.ssl.SSLContext tls;

  public ApiClient(String base, String token, String actor, Retries retries) {
    this(base, token, actor, retries, null);
  }

  /** {@code tls} (null: the JVM's default) decides which servers an https URL trusts. */
  public ApiClient(String base, String token, String actor, Retries retries,
      javax.net.ssl.SSLContext tls) {
    this.base = base;
    this.token = token;
    this.actor = actor;
    this.retries = retries;
    this.tls = tls;
    HttpClient.Builder b = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10))
        .followRedirects(HttpClient.Redirect.NORMAL);
    if (tls != null) {
      b.sslContext(tls);
    } else if (base.regionMatches(true, 0, "http://", 0, 7)) {
      // TLS only after a redirect to https://: the default context is made then, if ever.
      b.sslContext(new DeferredTls()).sslParameters(DeferredTls.parameters());
    }
    this.http = b.build();
    MADE.removeIf(ref -> ref.get() == null);
    MADE.add(new WeakReference<>(http));
  }

  /**
   * The HTTP clients made in this process, for {@link #shutdownAll(Duration)}; weakly, so that
   * a client no longer used is collected (and its selector thread ends) as before.
   */
  private static final List<WeakReference<HttpClient>> MADE =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  /**
   * Stops the HTTP clients this process made, before it exits (JDK 21 and newer; nothing on
   * 17, whose clients cannot be stopped). A client's selector thread waits in native code
   * ({@code epoll_wait}), and HotSpot's exit waits up to 300 ms for threads in native code to
   * settle (30 rounds of 10 ms, {@code VM_Exit::wait_for_threads_in_native_to_block}): every
   * client command ended 0.3 s after its work was done. Each client is stopped with
   * {@code shutdownNow()} (a download left unread cannot hold the exit) and waited for at most
   * {@code wait}.
   */
  public static void shutdownAll(Duration wait) {
    java.lang.invoke.MethodHandle shutdownNow;
    java.lang.invoke.MethodHandle awaitTermination;
    try {
      java.lang.invoke.MethodHandles.Lookup lookup = java.lang.invoke.MethodHandles.publicLookup();
      shutdownNow = lookup.findVirtual(HttpClient.class, "shutdownNow",
          java.lang.invoke.MethodType.methodType(void.class));
      awaitTermination = lookup.findVirtual(HttpClient.class, "awaitTermination",
          java.lang.invoke.MethodType.methodType(boolean.class, Duration.class));
    } catch (ReflectiveOperationException e) {
      return; // before JDK 21
    }
    for (WeakReference<HttpClient> ref : MADE) {
      HttpClient c = ref.get();
      if (c == null) {
        continue;
      }
      try {
        shutdownNow.invoke(c);
        boolean ignored = (boolean) awaitTermination.invoke(c, wait);
      } catch (Throwable e) {
        // The process is exiting: a client that does not stop costs only the wait above.
      }
    }
    MADE.clear();
  }

  /** The JDK client this one sends with (for tests). */
  HttpClient httpClient() {
    return http;
  }

  public String base() {
    return base;
  }

  public Retries retries() {
    return retries;
  }

  /** {@code /v1/packages/{id}}. */
  public static String packagePath(String id) {
    return "/v1/packages/" + segment(id);
  }

  /** {@code /v1/packages/{id}/files/{path}}, each segment of the logical path encoded. */
  public static String filePath(String id, String logicalPath) {
    StringBuilder sb = new StringBuilder(packagePath(id)).append("/files");
    for (String s : logicalPath.split("/", -1)) {
      sb.append('/').append(segment(s));
    }
    return sb.toString();
  }

  /** One URL path segment or query value, percent-encoded. */
  public static String segment(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  public JsonObject getJson(String path) {
    return json(send(request(path).GET(), HttpResponse.BodyHandlers.ofByteArray()));
  }

  /** {@code POST}s a JSON body; not retried once sent (the server may have acted). */
  public JsonObject postJson(String path, JsonObject body) {
    return postJson(path, body, false);
  }

  /**
   * {@code POST}s a JSON body; {@code idempotent} when repeating it cannot do more than doing it
   * once (finalize), so that a broken exchange or a 500, 502, 503 or 504 answer is retried.
   */
  public JsonObject postJson(String path, JsonObject body, boolean idempotent) {
    return json(send(request(path).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode())),
        HttpResponse.BodyHandlers.ofByteArray(), idempotent, null));
  }

  public JsonObject delete(String path) {
    return json(send(request(path).DELETE(), HttpResponse.BodyHandlers.ofByteArray()));
  }

  /** The raw bytes of a small JSON document (a manifest), for hashing exactly what was sent. */
  public HttpResponse<byte[]> getBytes(String path) {
    HttpResponse<byte[]> r = send(request(path).GET(), HttpResponse.BodyHandlers.ofByteArray());
    check(r.statusCode(), r.body());
    return r;
  }

  /**
   * {@code POST} a JSON body and return the answer as it is, errors included, for callers that
   * act on particular error codes (deploy by checksum). Retried as an idempotent request: a
   * repeat that finds its own earlier success answers 409 {@code file_exists}, which the caller
   * checks.
   */
  public HttpResponse<byte[]> postRaw(String path, JsonObject body) {
    return send(request(path).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode())),
        HttpResponse.BodyHandlers.ofByteArray(), true, null);
  }

  /**
   * {@code PUT}s a file's bytes, streamed from disk over a connection of its own
   * ({@link FilePut}); {@code sent} is told of every piece written. With {@code sha256Hex} the
   * server checks the bytes against it before it stores them, and over plain HTTP they go with
   * {@code sendfile}; without (null), the SHA-256 of the bytes sent is computed as they go and
   * checked against the one the server answers, so the file is read once. Retried as an
   * idempotent request. Throws a {@link ClientException} on an error answer or a digest that
   * differs.
   */
  public JsonObject putFile(String path, Path file, String sha256Hex, String mediaType,
      LongConsumer sent) {
    // Bytes of an attempt that is retried are taken back, so that {@code sent} ends with the
    // bytes of the attempt that succeeded.
    AtomicLong attempt = new AtomicLong();
    MessageDigest sentDigest = sha256Hex == null ? Hashing.newSha256() : null;
    List<String> headers = new ArrayList<>(List.of("Content-Type", mediaType));
    if (sha256Hex != null) {
      headers.addAll(List.of("X-Checksum-Sha256", sha256Hex));
    }
    if (token != null) {
      headers.addAll(List.of("Authorization", "Bearer " + token));
    }
    if (actor != null) {
      headers.addAll(List.of("X-Actor", actor));
    }
    URI uri = URI.create(base + path);
    HttpResponse<byte[]> answer;
    try {
      answer = exchange("PUT " + uri.getPath(), true, () -> {
        sent.accept(-attempt.getAndSet(0));
        if (sentDigest != null) {
          sentDigest.reset();
        }
        return FilePut.put(uri, file, headers, sentDigest, n -> {
          attempt.addAndGet(n);
          sent.accept(n);
        }, tls);
      });
    } catch (FilePut.UnreadableFile e) {
      throw new ClientException(ExitCodes.FAILED, e.getMessage(), e);
    }
    if (answer.statusCode() >= 300 && answer.statusCode() < 400) {
      // Uploads are not sent twice on the server's word: the address is the user's to fix.
      throw new ClientException(ExitCodes.FAILED, "the server answered " + answer.statusCode()
          + " to the upload of " + file + answer.headers().firstValue("Location")
              .map(l -> ", naming " + l + ": give that address as --server").orElse(""));
    }
    JsonObject stored = json(answer);
    if (sentDigest != null) {
      String sentHex = java.util.HexFormat.of().formatHex(sentDigest.digest());
      if (!sentHex.equals(stored.getString("sha256"))) {
        throw new ClientException(ExitCodes.FAILED, file + ": the server stored content with"
            + " SHA-256 " + stored.getString("sha256") + ", but " + sentHex + " was sent");
      }
    }
    return stored;
  }

  /**
   * Sends a request whose body is read as a stream (downloads); the caller closes the body.
   * Error answers are turned into exceptions, except those listed in {@code passStatuses}.
   */
  public HttpResponse<InputStream> stream(String method, String path, String[] headers,
      int... passStatuses) {
    HttpRequest.Builder b = request(path).method(method, HttpRequest.BodyPublishers.noBody());
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    HttpResponse<InputStream> r = send(b, HttpResponse.BodyHandlers.ofInputStream(), true, null);
    for (int s : passStatuses) {
      if (r.statusCode() == s) {
        return r;
      }
    }
    if (r.statusCode() >= 400) {
      byte[] body;
      try (InputStream in = r.body()) {
        body = in.readNBytes(64 * 1024);
      } catch (IOException e) {
        body = new byte[0];
      }
      check(r.statusCode(), body);
    }
    return r;
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (actor != null) {
      b.header("X-Actor", actor);
    }
    return b;
  }

  private <T> HttpResponse<T> send(HttpRequest.Builder b, HttpResponse.BodyHandler<T> handler) {
    HttpRequest req = b.build();
    boolean idempotent = !req.method().equals("POST") && !req.method().equals("PATCH");
    return send(req, handler, idempotent, null);
  }

  private <T> HttpResponse<T> send(HttpRequest.Builder b, HttpResponse.BodyHandler<T> handler,
      boolean idempotent, Runnable beforeRetry) {
    return send(b.build(), handler, idempotent, beforeRetry);
  }

  private <T> HttpResponse<T> send(HttpRequest req, HttpResponse.BodyHandler<T> handler,
      boolean idempotent, Runnable beforeRetry) {
    boolean[] first = {true};
    return exchange(req.method() + " " + req.uri().getPath(), idempotent, () -> {
      if (!first[0] && beforeRetry != null) {
        beforeRetry.run();
      }
      first[0] = false;
      return http.send(req, handler);
    });
  }

  /**
   * Runs {@code attempt} under the retry policy; turns what fails for good into a
   * {@link ClientException}. {@code what} ("PUT /v1/...") names it in messages.
   */
  private <T> HttpResponse<T> exchange(String what, boolean idempotent,
      dev.failsafe.function.CheckedSupplier<HttpResponse<T>> attempt) {
    String tries = retries.max() > 0 ? " (tried " + (retries.max() + 1) + " times)" : "";
    try {
      return retries.send(what, idempotent, attempt);
    } catch (ConnectException | HttpConnectTimeoutException e) {
      throw new ClientException(ExitCodes.UNREACHABLE, "cannot reach the server at " + base
          + (e.getMessage() != null ? ": " + e.getMessage() : "") + tries, e);
    } catch (javax.net.ssl.SSLException e) {
      throw new ClientException(ExitCodes.FAILED, "TLS with " + base + " failed: "
          + TlsTrust.explain(e), e);
    } catch (IOException e) {
      if (e.getCause() instanceof ConnectException) {
        throw new ClientException(ExitCodes.UNREACHABLE, "cannot reach the server at " + base
            + tries, e);
      }
      throw new ClientException(ExitCodes.FAILED, what + " failed: " + e
          + (idempotent ? tries : ""), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClientException(ExitCodes.FAILED, "interrupted", e);
    }
  }

  private static JsonObject json(HttpResponse<byte[]> r) {
    check(r.statusCode(), r.body());
    try {
      return new JsonObject(new String(r.body(), StandardCharsets.UTF_8));
    } catch (DecodeException e) {
      throw new ClientException(ExitCodes.FAILED, "the server answered " + r.statusCode()
          + " with a body that is not a JSON object");
    }
  }

  /** Throws the exception an error answer calls for. */
  static void check(int status, byte[] body) {
    if (status < 400) {
      return;
    }
    String code = null;
    String message = null;
    try {
      JsonObject err = new JsonObject(new String(body, StandardCharsets.UTF_8))
          .getJsonObject("error");
      if (err != null) {
        code = err.getString("code");
        message = err.getString("message");
      }
    } catch (RuntimeException e) {
      // not an API error body
    }
    String text = "server answered " + status + (code != null ? " " + code : "")
        + (message != null ? ": " + message : "");
    int exit = switch (status) {
      case 404, 410 -> ExitCodes.NOT_FOUND;
      case 401 -> ExitCodes.UNAUTHENTICATED;
      case 403 -> ExitCodes.FORBIDDEN;
      default -> ExitCodes.FAILED;
    };
    throw new ClientException(exit, text, status, code, null);
  }

  /** The error code of an error answer, or null. */
  static String errorCode(byte[] body) {
    try {
      JsonObject err = new JsonObject(new String(body, StandardCharsets.UTF_8))
          .getJsonObject("error");
      return err == null ? null : err.getString("code");
    } catch (RuntimeException e) {
      return null;
    }
  }
}
