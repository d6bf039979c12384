package io.artifactstore.integration;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

/**
 * A typed client of the public event-bus API ({@link BusApi}) for code in the store's Vert.x
 * instance. Each method sends one request record and completes with the reply, or fails with
 * the {@link io.vertx.core.eventbus.ReplyException} the store answered (failure code: the
 * HTTP status; message: the API's error JSON). Requests carry {@code token}, when given, in the
 * {@code authorization} header.
 */
public final class StoreClient {

  /** How long a request waits for its reply, in milliseconds (imports read whole files). */
  public static final long TIMEOUT_MS = 300_000;

  /**
   * The store is asked to give up this much earlier than the client stops waiting
   * ({@code request-timeout} header), so that work the client no longer waits for is not done.
   */
  static final long GRACE_MS = 5_000;

  private final Vertx vertx;
  private final DeliveryOptions options;

  /** A client acting as the anonymous caller. */
  public StoreClient(Vertx vertx) {
    this(vertx, null);
  }

  /** A client whose requests carry {@code Bearer token}. */
  public StoreClient(Vertx vertx, String token) {
    this.vertx = vertx;
    this.options = new DeliveryOptions().setSendTimeout(TIMEOUT_MS)
        .addHeader(PublicAddresses.REQUEST_TIMEOUT, String.valueOf(TIMEOUT_MS - GRACE_MS));
    if (token != null) {
      options.addHeader(PublicAddresses.AUTHORIZATION, "Bearer " + token);
    }
  }

  /** {@link BusApi#PACKAGE_CREATE}: the new package. */
  public Future<JsonObject> createPackage(CreatePackage request) {
    return request(BusApi.PACKAGE_CREATE, request.toJson());
  }

  /** {@link BusApi#PACKAGE_GET}: the package with its files. */
  public Future<JsonObject> getPackage(String id) {
    return request(BusApi.PACKAGE_GET, new PackageId(id).toJson());
  }

  /** {@link BusApi#PACKAGE_FINALIZE}: the finalized package. */
  public Future<JsonObject> finalizePackage(String id) {
    return request(BusApi.PACKAGE_FINALIZE, new PackageId(id).toJson());
  }

  /** {@link BusApi#FILE_IMPORT}: the stored file's record. */
  public Future<JsonObject> importFile(ImportFile request) {
    return request(BusApi.FILE_IMPORT, request.toJson());
  }

  /** {@link BusApi#FILE_ADD_BY_DIGEST}: the added file's record. */
  public Future<JsonObject> addByDigest(AddByDigest request) {
    return request(BusApi.FILE_ADD_BY_DIGEST, request.toJson());
  }

  /** {@link BusApi#PACKAGE_LIST}: one page, {@code {items, next_cursor}}. */
  public Future<JsonObject> listPackages(ListPackages request) {
    return request(BusApi.PACKAGE_LIST, request.toJson());
  }

  /** {@link BusApi#PACKAGE_MANIFEST}: {@code {manifest_digest, manifest}}. */
  public Future<JsonObject> manifest(String id) {
    return request(BusApi.PACKAGE_MANIFEST, new PackageId(id).toJson());
  }

  /** {@link BusApi#EVENTS_SINCE}: {@code {events, next_after, head}}. */
  public Future<JsonObject> eventsSince(EventsSince request) {
    return request(BusApi.EVENTS_SINCE, request.toJson());
  }

  /**
   * Calls {@code handler} with every notification published from now on ({@link BusApi#EVENTS});
   * the returned consumer's {@code completion()} tells when it is registered.
   */
  public MessageConsumer<JsonObject> onEvent(Handler<EventNotification> handler) {
    return vertx.eventBus().consumer(BusApi.EVENTS,
        m -> handler.handle(EventNotification.fromJson(m.body())));
  }

  private Future<JsonObject> request(String address, JsonObject body) {
    return vertx.eventBus().<JsonObject>request(address, body, options).map(m -> m.body());
  }
}
