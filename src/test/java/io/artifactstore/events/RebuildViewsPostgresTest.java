package io.artifactstore.events;

import io.artifactstore.support.TestDatabases;
import org.junit.jupiter.api.DisplayName;

@DisplayName("Event log and views on PostgreSQL")
class RebuildViewsPostgresTest extends RebuildViewsContract {

  @Override
  TestDatabases.Kind database() {
    return TestDatabases.Kind.POSTGRESQL;
  }
}
