package io.artifactstore.cli.client;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * An HTTP/1.1 proxy on 127.0.0.1 in front of a real server, for faults that happen exactly
 * where a test wants them: the next requests matching a method and a path fragment are reset,
 * answered by the proxy itself, held until released, or have their response body cut after a
 * number of bytes. Everything else is forwarded byte for byte. It reads request heads and
 * {@code Content-Length} bodies to find where each request starts (the JDK client sends no
 * chunked bodies), and never depends on timing.
 */
final class FaultProxy implements AutoCloseable {

  private enum Kind { RESET, ANSWER, CUT, PAUSE, HOLD }

  private static final class Rule {
    final String method;
    final String pathPart;
    final Kind kind;
    final String answer;
    final long cutAfter;
    int left;
    final CountDownLatch reached = new CountDownLatch(1);
    final CountDownLatch released = new CountDownLatch(1);
    volatile boolean cutWhenReleased;

    Rule(String method, String pathPart, int times, Kind kind, String answer, long cutAfter) {
      this.method = method;
      this.pathPart = pathPart;
      this.left = times;
      this.kind = kind;
      this.answer = answer;
      this.cutAfter = cutAfter;
    }
  }

  private final ServerSocket listener;
  private final int upstreamPort;
  private final List<Rule> rules = new ArrayList<>();
  private final List<String> seen = new CopyOnWriteArrayList<>();
  private final List<String> heads = new CopyOnWriteArrayList<>();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  FaultProxy(int upstreamPort) throws IOException {
    this.upstreamPort = upstreamPort;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::acceptLoop, "fault-proxy");
    t.setDaemon(true);
    t.start();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + listener.getLocalPort();
  }

  /**
   * The next {@code times} matching requests are answered by a TCP reset before any byte of an
   * answer. (The JDK client itself sends a GET or HEAD reset that way once more.)
   */
  synchronized void reset(String method, String pathPart, int times) {
    rules.add(new Rule(method, pathPart, times, Kind.RESET, null, 0));
  }

  /** The next {@code times} matching requests get this status line and headers, no body. */
  synchronized void answer(String method, String pathPart, int times, String statusAndHeaders) {
    rules.add(new Rule(method, pathPart, times, Kind.ANSWER, statusAndHeaders, 0));
  }

  /**
   * The next {@code times} matching requests are forwarded, and the connection is closed after
   * {@code bytes} bytes of the response body.
   */
  synchronized void cutResponse(String method, String pathPart, int times, long bytes) {
    rules.add(new Rule(method, pathPart, times, Kind.CUT, null, bytes));
  }

  /**
   * A fault that waits: {@code reached} opens when it happens, {@code release} ends it, and
   * {@code cut} ends it by closing the connection instead.
   */
  record Gate(CountDownLatch reached, Runnable release, Runnable cut) {}

  /**
   * The next matching request is forwarded, and its response stops after {@code bytes} bytes of
   * body until the gate is released (the rest follows) or cut (the connection is closed).
   */
  synchronized Gate pauseResponse(String method, String pathPart, long bytes) {
    Rule r = new Rule(method, pathPart, 1, Kind.PAUSE, null, bytes);
    rules.add(r);
    return new Gate(r.reached, r.released::countDown, () -> {
      r.cutWhenReleased = true;
      r.released.countDown();
    });
  }

  /**
   * The next matching request is held: not forwarded, its connection kept open. Returns a
   * latch that opens when a request is being held; {@link #close} lets it go.
   */
  synchronized CountDownLatch hold(String method, String pathPart) {
    Rule r = new Rule(method, pathPart, 1, Kind.HOLD, null, 0);
    rules.add(r);
    return r.reached;
  }

  /** Request lines seen so far ({@code METHOD path}). */
  List<String> seen() {
    return List.copyOf(seen);
  }

  /** Whole request heads seen so far, request line and header fields. */
  List<String> heads() {
    return List.copyOf(heads);
  }

  long count(String method, String pathPart) {
    return seen.stream().filter(s -> s.startsWith(method + " ") && s.contains(pathPart)).count();
  }

  private synchronized Rule take(String method, String path) {
    for (Rule r : rules) {
      if (r.left > 0 && r.method.equals(method) && path.contains(r.pathPart)) {
        r.left--;
        return r;
      }
    }
    return null;
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = listener.accept();
        sockets.add(client);
        Thread t = new Thread(() -> serve(client), "fault-proxy-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket client) {
    try (client; Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort)) {
      sockets.add(upstream);
      ResponsePump pump = new ResponsePump(upstream.getInputStream(), client.getOutputStream(),
          client, upstream);
      Thread t = new Thread(pump, "fault-proxy-pump");
      t.setDaemon(true);
      t.start();
      InputStream in = new BufferedInputStream(client.getInputStream());
      OutputStream up = upstream.getOutputStream();
      while (true) {
        byte[] head = readHead(in);
        if (head == null) {
          return;
        }
        String text = new String(head, StandardCharsets.ISO_8859_1);
        String[] requestLine = text.substring(0, text.indexOf("\r\n")).split(" ");
        seen.add(requestLine[0] + " " + requestLine[1]);
        heads.add(text);
        Rule rule = take(requestLine[0], requestLine[1]);
        if (rule != null && rule.kind == Kind.RESET) {
          client.setSoLinger(true, 0);
          return;
        }
        if (rule != null && rule.kind == Kind.ANSWER) {
          client.getOutputStream().write((rule.answer + "\r\nContent-Length: 0\r\n"
              + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
          client.getOutputStream().flush();
          return;
        }
        if (rule != null && rule.kind == Kind.HOLD) {
          rule.reached.countDown();
          rule.released.await();
          return;
        }
        if (rule != null && (rule.kind == Kind.CUT || rule.kind == Kind.PAUSE)) {
          pump.limitNextBody(rule);
        }
        up.write(head);
        long length = contentLength(text);
        byte[] buf = new byte[64 * 1024];
        while (length > 0) {
          int n = in.read(buf, 0, (int) Math.min(buf.length, length));
          if (n < 0) {
            return;
          }
          up.write(buf, 0, n);
          length -= n;
        }
        up.flush();
      }
    } catch (IOException | InterruptedException e) {
      // the connection ends with the test's fault or the client's close
    }
  }

  /** A request head up to and including the blank line, or null at the end of the stream. */
  private static byte[] readHead(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    int state = 0;
    while ((c = in.read()) >= 0) {
      b.write(c);
      state = (c == '\r' && (state == 0 || state == 2)) ? state + 1
          : (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
      if (state == 4) {
        return b.toByteArray();
      }
    }
    return null;
  }

  private static long contentLength(String head) {
    for (String line : head.split("\r\n")) {
      String l = line.toLowerCase(Locale.ROOT);
      if (l.startsWith("content-length:")) {
        return Long.parseLong(l.substring("content-length:".length()).trim());
      }
      if (l.startsWith("transfer-encoding:")) {
        throw new IllegalStateException("chunked request bodies are not supported");
      }
    }
    return 0;
  }

  /** Copies responses to the client; cuts one body after a number of bytes when asked. */
  private static final class ResponsePump implements Runnable {
    private final InputStream from;
    private final OutputStream to;
    private final Socket client;
    private final Socket upstream;
    private volatile Rule limit;

    ResponsePump(InputStream from, OutputStream to, Socket client, Socket upstream) {
      this.from = from;
      this.to = to;
      this.client = client;
      this.upstream = upstream;
    }

    void limitNextBody(Rule rule) {
      limit = rule;
    }

    /** True when the connection is to be closed now, after waiting for a pause to end. */
    private boolean limitReached() throws IOException {
      Rule r = limit;
      if (r.kind == Kind.PAUSE) {
        r.reached.countDown();
        try {
          r.released.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        limit = null;
        if (!r.cutWhenReleased) {
          return false;
        }
      }
      client.close();
      upstream.close();
      return true;
    }

    @Override
    public void run() {
      byte[] buf = new byte[64 * 1024];
      int state = 0;
      boolean inBody = false;
      long left = 0;
      try {
        int n;
        while ((n = from.read(buf)) >= 0) {
          int i = 0;
          while (i < n) {
            if (limit == null) {
              to.write(buf, i, n - i);
              break;
            }
            if (inBody) {
              int k = (int) Math.min(left, n - i);
              to.write(buf, i, k);
              left -= k;
              i += k;
            } else {
              to.write(buf[i]);
              byte c = buf[i++];
              state = (c == '\r' && (state == 0 || state == 2)) ? state + 1
                  : (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
              if (state == 4) {
                inBody = true;
                left = limit.cutAfter;
              }
            }
            if (inBody && left == 0) {
              to.flush();
              inBody = false;
              state = 0;
              if (limitReached()) {
                return;
              }
            }
          }
          to.flush();
        }
      } catch (IOException e) {
        // one side closed
      } finally {
        try {
          client.close();
        } catch (IOException ignored) {
          // already closed
        }
      }
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    synchronized (this) {
      rules.forEach(r -> r.released.countDown());
    }
    listener.close();
    for (Socket s : sockets) {
      s.close();
    }
  }
}
