package io.artifactstore.http;

import io.artifactstore.support.TestDatabases;
import org.junit.jupiter.api.DisplayName;

@DisplayName("HTTP API on PostgreSQL")
class HttpApiPostgresTest extends HttpApiContract {

  @Override
  TestDatabases.Kind database() {
    return TestDatabases.Kind.POSTGRESQL;
  }
}
