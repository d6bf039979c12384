package io.artifactstore.storage.s3;

import io.artifactstore.storage.StorageBackend;
import io.artifactstore.storage.StorageBackendFactory;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClientBuilder;

/**
 * Builds {@link S3Backend}s from {@code storage.backends.<id>} (options in {@link S3Options}),
 * on the SDK's asynchronous client over its Netty HTTP client. The bucket is not contacted at
 * start: a store that is down at startup shows in the health report, not as a failed start.
 */
public final class S3BackendFactory implements StorageBackendFactory {

  @Override
  public String type() {
    return "s3";
  }

  @Override
  public Future<StorageBackend> create(Vertx vertx, String id, JsonObject options) {
    S3Options parsed;
    try {
      parsed = S3Options.parse(id, options);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    return create(vertx, parsed).map(b -> b);
  }

  /** Starts a backend from options already parsed. */
  public static Future<S3Backend> create(Vertx vertx, S3Options options) {
    // Building the client loads its configuration (profiles, regions): off the event loop.
    return vertx.executeBlocking(() -> new S3Backend(vertx, client(options), options), false);
  }

  static S3AsyncClient client(S3Options o) {
    NettyNioAsyncHttpClient.Builder http = NettyNioAsyncHttpClient.builder()
        .maxConcurrency(o.maxConnections())
        .connectionTimeout(Duration.ofMillis(o.connectTimeoutMs()))
        .connectionAcquisitionTimeout(Duration.ofMillis(o.requestTimeoutMs()))
        // Idle limits, not totals: a large part may take long, a silent socket may not.
        .readTimeout(Duration.ofMillis(o.requestTimeoutMs()))
        .writeTimeout(Duration.ofMillis(o.requestTimeoutMs()));
    AwsCredentialsProvider credentials = o.defaultCredentials()
        ? DefaultCredentialsProvider.builder().build()
        : StaticCredentialsProvider.create(
            AwsBasicCredentials.create(o.accessKeyId(), o.secretAccessKey()));
    S3AsyncClientBuilder builder = S3AsyncClient.builder()
        .httpClientBuilder(http)
        .region(Region.of(o.region()))
        .credentialsProvider(credentials)
        .forcePathStyle(o.pathStyle())
        .requestChecksumCalculation(o.checksumWhenRequired()
            ? RequestChecksumCalculation.WHEN_REQUIRED : RequestChecksumCalculation.WHEN_SUPPORTED)
        .responseChecksumValidation(o.checksumWhenRequired()
            ? ResponseChecksumValidation.WHEN_REQUIRED : ResponseChecksumValidation.WHEN_SUPPORTED);
    if (o.endpoint() != null) {
      builder.endpointOverride(o.endpoint());
    }
    if (o.apiCallTimeoutMs() > 0) {
      builder.overrideConfiguration(c -> c.apiCallTimeout(Duration.ofMillis(o.apiCallTimeoutMs())));
    }
    return builder.build();
  }
}
