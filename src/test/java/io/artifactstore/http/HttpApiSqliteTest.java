package io.artifactstore.http;

import io.artifactstore.support.TestDatabases;
import org.junit.jupiter.api.DisplayName;

@DisplayName("HTTP API on the embedded SQLite default")
class HttpApiSqliteTest extends HttpApiContract {

  @Override
  TestDatabases.Kind database() {
    return TestDatabases.Kind.SQLITE;
  }
}
