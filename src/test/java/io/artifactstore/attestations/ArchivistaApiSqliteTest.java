package io.artifactstore.attestations;

import io.artifactstore.support.TestDatabases;
import org.junit.jupiter.api.DisplayName;

@DisplayName("Archivista's API on the embedded SQLite default")
class ArchivistaApiSqliteTest extends ArchivistaApiContract {

  @Override
  TestDatabases.Kind database() {
    return TestDatabases.Kind.SQLITE;
  }
}
