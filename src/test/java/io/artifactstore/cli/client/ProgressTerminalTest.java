package io.artifactstore.cli.client;

import static io.artifactstore.cli.client.CliRunner.randomBytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.artifactstore.support.Http;
import io.artifactstore.support.TestDatabases;
import io.artifactstore.support.TestServer;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The progress line of {@code get} on a real terminal: the client runs as a child process under
 * {@code script(1)}, which gives it a pseudo-terminal, with each standard stream redirected or
 * not as the case needs.
 */
class ProgressTerminalTest {

  private static final int SIZE = 4 * 1024 * 1024;
  /** The total as the line shows it (KiB for a total under 10 MiB), and elapsed / ETA. */
  private static final Pattern TOTAL = Pattern.compile("\\d+/4096KiB");
  private static final Pattern ETA = Pattern.compile("\\(\\d+:\\d\\d:\\d\\d / \\d+:\\d\\d:\\d\\d\\)");

  @TempDir
  Path tmp;

  private TestServer server;
  private FaultProxy proxy;
  private String id;
  private byte[] content;

  @BeforeEach
  void start() throws Exception {
    server = TestServer.start(TestDatabases.Kind.SQLITE, tmp.resolve("server"));
    proxy = new FaultProxy(server.port());
    Http http = new Http(server.baseUrl());
    id = http.postJson("/v1/packages", "{\"producer\":\"p\",\"subject\":\"s\"}").json()
        .getString("id");
    content = randomBytes(SIZE, 11);
    assertEquals(201, http.put("/v1/packages/" + id + "/files/data.bin", content).status());
  }

  @AfterEach
  void stop() throws Exception {
    proxy.close();
    server.close();
  }

  private static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  /** Runs {@code shellCommand} on a new pseudo-terminal; what the terminal shows goes to ts. */
  private Process onTerminal(String shellCommand, Path ts) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("script", "-q", "-e", "-f", "-c", shellCommand,
        ts.toString());
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.redirectOutput(tmp.resolve("script.out").toFile());
    pb.redirectError(tmp.resolve("script.err").toFile());
    return pb.start();
  }

  private String getCommand(Path out) {
    return CliRunner.javaCommand("get", id, "data.bin", "-o", out.toString(), "--server",
        proxy.baseUrl()).stream().map(ProgressTerminalTest::quote)
        .collect(Collectors.joining(" "));
  }

  private static String read(Path p) throws Exception {
    return Files.exists(p) ? new String(Files.readAllBytes(p), StandardCharsets.UTF_8) : "";
  }

  @Test
  @DisplayName("stderr a terminal, stdin and stdout not: the line shows the total and an ETA")
  void shownOnTerminalStderr() throws Exception {
    Path out = tmp.resolve("data.bin");
    Path ts = tmp.resolve("typescript");
    FaultProxy.Gate gate = proxy.pauseResponse("GET", "/files/data.bin", SIZE / 2);
    Process p = onTerminal(getCommand(out) + " < /dev/null > " + quote(tmp.resolve("stdout")
        .toString()), ts);
    try {
      assertTrue(gate.reached().await(60, TimeUnit.SECONDS), "the download started");
      CliRunner.await("an ETA on the terminal", Duration.ofSeconds(60),
          () -> ETA.matcher(uncheckedRead(ts)).find() || !p.isAlive());
      assertTrue(ETA.matcher(read(ts)).find(), "the client ended before showing an ETA");
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; the terminal showed:\n" + read(ts), e);
    } finally {
      gate.release().run();
    }
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), read(ts) + read(tmp.resolve("script.err")));
    String screen = read(ts);
    assertTrue(TOTAL.matcher(screen).find(), screen);
    assertTrue(screen.contains("get "), screen);
    assertTrue(read(tmp.resolve("stdout")).contains("verified"));
    assertFalse(read(tmp.resolve("stdout")).contains("KiB"), "nothing of it on stdout");
    assertArrayEquals(content, Files.readAllBytes(out));
  }

  /**
   * The lines a terminal shows for {@code typescript}: a carriage return goes back to the
   * start of the line, and what follows is written over what was there.
   */
  static List<String> screenLines(String typescript) {
    List<String> lines = new ArrayList<>();
    for (String raw : typescript.split("\n", -1)) {
      StringBuilder line = new StringBuilder();
      int col = 0;
      for (char c : raw.toCharArray()) {
        if (c == '\r') {
          col = 0;
        } else {
          if (col < line.length()) {
            line.setCharAt(col, c);
          } else {
            line.append(c);
          }
          col++;
        }
      }
      lines.add(line.toString().stripTrailing());
    }
    return lines;
  }

  @Test
  @DisplayName("a download cut while the progress line is shown: the retry is a line of its "
      + "own on the terminal, not written into the progress line, and the get completes")
  void retryLineEndsProgressLine() throws Exception {
    Path out = tmp.resolve("data.bin");
    Path ts = tmp.resolve("typescript");
    FaultProxy.Gate gate = proxy.pauseResponse("GET", "/files/data.bin", SIZE / 2);
    Process p = onTerminal(getCommand(out) + " < /dev/null > " + quote(tmp.resolve("stdout")
        .toString()), ts);
    try {
      assertTrue(gate.reached().await(60, TimeUnit.SECONDS), "the download started");
      CliRunner.await("the progress line on the terminal", Duration.ofSeconds(60),
          () -> TOTAL.matcher(uncheckedRead(ts)).find() || !p.isAlive());
      gate.cut().run();
    } finally {
      gate.release().run();
    }
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    String screen = read(ts);
    assertEquals(0, p.exitValue(), screen + read(tmp.resolve("script.err")));
    List<String> retries = screenLines(screen).stream()
        .filter(l -> l.contains("; retry 1 of 3")).toList();
    assertEquals(1, retries.size(), screen);
    assertTrue(retries.get(0).startsWith("artifact-store: download of data.bin: "),
        "a line of its own: " + retries.get(0));
    assertArrayEquals(content, Files.readAllBytes(out));
  }

  @Test
  @DisplayName("stdin and stdout a terminal, stderr not: no progress line anywhere")
  void hiddenWhenStderrIsNotTerminal() throws Exception {
    Path out = tmp.resolve("data.bin");
    Path ts = tmp.resolve("typescript");
    Path err = tmp.resolve("stderr");
    Process p = onTerminal(getCommand(out) + " 2> " + quote(err.toString()), ts);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), read(ts) + read(err));
    assertTrue(read(ts).contains("verified"), read(ts));
    for (String shown : List.of(read(ts), read(err))) {
      assertFalse(TOTAL.matcher(shown).find() || shown.contains("%"), shown);
    }
    assertArrayEquals(content, Files.readAllBytes(out));

    CliRunner.Run inProcess = CliRunner.ok("get", id, "data.bin", "-o",
        tmp.resolve("again.bin").toString(), "--server", proxy.baseUrl());
    assertFalse(TOTAL.matcher(inProcess.err()).find(), "stderr is a pipe here");
  }

  private static String uncheckedRead(Path p) {
    try {
      return read(p);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
