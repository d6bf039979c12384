package io.artifactstore.cli.client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A folder laid out as an infospace: an {@code infospace.yaml} at its root. Archiving one
 * follows the infospace contract: without {@code --include} the package takes
 * {@link #DEFAULT_INCLUDES}, and the folder's archive index is the YAML file {@link #INDEX}
 * (a list of records with {@link #RECORD_FIELDS}), never archived itself.
 */
final class Infospace {

  /** The file whose presence at the root makes a folder an infospace. */
  static final String MARKER = "infospace.yaml";
  /** The archive index of an infospace, relative to its root. */
  static final String INDEX = "output/archives/index.yaml";
  /** What an infospace archive takes by default, as patterns anchored at the root. */
  static final List<String> DEFAULT_INCLUDES = List.of("/infospace.yaml", "/artifacts/",
      "/workflows/", "/output/", "/reports/", "/exports/");
  /** The fields of an index record, in this order. */
  static final List<String> RECORD_FIELDS = List.of("package_id", "manifest_digest",
      "retention_class", "created_at", "included_paths", "file_count", "note", "producer",
      "subject");

  private Infospace() {}

  /** Whether {@code dir} is an infospace. */
  static boolean is(Path dir) {
    return Files.isRegularFile(dir.resolve(MARKER));
  }
}
