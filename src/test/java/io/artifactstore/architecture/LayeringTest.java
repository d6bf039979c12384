package io.artifactstore.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The control plane never touches bytes: its packages may not import a storage backend or the
 * data plane. They learn where bytes are only as references over the event bus. The HTTP layer
 * reaches storage only through the data plane's services (uploads, the blob sender), so every
 * way in shares one upload path: it imports no storage class.
 */
class LayeringTest {

  private static final Path SOURCES = Path.of("src/main/java/io/artifactstore");
  private static final List<String> CONTROL_PLANE = List.of("registry", "events", "db",
      "retention", "audit", "integrity", "security", "attestations");
  private static final Pattern FORBIDDEN =
      Pattern.compile("^import\\s+(static\\s+)?io\\.artifactstore\\.(storage|dataplane)\\b.*;",
          Pattern.MULTILINE);

  @Test
  @DisplayName("control-plane packages import no storage backend and no data-plane class")
  void controlPlaneDoesNotImportStorageOrDataPlane() throws IOException {
    List<String> violations = new ArrayList<>();
    int checked = 0;
    for (String pkg : CONTROL_PLANE) {
      Path dir = SOURCES.resolve(pkg);
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
          checked++;
          Matcher m = FORBIDDEN.matcher(Files.readString(f));
          while (m.find()) {
            violations.add(f + ": " + m.group());
          }
          String text = Files.readString(f);
          if (text.matches("(?s).*\\bio\\.artifactstore\\.(storage|dataplane)\\.[A-Za-z].*")) {
            violations.add(f + ": refers to a storage or data-plane class by its full name");
          }
        }
      }
    }
    assertTrue(checked > 10, "the control-plane sources were found (" + checked + " files)");
    assertEquals(List.of(), violations);
  }

  private static final Pattern STORAGE =
      Pattern.compile("^import\\s+(static\\s+)?io\\.artifactstore\\.storage\\b.*;",
          Pattern.MULTILINE);

  @Test
  @DisplayName("the HTTP layer imports no storage class: the data plane owns every upload")
  void httpDoesNotImportStorage() throws IOException {
    List<String> violations = new ArrayList<>();
    int checked = 0;
    try (Stream<Path> files = Files.walk(SOURCES.resolve("http"))) {
      for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
        checked++;
        String text = Files.readString(f);
        Matcher m = STORAGE.matcher(text);
        while (m.find()) {
          violations.add(f + ": " + m.group());
        }
        if (text.matches("(?s).*\\bio\\.artifactstore\\.storage\\.[A-Za-z].*")) {
          violations.add(f + ": refers to a storage class by its full name");
        }
      }
    }
    assertTrue(checked > 10, "the HTTP sources were found (" + checked + " files)");
    assertEquals(List.of(), violations);
    assertTrue(STORAGE.matcher("import io.artifactstore.storage.StorageBackends;").find());
  }

  @Test
  @DisplayName("the check itself catches a forbidden import")
  void theCheckCatchesAViolation() {
    assertTrue(FORBIDDEN.matcher("package x;\nimport io.artifactstore.storage.local.LocalBackend;\n")
        .find());
    assertTrue(FORBIDDEN.matcher("import io.artifactstore.dataplane.Ingest;").find());
    assertTrue(!FORBIDDEN.matcher("import io.artifactstore.registry.RegistryService;").find());
  }
}
