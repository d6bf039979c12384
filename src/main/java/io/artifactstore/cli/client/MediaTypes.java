package io.artifactstore.cli.client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** The media type of a file, guessed from its extension. */
final class MediaTypes {

  private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
      Map.entry("json", "application/json"), Map.entry("jsonl", "application/x-ndjson"),
      Map.entry("ndjson", "application/x-ndjson"), Map.entry("xml", "application/xml"),
      Map.entry("yaml", "application/yaml"), Map.entry("yml", "application/yaml"),
      Map.entry("html", "text/html"), Map.entry("htm", "text/html"),
      Map.entry("txt", "text/plain"), Map.entry("log", "text/plain"),
      Map.entry("md", "text/markdown"), Map.entry("csv", "text/csv"),
      Map.entry("css", "text/css"), Map.entry("js", "text/javascript"),
      Map.entry("pdf", "application/pdf"), Map.entry("png", "image/png"),
      Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"),
      Map.entry("gif", "image/gif"), Map.entry("svg", "image/svg+xml"),
      Map.entry("gz", "application/gzip"), Map.entry("tgz", "application/gzip"),
      Map.entry("tar", "application/x-tar"), Map.entry("zip", "application/zip"),
      Map.entry("zst", "application/zstd"), Map.entry("cbor", "application/cbor"),
      Map.entry("sarif", "application/sarif+json"));

  private MediaTypes() {}

  static String guess(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    if (dot > 0) {
      String t = BY_EXTENSION.get(name.substring(dot + 1).toLowerCase(Locale.ROOT));
      if (t != null) {
        return t;
      }
    }
    try {
      String probed = Files.probeContentType(file);
      if (probed != null && probed.matches("[\\w.+-]+/[\\w.+-]+")) {
        return probed;
      }
    } catch (IOException | RuntimeException e) {
      // fall through to the default
    }
    return "application/octet-stream";
  }
}
