package io.artifactstore.attestations;

import io.artifactstore.support.TestDatabases;
import org.junit.jupiter.api.DisplayName;

@DisplayName("Archivista's API on PostgreSQL")
class ArchivistaApiPostgresTest extends ArchivistaApiContract {

  @Override
  TestDatabases.Kind database() {
    return TestDatabases.Kind.POSTGRESQL;
  }
}
