package io.artifactstore.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** The OpenAPI document describes every resource and method the server has, and every error code. */
class OpenApiCoverageTest {

  /** One resource declaration in HttpVerticle: {@code api.at("/path").get(...)...done();}. */
  private static final Pattern RESOURCE = Pattern.compile(
      "api\\.at\\(\"(/[^\"]*)\"\\)(.*?)\\.done\\(\\)", Pattern.DOTALL);
  private static final Pattern METHOD = Pattern.compile("\\.(get|getStreamed|post|put|delete)\\(");

  /** A YAML reader for the document, whose shared parts are YAML aliases (many of them). */
  static Yaml yaml() {
    org.yaml.snakeyaml.LoaderOptions options = new org.yaml.snakeyaml.LoaderOptions();
    options.setMaxAliasesForCollections(1000);
    return new Yaml(options);
  }

  @Test
  @DisplayName("every resource and method in HttpVerticle is in docs/openapi.yaml, HEAD beside every GET")
  void everyRouteDocumented() throws Exception {
    String source = Files.readString(Path.of("src/main/java/io/artifactstore/http/HttpVerticle.java"));
    Map<String, Object> openapi = yaml().load(Files.readString(Path.of("docs/openapi.yaml")));
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>) openapi.get("paths");
    Map<String, TreeSet<String>> documented = new TreeMap<>();
    paths.forEach((p, ops) -> documented.put(p.replaceAll("\\{[^}]+}", "{}"),
        new TreeSet<>(ops.keySet())));
    List<String> missing = new ArrayList<>();
    Matcher r = RESOURCE.matcher(source);
    int resources = 0;
    while (r.find()) {
      resources++;
      String path = r.group(1).replaceAll(":[a-z_]+", "{}").replace("/*", "/{}");
      TreeSet<String> declared = new TreeSet<>();
      Matcher m = METHOD.matcher(r.group(2));
      while (m.find()) {
        String method = m.group(1).equals("getStreamed") ? "get" : m.group(1);
        declared.add(method.toLowerCase(Locale.ROOT));
        if (method.equals("get")) {
          declared.add("head");
        }
      }
      TreeSet<String> have = documented.getOrDefault(path, new TreeSet<>());
      for (String method : declared) {
        if (!have.contains(method)) {
          missing.add(method.toUpperCase(Locale.ROOT) + " " + r.group(1));
        }
      }
    }
    assertTrue(resources > 15, "resources found: " + resources);
    assertEquals(List.of(), missing);
  }

  @Test
  @DisplayName("every catalogued error code is listed in docs/openapi.yaml and docs/api.md")
  void everyErrorCodeDocumented() throws Exception {
    String openapi = Files.readString(Path.of("docs/openapi.yaml"));
    String api = Files.readString(Path.of("docs/api.md"));
    List<String> missing = new ArrayList<>();
    for (var code : io.artifactstore.error.ErrorCode.values()) {
      if (!openapi.contains(code.code()) || !api.contains("`" + code.code() + "`")) {
        missing.add(code.code());
      }
    }
    assertEquals(List.of(), missing);
  }
}
