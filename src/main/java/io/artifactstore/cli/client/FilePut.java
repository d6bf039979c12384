package io.artifactstore.cli.client;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.LongConsumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One HTTP/1.1 {@code PUT} of a file (RFC 9112) over a connection of its own: the bulk of a
 * push. Over plain HTTP, a body whose SHA-256 is already known goes from the page cache to the
 * socket with {@link FileChannel#transferTo} ({@code sendfile}); otherwise the file is read in
 * {@link #CHUNK} pieces, each hashed and written once. The JDK's {@link HttpClient} spent about
 * 1 CPU-second per GiB more on the same upload (its publishers copy every buffer twice and
 * wake several threads per write), on machines where the server needs those cycles to hash.
 *
 * <p>The request carries {@code Expect: 100-continue} (RFC 9110 section 10.1.1): an answer
 * the server gives before the body (401, 403, 409, 413...) ends the exchange with nothing
 * sent; the body follows a {@code 100 Continue}, or {@link #CONTINUE_WAIT_MS} without an answer.
 * A server that answers and closes while the body is being written is read for that answer.
 * The exchange ends with the connection ({@code Connection: close}).
 *
 * <p>The answer is an {@link HttpResponse} whose body is at most {@link #MAX_ANSWER} bytes, so
 * that retries ({@link Retries}) and error reports treat it like the others. Failures to
 * connect are {@link java.net.ConnectException} or {@link HttpConnectTimeoutException}, as
 * from the JDK's client.
 */
final class FilePut {

  /** Bytes read, hashed and written at a time. */
  static final int CHUNK = 1024 * 1024;
  /** How long the body waits for {@code 100 Continue} before it is sent anyway. */
  static final int CONTINUE_WAIT_MS = 3000;
  /** The largest answer read (the API answers a PUT with a small JSON document). */
  static final int MAX_ANSWER = 1024 * 1024;
  private static final int CONNECT_TIMEOUT_MS = 10_000;
  private static final int MAX_HEAD = 64 * 1024;

  private FilePut() {}

  /**
   * The file could not be read, or changed while it was being sent: not a failure of the
   * exchange, and not retried.
   */
  static final class UnreadableFile extends java.io.UncheckedIOException {
    UnreadableFile(String message, IOException cause) {
      super(message, cause);
    }
  }

  /**
   * Sends {@code file} as the body of {@code PUT uri}. {@code headers} are name, value pairs;
   * {@code digest} (null: none) is updated with every byte sent; {@code sent} is told of the
   * bytes written as they go. {@code tls} (null: the JVM's default) for https URLs.
   *
   * @throws IOException when the exchange breaks off ({@link java.net.ConnectException} when
   *     no connection could be made)
   * @throws UnreadableFile when the file cannot be read or changes while it is sent
   * @throws InterruptedException when the thread is interrupted
   */
  static HttpResponse<byte[]> put(URI uri, Path file, List<String> headers, MessageDigest digest,
      LongConsumer sent, SSLContext tls) throws IOException, InterruptedException {
    try {
      return exchange(uri, file, headers, digest, sent, tls);
    } catch (java.nio.channels.ClosedByInterruptException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedException("interrupted while sending " + file);
    }
  }

  private static HttpResponse<byte[]> exchange(URI uri, Path file, List<String> headers,
      MessageDigest digest, LongConsumer sent, SSLContext tls)
      throws IOException, InterruptedException {
    boolean https = "https".equalsIgnoreCase(uri.getScheme());
    if (!https && !"http".equalsIgnoreCase(uri.getScheme())) {
      throw new IOException("not an http or https URL: " + uri);
    }
    int port = uri.getPort() > 0 ? uri.getPort() : https ? 443 : 80;
    FileChannel in;
    long size;
    try {
      in = FileChannel.open(file, StandardOpenOption.READ);
      size = in.size();
    } catch (IOException e) {
      throw new UnreadableFile("cannot read " + file + ": " + e.getMessage(), e);
    }
    // URI.getHost() keeps the brackets of an IPv6 literal: right for Host, not for a socket.
    String host = uri.getHost();
    String address = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    try (in; Connection c = Connection.open(address, port, https, tls)) {
      StringBuilder head = new StringBuilder("PUT ").append(uri.getRawPath())
          .append(uri.getRawQuery() != null ? "?" + uri.getRawQuery() : "")
          .append(" HTTP/1.1\r\nHost: ")
          .append(port == (https ? 443 : 80) ? host : host + ":" + port)
          .append("\r\nContent-Length: ").append(size)
          // RFC 9110 10.1.1: no 100-continue for a request without content.
          .append(size > 0 ? "\r\nExpect: 100-continue" : "")
          .append("\r\nConnection: close\r\n");
      for (int i = 0; i < headers.size(); i += 2) {
        head.append(headers.get(i)).append(": ").append(headers.get(i + 1)).append("\r\n");
      }
      c.out.write(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
      c.out.flush();
      HttpRequest request = HttpRequest.newBuilder(uri)
          .PUT(HttpRequest.BodyPublishers.noBody()).build();
      Answer early = size > 0 ? c.awaitContinue() : null;
      if (early != null) {
        return early.response(request);
      }
      try {
        c.body(file, in, size, digest, sent);
      } catch (IOException e) {
        // The server may have answered (507, 413) and closed before taking the whole body.
        Answer answer = c.answerAfterFailure();
        if (answer == null) {
          throw e;
        }
        return answer.response(request);
      }
      return c.answer().response(request);
    }
  }

  /** A status line, headers and body as read. */
  private record Answer(int status, Map<String, List<String>> headers, byte[] body) {

    HttpResponse<byte[]> response(HttpRequest request) {
      HttpHeaders h = HttpHeaders.of(headers, (a, b) -> true);
      return new HttpResponse<>() {
        @Override
        public int statusCode() {
          return status;
        }

        @Override
        public HttpRequest request() {
          return request;
        }

        @Override
        public Optional<HttpResponse<byte[]>> previousResponse() {
          return Optional.empty();
        }

        @Override
        public HttpHeaders headers() {
          return h;
        }

        @Override
        public byte[] body() {
          return body;
        }

        @Override
        public Optional<javax.net.ssl.SSLSession> sslSession() {
          return Optional.empty();
        }

        @Override
        public URI uri() {
          return request.uri();
        }

        @Override
        public HttpClient.Version version() {
          return HttpClient.Version.HTTP_1_1;
        }
      };
    }
  }

  /** The socket, its streams, and the reading of answers. */
  private static final class Connection implements AutoCloseable {

    private final Socket socket;
    /** The channel of a plain connection (for {@code transferTo}); null over TLS. */
    private final SocketChannel channel;
    private final OutputStream out;
    private final InputStream in;

    private Connection(Socket socket, SocketChannel channel) throws IOException {
      this.socket = socket;
      this.channel = channel;
      // The socket's own streams (a channel's adaptor socket too) honour SO_TIMEOUT.
      this.out = socket.getOutputStream();
      this.in = new java.io.BufferedInputStream(socket.getInputStream(), 16384);
    }

    static Connection open(String host, int port, boolean https, SSLContext tls)
        throws IOException {
      InetSocketAddress address = new InetSocketAddress(host, port);
      if (!https) {
        SocketChannel ch = SocketChannel.open();
        try {
          connect(ch.socket(), address);
          ch.socket().setTcpNoDelay(true);
          return new Connection(ch.socket(), ch);
        } catch (IOException | RuntimeException e) {
          ch.close();
          throw e;
        }
      }
      SSLContext context;
      try {
        context = tls != null ? tls : SSLContext.getDefault();
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IOException(e);
      }
      Socket raw = new Socket();
      try {
        connect(raw, address);
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(raw, host, port, true);
        SSLParameters p = s.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        p.setApplicationProtocols(new String[] {"http/1.1"});
        s.setSSLParameters(p);
        s.setSoTimeout(CONNECT_TIMEOUT_MS); // a server that stalls the handshake
        s.startHandshake();
        s.setSoTimeout(0);
        return new Connection(s, null);
      } catch (IOException | RuntimeException e) {
        raw.close();
        throw e;
      }
    }

    /** Connects; every failure to is a {@link java.net.ConnectException}, as from the JDK. */
    private static void connect(Socket s, InetSocketAddress address) throws IOException {
      try {
        if (address.isUnresolved()) {
          throw new java.net.UnknownHostException(address.getHostString());
        }
        s.connect(address, CONNECT_TIMEOUT_MS);
      } catch (SocketTimeoutException e) {
        throw new HttpConnectTimeoutException("connection to " + address + " timed out");
      } catch (java.net.ConnectException e) {
        throw e;
      } catch (java.net.UnknownHostException | java.net.NoRouteToHostException
          | java.net.PortUnreachableException e) {
        java.net.ConnectException c = new java.net.ConnectException(e.toString());
        c.initCause(e);
        throw c;
      }
    }

    /** The final answer given before the body, or null when the body is to be sent. */
    Answer awaitContinue() throws IOException {
      if (!answerStarts(CONTINUE_WAIT_MS)) {
        return null; // RFC 9110 10.1.1: the client may send the body without waiting longer
      }
      Answer a = readAnswer(false);
      return a.status() == 100 ? null : a;
    }

    /**
     * Whether a byte of an answer arrives within {@code millis}; it is left to be read. Only
     * the first byte is timed, so that no answer is cut in the middle of a line.
     */
    private boolean answerStarts(int millis) throws IOException {
      socket.setSoTimeout(millis);
      try {
        in.mark(1);
        int b = in.read();
        in.reset();
        return b >= 0;
      } catch (SocketTimeoutException e) {
        return false;
      } finally {
        socket.setSoTimeout(0);
      }
    }

    void body(Path path, FileChannel file, long size, MessageDigest digest, LongConsumer sent)
        throws IOException, InterruptedException {
      long pos = 0;
      if (digest == null && channel != null) {
        while (pos < size) {
          long n = file.transferTo(pos, Math.min(CHUNK * 4L, size - pos), channel);
          if (n <= 0) {
            throw changed(path, pos, size);
          }
          pos += n;
          sent.accept(n);
        }
        return;
      }
      ByteBuffer buf = ByteBuffer.allocate(CHUNK);
      WritableByteChannel target = channel != null ? channel : Channels.newChannel(out);
      while (pos < size) {
        if (Thread.interrupted()) {
          // A TLS socket's writes do not notice an interrupt.
          throw new InterruptedException("interrupted while sending " + path);
        }
        buf.clear().limit((int) Math.min(CHUNK, size - pos));
        int n;
        try {
          n = file.read(buf, pos);
        } catch (java.nio.channels.ClosedByInterruptException e) {
          throw e;
        } catch (IOException e) {
          throw new UnreadableFile("cannot read " + path + ": " + e.getMessage(), e);
        }
        if (n <= 0) {
          throw changed(path, pos, size);
        }
        buf.flip();
        if (digest != null) {
          digest.update(buf.array(), 0, n);
        }
        while (buf.hasRemaining()) {
          target.write(buf);
        }
        pos += n;
        sent.accept(n);
      }
      out.flush();
    }

    private static UnreadableFile changed(Path path, long pos, long size) {
      return new UnreadableFile(path + " ended at byte " + pos + " of " + size
          + ": it changed while it was being sent", new EOFException());
    }

    /** The answer after the body: interim answers (a late 100 Continue) are skipped. */
    Answer answer() throws IOException {
      return readAnswer(true);
    }

    /** An answer the server sent before it stopped reading the body, or null. */
    Answer answerAfterFailure() {
      try {
        return answerStarts(CONTINUE_WAIT_MS) ? readAnswer(true) : null;
      } catch (IOException e) {
        return null;
      }
    }

    private Answer readAnswer(boolean skipContinue) throws IOException {
      while (true) {
        String status = line();
        String[] parts = status.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
          throw new IOException("not an HTTP/1.1 answer: " + abbreviate(status));
        }
        if (!parts[1].matches("[1-5][0-9][0-9]")) {
          throw new IOException("not an HTTP status: " + abbreviate(status));
        }
        int code = Integer.parseInt(parts[1]);
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        int headBytes = status.length();
        for (String l = line(); !l.isEmpty(); l = line()) {
          headBytes += l.length();
          if (headBytes > MAX_HEAD) {
            throw new IOException("the answer's head is larger than " + MAX_HEAD + " bytes");
          }
          int colon = l.indexOf(':');
          if (colon <= 0) {
            throw new IOException("not an HTTP header line: " + abbreviate(l));
          }
          headers.computeIfAbsent(l.substring(0, colon).trim(), k -> new ArrayList<>())
              .add(l.substring(colon + 1).trim());
        }
        if (code >= 100 && code < 200) {
          if (code == 100 && !skipContinue) {
            return new Answer(code, headers, new byte[0]);
          }
          continue; // RFC 9110 15.2: interim answers before the final one
        }
        return new Answer(code, headers, body(headers));
      }
    }

    private byte[] body(Map<String, List<String>> headers) throws IOException {
      List<String> codings = headers.get("Transfer-Encoding");
      if (codings != null) {
        String last = codings.get(codings.size() - 1);
        int comma = last.lastIndexOf(',');
        if (!last.substring(comma + 1).trim().equalsIgnoreCase("chunked")) {
          return untilClose(); // RFC 9112 6.3: the body ends with the connection
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (true) {
          String sizeLine = line();
          int semi = sizeLine.indexOf(';');
          String hex = (semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).trim();
          if (!hex.matches("[0-9A-Fa-f]{1,8}")) {
            throw new IOException("bad chunk size: " + abbreviate(sizeLine));
          }
          long n = Long.parseLong(hex, 16);
          if (n == 0) {
            for (String l = line(); !l.isEmpty(); l = line()) {
              // trailer fields (RFC 9112 7.1.2) are not used
            }
            return b.toByteArray();
          }
          if (n > MAX_ANSWER - b.size()) {
            throw new IOException("the answer is larger than " + MAX_ANSWER + " bytes");
          }
          b.write(exactly((int) n));
          line();
        }
      }
      List<String> lengths = headers.get("Content-Length");
      if (lengths != null) {
        // RFC 9112 6.3: differing lengths (fields or list members) are an error.
        java.util.Set<String> distinct = new java.util.HashSet<>();
        lengths.forEach(v -> java.util.Arrays.stream(v.split(","))
            .forEach(x -> distinct.add(x.trim())));
        String length = distinct.size() == 1 ? distinct.iterator().next() : null;
        if (length == null || !length.matches("[0-9]{1,18}")) {
          throw new IOException("bad Content-Length: " + abbreviate(String.join(", ", lengths)));
        }
        long n = Long.parseLong(length);
        if (n < 0 || n > MAX_ANSWER) {
          throw new IOException("the answer is larger than " + MAX_ANSWER + " bytes");
        }
        return exactly((int) n);
      }
      return untilClose();
    }

    private byte[] untilClose() throws IOException {
      byte[] rest = in.readNBytes(MAX_ANSWER + 1);
      if (rest.length > MAX_ANSWER) {
        throw new IOException("the answer is larger than " + MAX_ANSWER + " bytes");
      }
      return rest;
    }

    private byte[] exactly(int n) throws IOException {
      byte[] b = in.readNBytes(n);
      if (b.length < n) {
        throw new EOFException("the answer ended after " + b.length + " of " + n + " bytes");
      }
      return b;
    }

    private String line() throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream(128);
      int c;
      while ((c = in.read()) != '\n') {
        if (c < 0) {
          throw new EOFException("the server closed the connection before it answered");
        }
        if (b.size() >= MAX_HEAD) {
          throw new IOException("a line of the answer is longer than " + MAX_HEAD + " bytes");
        }
        b.write(c);
      }
      String s = b.toString(StandardCharsets.ISO_8859_1);
      return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    private static String abbreviate(String s) {
      return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
