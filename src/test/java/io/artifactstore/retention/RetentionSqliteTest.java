package io.artifactstore.retention;

import io.artifactstore.support.TestDatabases;
import org.junit.jupiter.api.DisplayName;

@DisplayName("Retention, holds, deletion and audit on the embedded SQLite default")
class RetentionSqliteTest extends RetentionContract {

  @Override
  TestDatabases.Kind database() {
    return TestDatabases.Kind.SQLITE;
  }
}
