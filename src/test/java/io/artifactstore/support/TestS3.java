package io.artifactstore.support;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * One S3Proxy per test JVM, in process, on a free port of 127.0.0.1, storing in a temporary
 * folder and requiring signed requests with static credentials. It starts on first use; a
 * failure to start fails the test that asked, never skips it. Each test takes a bucket of its
 * own from {@link #newBucket}.
 */
public final class TestS3 {

  public static final String ACCESS_KEY_ID = "AKIATESTARTIFACTSTORE";
  public static final String SECRET_ACCESS_KEY = "test-secret-Zq8vR2pL5nW1xK7m";

  private static TestS3 instance;

  private final URI endpoint;
  private final S3AsyncClient client;
  private final AtomicInteger buckets = new AtomicInteger();

  private TestS3(URI endpoint, S3AsyncClient client) {
    this.endpoint = endpoint;
    this.client = client;
  }

  /** The running S3Proxy, started on the first call. */
  public static synchronized TestS3 get() {
    if (instance == null) {
      instance = start();
    }
    return instance;
  }

  private static TestS3 start() {
    try {
      Path dir = Files.createTempDirectory("artifactstore-s3proxy");
      S3Proxy proxy = S3Proxy.builder()
          .blobStore(new FilesystemNio2BlobStore(dir.toString()))
          .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY_ID, SECRET_ACCESS_KEY)
          .endpoint(URI.create("http://127.0.0.1:0"))
          .build();
      proxy.start();
      long deadline = System.currentTimeMillis() + 30_000;
      while (!"STARTED".equals(proxy.getState())) {
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
        }
        Thread.sleep(10);
      }
      URI endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
      S3AsyncClient client = S3AsyncClient.builder()
          .httpClientBuilder(NettyNioAsyncHttpClient.builder())
          .endpointOverride(endpoint)
          .region(Region.US_EAST_1)
          .forcePathStyle(true)
          .credentialsProvider(StaticCredentialsProvider.create(
              AwsBasicCredentials.create(ACCESS_KEY_ID, SECRET_ACCESS_KEY)))
          .build();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          client.close();
          proxy.stop();
        } catch (Exception e) {
          // The JVM is exiting anyway.
        }
        // The buckets' objects (hundreds of MiB over a run) go with the JVM.
        TempFolders.deleteTree(dir);
      }));
      return new TestS3(endpoint, client);
    } catch (Exception e) {
      throw new IllegalStateException("cannot start S3Proxy for the tests", e);
    }
  }

  public URI endpoint() {
    return endpoint;
  }

  /** A client for inspecting buckets from tests. */
  public S3AsyncClient client() {
    return client;
  }

  /** Creates an empty bucket with a name not used before in this JVM. */
  public String newBucket() {
    String name = "test-" + ProcessHandle.current().pid() + "-" + buckets.incrementAndGet();
    client.createBucket(b -> b.bucket(name)).join();
    return name;
  }

  /** The options of an {@code s3} backend on a new bucket. */
  public JsonObject backendOptions() {
    return new JsonObject()
        .put("type", "s3")
        .put("endpoint", endpoint.toString())
        .put("region", "us-east-1")
        .put("bucket", newBucket())
        .put("path_style", true)
        .put("access_key_id", ACCESS_KEY_ID)
        .put("secret_access_key", SECRET_ACCESS_KEY);
  }

  /** Every object key under {@code prefix}. */
  public List<String> keys(String bucket, String prefix) {
    List<String> keys = new ArrayList<>();
    String token = null;
    do {
      String next = token;
      ListObjectsV2Response page = client.listObjectsV2(b -> b.bucket(bucket).prefix(prefix)
          .continuationToken(next)).join();
      page.contents().stream().map(S3Object::key).forEach(keys::add);
      token = page.isTruncated() ? page.nextContinuationToken() : null;
    } while (token != null);
    return keys;
  }

  /** Keys of the multipart uploads started and neither completed nor aborted. */
  public List<String> pendingUploads(String bucket) {
    return client.listMultipartUploads(b -> b.bucket(bucket)).join().uploads().stream()
        .map(u -> u.key()).toList();
  }
}
