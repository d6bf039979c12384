package io.artifactstore.dataplane;

import io.artifactstore.attestations.AttestationIndex;
import io.artifactstore.attestations.DocumentScanner;
import io.artifactstore.attestations.Gitoid;
import io.artifactstore.attestations.ScannedDocument;
import io.artifactstore.attestations.TrustedKeys;
import io.artifactstore.bus.Addresses;
import io.artifactstore.bus.Bus;
import io.artifactstore.config.AppConfig;
import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;
import java.util.List;

/**
 * Attestation uploads (Archivista's {@code POST /upload}): the body streams into storage through
 * the data plane's one pass of SHA-256 and BLAKE3, and on its way through the gitoid's SHA-256
 * ({@link Gitoid}) and a JSON scanner ({@link DocumentScanner}). At its end, before anything is
 * committed, the document is classified, every DSSE signature is checked against the trusted
 * keys, and the policy ({@code attestations.require_trusted_signature}) applied; a body refused
 * then (not JSON, a broken envelope, no trusted signature) is cancelled and leaves nothing. The
 * content and its index go to the registry ({@code registry.attestation.record}), which keeps
 * it in a package of its own, or answers the existing one for the same bytes.
 */
public final class AttestationUploads {

  private final Vertx vertx;
  private final Uploads uploads;
  private final AppConfig.Attestations config;
  private final TrustedKeys keys;
  /** Bytes of the attestation uploads being read now, and the most there may be. */
  private final java.util.concurrent.atomic.AtomicLong inFlight =
      new java.util.concurrent.atomic.AtomicLong();
  private final long budget;

  public AttestationUploads(Vertx vertx, Uploads uploads, AppConfig.Attestations config) {
    this.vertx = vertx;
    this.uploads = uploads;
    this.config = config;
    this.keys = TrustedKeys.load(config.trustedKeys());
    this.budget = Math.max(BUDGET, config.maxBytes());
  }

  /**
   * The bytes of attestation uploads read at once, unless one upload may be larger
   * ({@code attestations.max_bytes}): one such upload is always let through alone.
   */
  static final long BUDGET = 8L << 20;

  /**
   * Stores the attestation {@code body} (paused) of {@code contentLength} bytes (the gitoid needs
   * the length first) and answers {@code {gitoid, package_id, created}}. {@code attachedTo}
   * names the package the attestation is about, or null. Failures, as {@link ApiException}s:
   * {@code body_too_large} (more than {@code attestations.max_bytes}), {@code too_many_uploads}
   * (the uploads in flight fill the memory budget, {@value #BUDGET} bytes or max_bytes),
   * {@code invalid_json},
   * {@code invalid_envelope}, {@code signature_not_trusted}, and those of any upload
   * ({@code too_many_uploads}, {@code request_timeout}, storage faults); nothing is stored then.
   */
  public Future<JsonObject> store(ReadStream<Buffer> body, long contentLength, String actor,
      String claimedActor, String attachedTo, Future<Void> abandoned, Runnable accepted) {
    if (attachedTo == null) {
      return store(body, contentLength, actor, claimedActor, null, null, abandoned, accepted);
    }
    // What the attestation may be about: the package's manifest or one of its files.
    return Bus.<JsonObject>request(vertx, Addresses.PACKAGE_GET,
            new JsonObject().put("id", attachedTo))
        .compose(pkg -> {
          if ("deleted".equals(pkg.getString("status"))
              || "failed".equals(pkg.getString("status"))) {
            return Future.failedFuture(new ApiException(ErrorCode.PACKAGE_NOT_WRITABLE,
                "package " + attachedTo + " is " + pkg.getString("status")));
          }
          java.util.Set<String> about = new java.util.HashSet<>();
          String manifest = pkg.getString("manifest_digest");
          if (manifest != null) {
            about.add(manifest.substring(manifest.indexOf(':') + 1));
          }
          pkg.getJsonArray("files", new io.vertx.core.json.JsonArray())
              .forEach(f -> about.add(((JsonObject) f).getString("sha256")));
          return store(body, contentLength, actor, claimedActor, attachedTo, about, abandoned,
              accepted);
        });
  }

