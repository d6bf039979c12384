package io.artifactstore.events;

import io.artifactstore.support.TestDatabases;
import org.junit.jupiter.api.DisplayName;

@DisplayName("Event log and views on the embedded SQLite default")
class RebuildViewsSqliteTest extends RebuildViewsContract {

  @Override
  TestDatabases.Kind database() {
    return TestDatabases.Kind.SQLITE;
  }
}
