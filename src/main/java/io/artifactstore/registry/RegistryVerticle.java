package io.artifactstore.registry;

import io.artifactstore.bus.Addresses;
import io.artifactstore.bus.Bus;
import io.artifactstore.bus.CacheInvalidation;
import io.artifactstore.config.AppConfig;
import io.artifactstore.db.Database;
import io.artifactstore.events.EventLog;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.time.Clock;

/**
 * The control plane's registry: owns the metadata database and the event log, and answers the
 * {@code registry.*} addresses. It never sees file bytes, only references to them.
 */
public final class RegistryVerticle extends VerticleBase {

  private final AppConfig config;
  private final Clock clock;
  private final Database db;

  /** {@code db} is shared by the control-plane verticles and closed by their owner. */
  public RegistryVerticle(AppConfig config, Clock clock, Database db) {
    this.config = config;
    this.clock = clock;
    this.db = db;
  }

  @Override
  public Future<?> start() {
    RegistryService registry = new RegistryService(new EventLog(db, clock), config);
    return registry.defineRetentionClasses().compose(v -> Future.all(java.util.List.of(
        Bus.serve(vertx, Addresses.PACKAGE_CREATE, registry::createPackage).completion(),
        Bus.serve(vertx, Addresses.PACKAGE_GET, m -> registry.getPackage(m.getString("id")))
            .completion(),
        Bus.serve(vertx, Addresses.PACKAGE_LIST, registry::listPackages).completion(),
        Bus.serve(vertx, Addresses.PACKAGE_FINALIZE,
            m -> registry.finalizePackage(m.getString("id"), m).onSuccess(this::changed))
            .completion(),
        Bus.serve(vertx, Addresses.PACKAGE_MANIFEST, m -> registry.manifest(m.getString("id")))
            .completion(),
        Bus.serve(vertx, Addresses.FILE_PREPARE, registry::prepareFile).completion(),
        Bus.serve(vertx, Addresses.FILE_COMMIT, registry::commitFile).completion(),
        Bus.serve(vertx, Addresses.FILE_ADD_BY_DIGEST, registry::addByDigest).completion(),
        Bus.serve(vertx, Addresses.STATS, m -> registry.stats()).completion(),
        Bus.serve(vertx, Addresses.FILE_GET,
            m -> registry.getFile(m.getString("package"), m.getString("path"))).completion(),
        Bus.serve(vertx, Addresses.BLOB_LOCATE,
            m -> registry.locateBlob(m.getString("algorithm"), m.getString("hex"))).completion(),
        Bus.serve(vertx, Addresses.REGISTRY_HEALTH, m -> registry.health()).completion())));
  }

  /** Tells whoever caches file references to drop what they hold of the package. */
  private void changed(JsonObject pkg) {
    vertx.eventBus().publish(Addresses.CACHE_INVALIDATE,
        CacheInvalidation.ofPackage(pkg.getString("id")).toJson());
  }
}
