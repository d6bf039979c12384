package io.artifactstore.cli.client;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * A folder's record of its archives, never archived itself. In most folders it is
 * {@code .artifact-store-archives.jsonl} at the root, one JSON object per line, appended after
 * each archive is finalized. In an {@link Infospace} it is {@code output/archives/index.yaml}, a
 * YAML list of records with the infospace's fields, rewritten whole (through a temporary file
 * and a rename) with one more record.
 */
final class ArchiveIndex {

  /** The index file of a folder that is not an infospace, relative to it. */
  static final String FILE = ".artifact-store-archives.jsonl";

  private final Path file;
  private final boolean yaml;

  private ArchiveIndex(Path file, boolean yaml) {
    this.file = file;
    this.yaml = yaml;
  }

  /** The index that {@code archive} of the folder {@code dir} writes. */
  static ArchiveIndex of(Path dir) {
    Path base = dir.toAbsolutePath().normalize();
    return Infospace.is(base) ? new ArchiveIndex(base.resolve(Infospace.INDEX), true)
        : new ArchiveIndex(base.resolve(FILE), false);
  }

  /**
   * Every index the folder holds, the JSON-lines one first (an infospace archived by an older
   * client may have both).
   */
  static List<ArchiveIndex> present(Path dir) {
    Path base = dir.toAbsolutePath().normalize();
    List<ArchiveIndex> out = new ArrayList<>();
    if (Files.exists(base.resolve(FILE))) {
      out.add(new ArchiveIndex(base.resolve(FILE), false));
    }
    if (Infospace.is(base) && Files.exists(base.resolve(Infospace.INDEX))) {
      out.add(new ArchiveIndex(base.resolve(Infospace.INDEX), true));
    }
    return out;
  }

  Path file() {
    return file;
  }

  /** Adds one record; an infospace index keeps only the infospace's fields. */
  void append(JsonObject record, PrintWriter err) throws IOException {
    if (!yaml) {
      Files.writeString(file, record.encode() + "\n", StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
      return;
    }
    List<Object> all = new ArrayList<>();
    for (JsonObject r : read(err)) {
      all.add(plain(r));
    }
    Map<String, Object> rec = new LinkedHashMap<>();
    for (String k : Infospace.RECORD_FIELDS) {
      rec.put(k, plain(record.getValue(k)));
    }
    all.add(rec);
    DumperOptions o = new DumperOptions();
    o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    o.setIndicatorIndent(0);
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, new Yaml(o).dump(all), StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** The records, oldest first; entries that are not records are reported and skipped. */
  List<JsonObject> read(PrintWriter err) throws IOException {
    List<JsonObject> out = new ArrayList<>();
    if (!Files.exists(file)) {
      return out;
    }
    if (yaml) {
      Object doc;
      try {
        doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(
            Files.readString(file, StandardCharsets.UTF_8));
      } catch (YAMLException e) {
        err.println("artifact-store: " + file + " is not YAML (" + e.getMessage()
            + "); no record read");
        return out;
      }
      if (doc == null) {
        return out;
      }
      if (!(doc instanceof List<?> list)) {
        err.println("artifact-store: " + file + " is not a list of records; no record read");
        return out;
      }
      int n = 0;
      for (Object o : list) {
        n++;
        if (o instanceof Map<?, ?> m) {
          out.add(json(m));
        } else {
          err.println("artifact-store: " + file + " entry " + n + " is not a record; skipped");
        }
      }
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

  /** JSON values as the plain maps and lists YAML writes without tags. */
  private static Object plain(Object v) {
    if (v instanceof JsonObject o) {
      Map<String, Object> m = new LinkedHashMap<>();
      o.forEach(e -> m.put(e.getKey(), plain(e.getValue())));
      return m;
    }
    if (v instanceof JsonArray a) {
      List<Object> l = new ArrayList<>();
      a.forEach(x -> l.add(plain(x)));
      return l;
    }
    return v;
  }

  /** A YAML mapping as JSON; a timestamp written without quotes becomes its ISO-8601 form. */
  private static JsonObject json(Map<?, ?> m) {
    JsonObject o = new JsonObject();
    m.forEach((k, v) -> o.put(String.valueOf(k), v instanceof Date d
        ? d.toInstant().atOffset(ZoneOffset.UTC).toInstant().toString()
        : v instanceof List<?> l ? new JsonArray(new ArrayList<>(l)) : v));
    return o;
  }
}
