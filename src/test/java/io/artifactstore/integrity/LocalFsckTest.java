package io.artifactstore.integrity;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;

@DisplayName("fsck of a local backend")
class LocalFsckTest extends FsckContract {

  @Override
  void configure(JsonObject json) {
  }

  private Path root() {
    return dir.resolve("blobs");
  }

  @Override
  void plant(String relativePath, byte[] bytes) throws Exception {
    Path file = root().resolve(relativePath);
    Files.createDirectories(file.getParent());
    Files.write(file, bytes);
  }

  @Override
  void remove(String relativePath) throws Exception {
    Files.delete(root().resolve(relativePath));
  }

  @Override
  boolean holds(String relativePath) {
    return Files.exists(root().resolve(relativePath));
  }

  @Override
  void plantTemporary() throws Exception {
    Files.write(root().resolve("_uploads").resolve("left-by-a-crash.upload"), new byte[1234]);
  }

  @Override
  int temporaries() throws Exception {
    try (Stream<Path> files = Files.list(root().resolve("_uploads"))) {
      return (int) files.count();
    }
  }

  @Override
  String backend() {
    return "local";
  }
}
