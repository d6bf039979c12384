package io.artifactstore.cli.client;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A folder's record of its archives: {@code .artifact-store-archives.jsonl} at its root, one
 * JSON object per line, appended after each archive is finalized. Never archived itself.
 */
final class ArchiveIndex {

  /** The index file, relative to the archived folder. */
  static final String FILE = ".artifact-store-archives.jsonl";

  private final Path file;

  private ArchiveIndex(Path file) {
    this.file = file;
  }

  /** The index of the folder {@code dir}. */
  static ArchiveIndex of(Path dir) {
    return new ArchiveIndex(dir.toAbsolutePath().normalize().resolve(FILE));
  }

  Path file() {
    return file;
  }

  /** Appends one record. */
  void append(JsonObject record) throws IOException {
    Files.writeString(file, record.encode() + "\n", StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
  }

  /** The records, oldest first; lines that are not JSON objects are reported and skipped. */
  List<JsonObject> read(PrintWriter err) throws IOException {
    List<JsonObject> out = new ArrayList<>();
    if (!Files.exists(file)) {
      return out;
    }
    int n = 0;
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      n++;
      if (line.isBlank()) {
        continue;
      }
      try {
        out.add(new JsonObject(line));
      } catch (DecodeException | ClassCastException e) {
        err.println("artifact-store: " + file + " line " + n + " is not a record; skipped");
      }
    }
    return out;
  }
}
