package io.artifactstore.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for requests no client library will send (malformed request
 * lines, oversized fields) and for reading exactly what the server wrote. One request per
 * connection ({@code Connection: close}).
 */
public final class RawHttp {

  private RawHttp() {}

  /**
   * A parsed answer: status, header fields (names lower-cased, last value wins), content; status
   * 0 when the server closed the connection without answering.
   */
  public record Answer(int status, Map<String, String> headers, byte[] body) {

    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /**
   * Sends {@code request} as is, ends the sending side (so that a server that stops reading
   * early cannot reset the connection under its own answer) and reads the answer until the
   * server closes the connection. For requests the server rejects as malformed.
   */
  public static Answer exchange(int port, String request) throws IOException {
    return exchange(port, request.getBytes(StandardCharsets.ISO_8859_1), true);
  }

  /**
   * Sends a well-formed request, which should carry {@code Connection: close}, and reads the
   * answer until the server closes the connection.
   */
  public static Answer request(int port, String request) throws IOException {
    return exchange(port, request.getBytes(StandardCharsets.ISO_8859_1), false);
  }

  private static Answer exchange(int port, byte[] request, boolean halfClose)
      throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(60_000);
      s.getOutputStream().write(request);
      s.getOutputStream().flush();
      if (halfClose) {
        s.shutdownOutput();
      }
      return parse(s.getInputStream());
    }
  }

  private static Answer parse(InputStream in) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    in.transferTo(all);
    byte[] raw = all.toByteArray();
    if (raw.length == 0) {
      return new Answer(0, Map.of(), raw);
    }
    int end = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    if (end < 0) {
      throw new IOException("no complete header section in: "
          + new String(raw, StandardCharsets.ISO_8859_1));
    }
    String[] lines = new String(raw, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
          lines[i].substring(colon + 1).trim());
    }
    byte[] body = java.util.Arrays.copyOfRange(raw, end + 4, raw.length);
    return new Answer(status, headers, body);
  }

  private static int indexOf(byte[] data, byte[] pattern) {
    outer:
    for (int i = 0; i + pattern.length <= data.length; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (data[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
