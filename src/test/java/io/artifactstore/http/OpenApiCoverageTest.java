package io.artifactstore.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The OpenAPI document describes every route the server has, and every error code. */
class OpenApiCoverageTest {

  private static final Pattern ROUTE = Pattern.compile(
      "router\\.(?:get|post|put|delete|route)\\(\"(/[^\"]*)\"");
  private static final Pattern PATH = Pattern.compile("(?m)^  (/\\S+):$");

  @Test
  @DisplayName("every route in HttpVerticle is a path in docs/openapi.yaml")
  void everyRouteDocumented() throws Exception {
    String source = Files.readString(Path.of("src/main/java/io/artifactstore/http/HttpVerticle.java"));
    String openapi = Files.readString(Path.of("docs/openapi.yaml"));
    Set<String> documented = new TreeSet<>();
    Matcher p = PATH.matcher(openapi);
    while (p.find()) {
      documented.add(p.group(1).replaceAll("\\{[^}]+}", "{}"));
    }
    List<String> missing = new ArrayList<>();
    Matcher r = ROUTE.matcher(source);
    int routes = 0;
    while (r.find()) {
      routes++;
      String path = r.group(1).replaceAll(":[a-z_]+", "{}").replace("/*", "/{}");
      if (!documented.contains(path)) {
        missing.add(r.group(1));
      }
    }
    assertTrue(routes > 15, "routes found: " + routes);
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
