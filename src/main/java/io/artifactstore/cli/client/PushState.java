package io.artifactstore.cli.client;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The memory of an unfinished push, so that running the same push again resumes its package:
 * {@code <state dir>/pushes/<key>.json}, {@code {package_id, server, dir, created_at}}, written
 * once the package is created and removed once it is finalized. The key is the SHA-256 of what
 * makes a push the same: the server, the folder's absolute path, the package's creation body
 * (producer, subject, retention class, metadata) and the include and exclude patterns.
 */
final class PushState {

  private final Path file;
  private final String server;
  private final Path dir;

  private PushState(Path file, String server, Path dir) {
    this.file = file;
    this.server = server;
    this.dir = dir;
  }

  /**
   * The state folder: {@code explicit}, else {@code ARTIFACTSTORE_STATE_DIR}, else
   * {@code $XDG_STATE_HOME/artifact-store}, else {@code ~/.local/state/artifact-store}.
   */
  static Path stateDir(Path explicit) {
    if (explicit != null) {
      return explicit;
    }
    String env = System.getenv("ARTIFACTSTORE_STATE_DIR");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    String xdg = System.getenv("XDG_STATE_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg)
        : Path.of(System.getProperty("user.home"), ".local", "state");
    return base.resolve("artifact-store");
  }

  /** The state of the push of {@code dir} with this creation body and patterns. */
  static PushState of(Path stateDir, String server, Path dir, JsonObject create,
      List<String> include, List<String> exclude) {
    JsonObject what = new JsonObject().put("server", server)
        .put("dir", dir.toAbsolutePath().normalize().toString()).put("create", create)
        .put("include", new JsonArray(include)).put("exclude", new JsonArray(exclude));
    String key = Hashing.sha256(what.encode().getBytes(StandardCharsets.UTF_8));
    return new PushState(stateDir.resolve("pushes").resolve(key + ".json"), server,
        dir.toAbsolutePath().normalize());
  }

  /** The package an earlier run of the same push left unfinished, if it recorded one. */
  Optional<String> packageId() {
    try {
      if (!Files.isRegularFile(file)) {
        return Optional.empty();
      }
      return Optional.ofNullable(new JsonObject(Files.readString(file)).getString("package_id"));
    } catch (IOException | DecodeException | ClassCastException e) {
      return Optional.empty();
    }
  }

  /** Records {@code id} as this push's package (a failure to record is not fatal). */
  void remember(String id) {
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, new JsonObject().put("package_id", id).put("server", server)
          .put("dir", dir.toString())
          .put("created_at", Instant.now().toString()).encode());
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      // Without the record a rerun starts a new package; the push itself goes on.
    }
  }

  void forget() {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // a stale record only makes the next run look for a finished package
    }
  }

  Path file() {
    return file;
  }
}
