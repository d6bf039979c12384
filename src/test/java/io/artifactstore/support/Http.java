package io.artifactstore.support;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/** A small blocking HTTP client for tests, over the JDK client. */
public final class Http {

  private final HttpClient client = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10))
      .build();
  private final String base;

  public Http(String base) {
    this.base = base;
  }

  /** A response with its body as bytes. */
  public record Response(int status, java.net.http.HttpHeaders headers, byte[] body) {

    public JsonObject json() {
      return new JsonObject(new String(body, StandardCharsets.UTF_8));
    }

    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    public String header(String name) {
      return headers.firstValue(name).orElse(null);
    }

    /** The error code of an error response. */
    public String errorCode() {
      return json().getJsonObject("error").getString("code");
    }
  }

  public Response get(String path, String... headers) {
    return send("GET", path, HttpRequest.BodyPublishers.noBody(), headers);
  }

  public Response head(String path, String... headers) {
    return send("HEAD", path, HttpRequest.BodyPublishers.noBody(), headers);
  }

  public Response postJson(String path, String json, String... headers) {
    String[] all = concat(headers, "Content-Type", "application/json");
    return send("POST", path, HttpRequest.BodyPublishers.ofString(json), all);
  }

  public Response put(String path, byte[] body, String... headers) {
    return send("PUT", path, HttpRequest.BodyPublishers.ofByteArray(body), headers);
  }

  public Response putFile(String path, Path file, String... headers) {
    try {
      return send("PUT", path, HttpRequest.BodyPublishers.ofFile(file), headers);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code headers} alternate names and values. */
  public Response send(String method, String path, HttpRequest.BodyPublisher body,
      String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
        .timeout(Duration.ofSeconds(60))
        .method(method, body);
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    try {
      HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Response(r.statusCode(), r.headers(), r.body());
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + path + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = new String[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