  private Future<JsonObject> store(ReadStream<Buffer> body, long contentLength, String actor,
      String claimedActor, String attachedTo, java.util.Set<String> about,
      Future<Void> abandoned, Runnable accepted) {
    if (contentLength > config.maxBytes()) {
      return Future.failedFuture(new ApiException(ErrorCode.BODY_TOO_LARGE, "the attestation is "
          + contentLength + " bytes; the limit is " + config.maxBytes()
          + " (attestations.max_bytes)"));
    }
    // Parsing holds up to a few times the document in memory (the payload as text, decoded,
    // scanned): uploads in flight share a budget, so that they cannot exhaust the heap.
    long reserved = Math.max(contentLength, 1);
    if (inFlight.addAndGet(reserved) > budget && inFlight.get() != reserved) {
      inFlight.addAndGet(-reserved);
      return Future.failedFuture(new ApiException(ErrorCode.TOO_MANY_UPLOADS, "attestation "
          + "uploads in flight fill their memory budget (" + budget + " bytes); retry"));
    }
    Gitoid gitoid = new Gitoid(contentLength);
    DocumentScanner scanner = new DocumentScanner(config.maxBytes());
    JsonObject[] index = new JsonObject[1];
    String[] id = new String[1];
    TappedStream tapped = new TappedStream(body, new TappedStream.Tap() {
      @Override
      public void chunk(Buffer chunk) {
        byte[] bytes = chunk.getBytes();
        gitoid.update(bytes, 0, bytes.length);
        scanner.feed(bytes, 0, bytes.length);
      }

      @Override
      public void end() {
        try {
          id[0] = gitoid.finish();
        } catch (IllegalStateException e) {
          throw new ApiException(ErrorCode.INVALID_REQUEST, "the body is not the "
              + contentLength + " bytes its Content-Length announced; nothing was stored");
        }
        ScannedDocument document = scanner.finish();
        if (about != null) {
          requireAbout(document, about, attachedTo);
        }
        index[0] = judge(document);
      }
    });
    return uploads.storeContent(config.retentionClass(), tapped, abandoned, accepted)
        .onComplete(done -> inFlight.addAndGet(-reserved))
        .compose(stored -> Bus.<JsonObject>request(vertx, Addresses.ATTESTATION_RECORD,
            new JsonObject().put("gitoid", id[0])
                .put("sha256", stored.digests().sha256Hex())
                .put("blake3", stored.digests().blake3Hex())
                .put("head_sha256", stored.digests().headSha256Hex())
                .put("size", stored.digests().size())
                .put("backend", stored.backend())
                .put("location", stored.key().relativePath())
                .put("lease_id", stored.leaseId())
                .put("actor", actor).put("claimed_actor", claimedActor)
                .put("attached_to", attachedTo)
                .put("index", index[0])));
  }

  /**
   * An attestation attached to a package must be a signed envelope whose Statement names the
   * package's manifest digest or one of its files' SHA-256 as a subject's {@code sha256}.
   */
  private static void requireAbout(ScannedDocument document, java.util.Set<String> about,
      String packageId) {
    if (document.payload() == null || document.statement() == null) {
      throw new ApiException(ErrorCode.ATTESTATION_NOT_ABOUT_PACKAGE, "an attestation attached "
          + "to a package is a DSSE envelope (or Sigstore bundle) of an in-toto Statement; "
          + "nothing was stored");
    }
    boolean names = document.statement().subjects().stream()
        .anyMatch(s -> about.contains(s.digests().get("sha256")));
    if (!names) {
      throw new ApiException(ErrorCode.ATTESTATION_NOT_ABOUT_PACKAGE, "no subject of the "
          + "Statement has the sha256 of package " + packageId + "'s manifest or of one of its "
          + "files; nothing was stored");
    }
  }

  /** The index of {@code document}, its signatures checked; refused under the policy. */
  private JsonObject judge(ScannedDocument document) {
    List<TrustedKeys.Verdict> verdicts = document.payload() == null ? List.of()
        : keys.verify(document.payloadType(), document.payload(), document.signatures());
    if (config.requireTrustedSignature()
        && verdicts.stream().noneMatch(TrustedKeys.Verdict::verified)) {
      String why = document.payload() == null
          ? "the body is not a DSSE envelope or Sigstore bundle, so it carries no signature"
          : verdicts.isEmpty() ? "the envelope has no signature"
              : String.join("; ", verdicts.stream().map(TrustedKeys.Verdict::reason).toList());
      throw new ApiException(ErrorCode.SIGNATURE_NOT_TRUSTED, "this server accepts only "
          + "attestations signed by a trusted key (" + why + "); nothing was stored");
    }
    return AttestationIndex.of(document, verdicts);
  }
}
