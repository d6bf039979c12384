package io.artifactstore.registry;

import io.artifactstore.bus.Addresses;
import io.artifactstore.bus.Bus;
import io.artifactstore.attestations.SigningKeys;
import io.artifactstore.config.AppConfig;
import io.artifactstore.db.Database;
import io.artifactstore.events.EventLog;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;
import java.time.Clock;

/**
 * The control plane's registry: owns the metadata database and the event log, and answers the
 * {@code registry.*} addresses. It never sees file bytes, only references to them.
 */
public final class RegistryVerticle extends VerticleBase {

  private final AppConfig config;
  private final SigningKeys signingKeys;
  private final Clock clock;
  private final Database db;

  /** How often the database is probed while it is unavailable. */
  static final long OUTAGE_PROBE_MS = 2000;

  /** {@code db} is shared by the control-plane verticles and closed by their owner. */
  public RegistryVerticle(AppConfig config, Clock clock, Database db) {
    this(config, clock, db, null);
  }

  /** {@code signingKeys}: the keys that sign manifests at finalize; null: unsigned. */
  public RegistryVerticle(AppConfig config, Clock clock, Database db, SigningKeys signingKeys) {
    this.signingKeys = signingKeys;
    this.config = config;
    this.clock = clock;
    this.db = db;
  }

  @Override
  public Future<?> start() {
    RegistryService registry = new RegistryService(new EventLog(db, clock), config,
        signingKeys);
    AttestationRegistry attestations = new AttestationRegistry(registry, db,
        config.attestations());
    // During an outage the database is probed, so that it is seen back without traffic.
    vertx.setPeriodic(OUTAGE_PROBE_MS, t -> {
      if (!db.availability().up()) {
        db.availability().observe(db.query("SELECT 1"));
      }
    });
    return registry.defineRetentionClasses().compose(v -> Future.all(java.util.List.of(
        serve(Addresses.PACKAGE_CREATE, registry::createPackage).completion(),
        serve(Addresses.PACKAGE_GET, m -> registry.getPackage(m.getString("id")))
            .completion(),
        serve(Addresses.PACKAGE_LIST, registry::listPackages).completion(),
        serve(Addresses.PACKAGE_PRODUCER, m -> registry.producerOf(m.getString("id")))
            .completion(),
        serve(Addresses.BLOB_PRODUCERS, m -> registry.producersOf(m.getString("sha256")))
            .completion(),
        serve(Addresses.BLOB_SIZE_HELD, m -> registry.mayHold(m.getLong("size"),
            m.getString("head_sha256")))
            .completion(),
        serve(Addresses.PACKAGE_FINALIZE,
            m -> registry.finalizePackage(m.getString("id"), m))
            .completion(),
        serve(Addresses.PACKAGE_MANIFEST, m -> registry.manifest(m.getString("id")))
            .completion(),
        serve(Addresses.FILE_PREPARE, registry::prepareFile).completion(),
        serve(Addresses.FILE_COMMIT, registry::commitFile).completion(),
        serve(Addresses.FILE_ADD_BY_DIGEST, registry::addByDigest).completion(),
        serve(Addresses.STATS, m -> registry.stats()).completion(),
        serve(Addresses.FILE_GET,
            m -> registry.getFile(m.getString("package"), m.getString("path"))).completion(),
        serve(Addresses.BLOB_LOCATE,
            m -> registry.locateBlob(m.getString("algorithm"), m.getString("hex"))).completion(),
        serve(Addresses.ATTESTATION_RECORD, attestations::record).completion(),
        serve(Addresses.SIGNING_KEYS, m -> Future.succeededFuture(new JsonObject().put("keys",
            signingKeys == null ? new io.vertx.core.json.JsonArray() : signingKeys.published())))
            .completion(),
        serve(Addresses.REGISTRY_HEALTH, m -> registry.health()).completion())));
  }

  /** Serves {@code address}; database outages become {@code database_unavailable}. */
  private MessageConsumer<JsonObject> serve(String address,
      Function<JsonObject, Future<?>> handler) {
    return Bus.serve(vertx, address, m -> db.availability().observe(handler.apply(m)));
  }
}
