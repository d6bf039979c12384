package io.artifactstore.support;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real tools the tests drive (curl, aria2c, openssl). */
public final class Processes {

  private Processes() {}

  /**
   * Runs {@code command} in {@code cwd} to its end (at most two minutes): its exit status and
   * its standard output and error together, as {@code [exit, output]}.
   */
  public static String[] run(Path cwd, String... command) throws Exception {
    Process p = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true)
        .start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "finished: " + List.of(command));
    return new String[] {String.valueOf(p.exitValue()), new String(out, StandardCharsets.UTF_8)};
  }
}
