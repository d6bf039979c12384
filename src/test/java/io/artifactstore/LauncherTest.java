package io.artifactstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.artifactstore.hashing.Blake3Kernels;
import io.artifactstore.support.Http;
import io.artifactstore.support.Processes;
import io.artifactstore.support.ServerProcess;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
}
