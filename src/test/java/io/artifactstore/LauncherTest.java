package io.artifactstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.artifactstore.hashing.Blake3Kernels;
import io.artifactstore.support.Http;
import io.artifactstore.support.Processes;
import io.artifactstore.support.ServerProcess;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code scripts/artifact-store}, the README's way of starting the server: which JDK it picks,
 * and that the server it starts hashes with the kernel that JDK allows. The jar it runs is a
 * class-path jar over this build's classes (the real jar is packaged after the tests).
 */
class LauncherTest {

  private static final Path LAUNCHER = Path.of("scripts", "artifact-store").toAbsolutePath();

  @TempDir
  Path dir;

  /** A jar whose manifest names Main and puts this test run's class path on its Class-Path. */
  private Path pathingJar() throws IOException {
    Manifest manifest = new Manifest();
    Attributes main = manifest.getMainAttributes();
    main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
    main.put(Attributes.Name.MAIN_CLASS, "io.artifactstore.Main");
    List<String> urls = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      urls.add(Path.of(entry).toUri().toString());
    }
    main.put(Attributes.Name.CLASS_PATH, String.join(" ", urls));
    Path jar = dir.resolve("artifact-store.jar");
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream ignored = new JarOutputStream(out, manifest)) {
      // The manifest is the whole jar.
    }
    return jar;
  }

  /**
   * A jar like {@link #pathingJar()} over jars only, as a class-data archive needs (it archives
   * no class directories): this build's classes, jarred here, and the dependencies' jars.
   */
  private Path jarOfJars() throws IOException {
    Path classes = dir.resolve("classes.jar");
    Path root = Path.of("target", "classes");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(classes));
        Stream<Path> files = Files.walk(root)) {
      for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        out.putNextEntry(new JarEntry(root.relativize(f).toString().replace(File.separatorChar,
            '/')));
        Files.copy(f, out);
        out.closeEntry();
      }
    }
    Manifest manifest = new Manifest();
    Attributes main = manifest.getMainAttributes();
    main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
    main.put(Attributes.Name.MAIN_CLASS, "io.artifactstore.Main");
    // Paths relative to the jar's directory: a class-data archive takes Class-Path entries as
    // such (it neither follows a file: URL nor an absolute path there).
    Path base = dir.toAbsolutePath();
    List<String> urls = new ArrayList<>(List.of(classes.getFileName().toString()));
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (entry.endsWith(".jar") && Files.isRegularFile(Path.of(entry))) {
        urls.add(base.relativize(Path.of(entry).toAbsolutePath()).toString());
      }
    }
    main.put(Attributes.Name.CLASS_PATH, String.join(" ", urls));
    Path jar = dir.resolve("artifact-store.jar");
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream ignored = new JarOutputStream(out, manifest)) {
      // The manifest is the whole jar.
    }
    return jar;
  }

  /** The launcher's environment for a jar of jars with its class-data archives in {@code cds}. */
  private Map<String, String> archivesIn(Path cds) throws IOException {
    return new HashMap<>(Map.of(
        "ARTIFACTSTORE_JAR", jarOfJars().toString(),
        "ARTIFACTSTORE_CDS_DIR", cds.toString()));
  }

  /** A finished run of the launcher: its exit status, standard output and standard error. */
  private record Run(int status, String out, String err) {}

  private Process launch(Map<String, String> env, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(LAUNCHER.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
        .redirectOutput(dir.resolve("out.txt").toFile())
        .redirectError(dir.resolve("err.txt").toFile());
    pb.environment().putAll(env);
    return pb.start();
  }

  private Run run(Map<String, String> env, String... args) throws Exception {
    Process p = launch(env, args);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "finished: " + List.of(args));
    return new Run(p.exitValue(), Files.readString(dir.resolve("out.txt")),
        Files.readString(dir.resolve("err.txt")));
  }

  /** The archive in {@code cds}, once written and renamed into place (two minutes at most). */
  private static Path awaitArchive(Path cds) throws Exception {
    return awaitArchives(cds, 1).get(0);
  }

  /** The {@code count} archives in {@code cds}, once no dump is running (two minutes at most). */
  private static List<Path> awaitArchives(Path cds, int count) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (System.nanoTime() < deadline) {
      if (Files.isDirectory(cds)) {
        try (Stream<Path> files = Files.list(cds)) {
          List<Path> all = files.toList();
          boolean busy = all.stream().anyMatch(f -> f.toString().endsWith(".tmp")
              || f.toString().endsWith(".lock")
              || f.getFileName().toString().contains(".merged."));
          List<Path> archives = all.stream().filter(f -> f.toString().endsWith(".jsa")).sorted()
              .toList();
          if (!busy && archives.size() == count) {
            return archives;
          }
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("not " + count + " class-data archives in " + cds);
  }

  private JsonObject config() {
    return ServerProcess.config("sqlite:" + dir.resolve("db.sqlite"), dir.resolve("blobs"));
  }

  /** The server's command line, from /proc (the launcher execs java under its own pid). */
  private static List<String> commandLine(long pid) throws IOException {
    String raw = Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"),
        StandardCharsets.UTF_8);
    return List.of(raw.split("\0"));
  }

  /** Uploads a file and checks its BLAKE3 against b3sum's. */
  private static void uploadHashesRight(Http http, Path dir) throws Exception {
    byte[] body = new byte[3 * 1024 * 1024 + 17];
    new java.util.Random(5).nextBytes(body);
    Path file = dir.resolve("body.bin");
    Files.write(file, body);
    String id = http.postJson("/v1/packages", "{\"producer\":\"p\",\"subject\":\"s\"}").json()
        .getString("id");
    Http.Response put = http.put("/v1/packages/" + id + "/files/body.bin", body);
    assertEquals(201, put.status(), put.text());
    String[] b3sum = Processes.run(dir, "b3sum", "--no-names", file.toString());
    assertEquals("0", b3sum[0], b3sum[1]);
    assertEquals(b3sum[1].trim(), put.json().getString("blake3"), put.text());
  }

  @Test
  @DisplayName("JAVA_HOME older than 25: the launcher finds the machine's JDK 25+, adds the"
      + " Vector API and a streaming heap, and the server hashes on the vector kernel")
  void picksTheNewestJdk() throws Exception {
    Map<String, String> env = Map.of(
        "ARTIFACTSTORE_JAR", pathingJar().toString(),
        "JAVA_HOME", "/usr/lib/jvm/java-17-openjdk-amd64");
    try (ServerProcess server = ServerProcess.start(dir, config(), "launched",
        List.of(LAUNCHER.toString()), env)) {
      Http http = new Http(server.baseUrl());
      JsonObject hashing = http.get("/health").json().getJsonObject("hashing");
      assertTrue(hashing.getInteger("jdk") >= Blake3Kernels.MIN_VECTOR_JDK, hashing.encode());
      assertTrue(hashing.getString("blake3_kernel").startsWith("vector-"), hashing.encode());
      List<String> command = commandLine(server.pid());
      assertTrue(command.contains("-Xmx80m"), command.toString());
      assertTrue(command.contains("-XX:+UseSerialGC"), command.toString());
      assertTrue(command.contains("jdk.incubator.vector"), command.toString());
      uploadHashesRight(http, dir);
    }
  }

  @Test
  @DisplayName("on Java 17 (ARTIFACTSTORE_JAVA) the same jar runs, on the scalar kernel")
  void runsOnJava17() throws Exception {
    Map<String, String> env = Map.of(
        "ARTIFACTSTORE_JAR", pathingJar().toString(),
        "ARTIFACTSTORE_JAVA", "/usr/lib/jvm/java-17-openjdk-amd64/bin/java");
    try (ServerProcess server = ServerProcess.start(dir, config(), "on17",
        List.of(LAUNCHER.toString()), env)) {
      Http http = new Http(server.baseUrl());
      JsonObject hashing = http.get("/health").json().getJsonObject("hashing");
      assertEquals(17, hashing.getInteger("jdk"), hashing.encode());
      assertEquals("scalar", hashing.getString("blake3_kernel"), hashing.encode());
      assertTrue(hashing.getString("reason").contains("JDK 17"), hashing.encode());
      assertTrue(!commandLine(server.pid()).contains("jdk.incubator.vector"));
      uploadHashesRight(http, dir);
    }
  }

  @Test
  @DisplayName("the jar's classes are Java 17 bytecode (class file major version 61)")
  void java17Bytecode() throws Exception {
    byte[] header = new byte[8];
    try (var in = Files.newInputStream(Path.of("target", "classes", "io", "artifactstore",
        "Main.class"))) {
      assertEquals(8, in.readNBytes(header, 0, 8));
    }
    assertEquals("cafebabe", HexFormat.of().formatHex(header, 0, 4));
    assertEquals(61, ((header[6] & 0xff) << 8) | (header[7] & 0xff));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"the launcher's JDK, ''", "Java 17, /usr/lib/jvm/java-17-openjdk-amd64/bin/java"})
  @DisplayName("client commands start from a class-data archive: a command's first run records"
      + " its classes, a background JVM writes the archive, later runs map it; output and exit"
      + " status unchanged, a damaged archive ignored, serve and fsck left out")
  void classDataArchive(String name, String java) throws Exception {
    Path cds = dir.resolve("cds");
    Map<String, String> env = archivesIn(cds);
    env.put("ARTIFACTSTORE_LAUNCHER_DEBUG", "1");
    if (!java.isEmpty()) {
      env.put("ARTIFACTSTORE_JAVA", java);
    }
    Map<String, String> off = new HashMap<>(env);
    off.put("ARTIFACTSTORE_CDS_DIR", "");
    Run plain = run(off, "--version");
    assertEquals(0, plain.status(), plain.err());
    assertFalse(plain.err().contains("-Xlog:cds"), plain.err());
    assertFalse(Files.exists(cds));

    Run first = run(env, "--version");
    assertEquals(0, first.status(), first.err());
    assertEquals(plain.out(), first.out());
    assertTrue(first.err().contains("-XX:DumpLoadedClassList=" + cds), first.err());
    Path archive = awaitArchive(cds);

    // Through JAVA_TOOL_OPTIONS: options of the command line are part of a build's name.
    Path loads = dir.resolve("loads.log");
    Map<String, String> logged = new HashMap<>(env);
    logged.put("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info:file=" + loads);
    Run second = run(logged, "--version");
    assertEquals(0, second.status(), second.err());
    assertEquals(plain.out(), second.out());
    assertTrue(second.err().contains("-XX:SharedArchiveFile=" + archive), second.err());
    assertFalse(second.err().contains("DumpLoadedClassList"), "recorded once: " + second.err());
    String mainLoaded = Files.readAllLines(loads).stream()
        .filter(l -> l.contains(" io.artifactstore.Main ")).findFirst().orElse(null);
    assertNotNull(mainLoaded);
    assertTrue(mainLoaded.contains("shared objects file"), mainLoaded);

    // Another command's first run records it too, with the archive in use; a failing command
    // keeps its exit status and its message.
    Run unknownPlain = run(off, "no-such-command");
    Run unknown = run(env, "no-such-command");
    assertEquals(2, unknownPlain.status(), unknownPlain.err());
    assertEquals(unknownPlain.status(), unknown.status());
    assertEquals(unknownPlain.out(), unknown.out());
    assertTrue(unknown.err().contains("-XX:SharedArchiveFile=" + archive), unknown.err());
    assertTrue(unknown.err().contains("-XX:DumpLoadedClassList="), unknown.err());
    assertTrue(unknown.err().contains("Unmatched argument"), unknown.err());

    // Other JVM options (which may lay the heap out otherwise) make another build: recorded
    // anew, not mapped from the archive of the first.
    Map<String, String> otherOptions = new HashMap<>(env);
    otherOptions.put("ARTIFACTSTORE_JAVA_OPTS", "-Xss2m");
    Run other = run(otherOptions, "--version");
    assertEquals(plain.out(), other.out());
    assertFalse(other.err().contains("-XX:SharedArchiveFile=" + archive), other.err());
    assertTrue(other.err().contains("-XX:DumpLoadedClassList="), other.err());
    awaitArchives(cds, 2);

    // A dump killed before its rename (a reboot, a job's timeout): the next run finds the lists
    // without an archive and starts the dump again.
    Files.delete(archive);
    Run afterKill = run(env, "--version");
    assertEquals(plain.out(), afterKill.out());
    assertFalse(afterKill.err().contains("DumpLoadedClassList"), afterKill.err());
    assertEquals(archive, awaitArchives(cds, 2).stream().filter(archive::equals).findFirst()
        .orElse(null));

    // A damaged archive does not change what a command prints or its status.
    Files.writeString(archive, "not an archive");
    Run damaged = run(env, "--version");
    assertEquals(0, damaged.status(), damaged.err());
    assertEquals(plain.out(), damaged.out());

    for (String server : List.of("serve", "fsck")) {
      Run help = run(env, server, "--no-such-option");
      assertEquals(2, help.status(), help.err());
      assertFalse(help.err().contains("-Xlog:cds"), help.err());
      assertFalse(help.err().contains("-XX:SharedArchiveFile"), help.err());
    }
  }

  @ParameterizedTest(name = "SIG{0}: exit {1}")
  @CsvSource({"TERM, 143", "INT, 130"})
  @DisplayName("a command recording its classes runs as the launcher's child, which passes"
      + " SIGTERM and SIGINT on: the command ends at once with the status it would have without"
      + " the launcher, and nothing is recorded")
  void recordingRunEndsOnSignal(String signal, int status) throws Exception {
    Path cds = dir.resolve("cds");
    Map<String, String> env = archivesIn(cds);
    // A server that accepts and never answers: the command waits for its answer.
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Process launcher = launch(env, "ls", "--server",
          "http://127.0.0.1:" + silent.getLocalPort(), "--retries", "0");
      try (Socket accepted = silent.accept()) {
        assertNotNull(accepted);
        List<ProcessHandle> java = launcher.toHandle().children().toList();
        assertEquals(1, java.size(), "the JVM runs as the launcher's child");
        Processes.run(dir, "kill", "-" + signal, Long.toString(launcher.pid()));
        assertTrue(launcher.waitFor(60, TimeUnit.SECONDS), "the launcher ended");
        assertEquals(status, launcher.exitValue(), Files.readString(dir.resolve("err.txt")));
        assertNotNull(java.get(0).onExit().get(60, TimeUnit.SECONDS));
      }
    }
    try (Stream<Path> left = Files.list(cds)) {
      assertEquals(List.of(), left.toList(), "nothing recorded from a run cut short");
    }
  }

  @Test
  @DisplayName("without HOME and XDG_CACHE_HOME (a service manager's bare environment) a client"
      + " command runs without an archive, as it does with ARTIFACTSTORE_CDS_DIR empty")
  void noHome() throws Exception {
    ProcessBuilder pb = new ProcessBuilder(LAUNCHER.toString(), "--version")
        .directory(dir.toFile()).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.clear();
    env.put("PATH", System.getenv("PATH"));
    env.put("ARTIFACTSTORE_JAR", jarOfJars().toString());
    env.put("ARTIFACTSTORE_LAUNCHER_DEBUG", "1");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("artifact-store "), out);
    assertFalse(out.contains("-Xlog:cds"), out);
  }
}
