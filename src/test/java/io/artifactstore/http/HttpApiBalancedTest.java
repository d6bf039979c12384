package io.artifactstore.http;

import io.artifactstore.support.BalancedServers;
import io.artifactstore.support.Http;
import io.artifactstore.support.TestDatabases;
import io.artifactstore.support.TestS3;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;

/**
 * The HTTP suite through nginx balancing between two server processes on one PostgreSQL
 * database and one S3 bucket: each request may land on either server. The tests that write raw
 * HTTP/1.1 on a socket (a client gone mid-upload, {@code Expect: 100-continue}) talk to one
 * server directly, since nginx answers those parts of the protocol itself.
 */
@DisplayName("HTTP API through nginx in front of two servers on PostgreSQL and S3")
class HttpApiBalancedTest extends HttpApiContract {

  private BalancedServers servers;

  @Override
  TestDatabases.Kind database() {
    return TestDatabases.Kind.POSTGRESQL;
  }

  @Override
  void start() throws Exception {
    servers = BalancedServers.start(dir, json -> {
      limits(json);
      configure(json);
    });
    http = new Http(servers.nginx().baseUrl());
    wirePort = servers.server(0).port();
  }

  @Override
  void stop() throws Exception {
    if (servers != null) {
      servers.close();
    }
  }

  @Override
  long blobCount() {
    return TestS3.get().keys(servers.bucket(), "sha256/").size();
  }

  @Override
  long uploadLeftovers() {
    return TestS3.get().keys(servers.bucket(), "_uploads/").size()
        + TestS3.get().pendingUploads(servers.bucket()).size();
  }

  @Override
  void configure(JsonObject json) {
  }
}
