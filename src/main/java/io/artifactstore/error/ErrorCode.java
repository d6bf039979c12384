package io.artifactstore.error;

/**
 * The error catalogue: every error a client can see, with its machine-readable code and HTTP
 * status. Handlers fail only with one of these; one renderer turns them into
 * {@code {"error":{"code":"...","message":"..."}}}.
 */
public enum ErrorCode {
  INVALID_JSON(400, "the request body is not valid JSON"),
  INVALID_REQUEST(400, "the request is missing a field or has a field of the wrong type"),
  INVALID_PARAMETER(400, "a query parameter is invalid"),
  INVALID_PATH(400, "the logical file path is not allowed"),
  INVALID_DIGEST_HEADER(400, "a digest header is malformed"),
  DIGEST_MISMATCH(400, "the content does not match the digest the client sent"),
  SIZE_MISMATCH(400, "the server holds that content with another size"),
  INVALID_ENVELOPE(400, "the DSSE envelope has a field missing, of the wrong type or not base64"),
  INVALID_GITOID(400, "a gitoid is 64 lowercase hex digits"),
  INVALID_RANGE(400, "the Range header is malformed"),
  UNKNOWN_RETENTION_CLASS(400, "no such retention class"),
  UNSUPPORTED_FORMAT(400, "the requested format is not supported"),
  INVALID_AUTHORIZATION(400, "the Authorization header is malformed"),
  UNAUTHENTICATED(401, "this request needs credentials: an API token or an OIDC token as "
      + "'Authorization: Bearer'"),
  INVALID_TOKEN(401, "the bearer token is unknown, expired, revoked or not valid"),
  FORBIDDEN(403, "the caller's roles do not allow this request"),
  /**
   * Event bus only: the path named for import is not an absolute path to a regular file under
   * {@code integration.import_roots} (or has {@code ..} segments, or importing is off).
   */
  IMPORT_PATH_REFUSED(403, "the path is not under an import root"),
  PRODUCER_NOT_IN_SCOPE(403, "the caller may not act for this package's producer"),
  LINK_INVALID(403, "the download link is altered, expired or not for this request"),
  CROSS_ORIGIN_REFUSED(403, "a state-changing request from another origin is refused"),
  PACKAGE_NOT_FOUND(404, "no such package"),
  TOKEN_NOT_FOUND(404, "no such API token"),
  FILE_NOT_FOUND(404, "no such file in the package"),
  /** Event bus only: the file a co-deployed service named for import does not exist. */
  IMPORT_FILE_MISSING(404, "the file named for import does not exist"),
  ATTESTATION_NOT_FOUND(404, "no attestation with that gitoid"),
  MANIFEST_NOT_SIGNED(404, "the package was finalized without a signing key"),
  BLOB_NOT_FOUND(404, "no blob with that digest"),
  NOT_FOUND(404, "no such resource"),
  METHOD_NOT_ALLOWED(405, "method not allowed on this resource"),
  FILE_EXISTS(409, "a file with that path already exists in the package"),
  /** Event bus only: the file named for import changed (size or time) while it was read. */
  IMPORT_FILE_CHANGED(409, "the file changed while it was imported; nothing was stored"),
  PACKAGE_FINALIZED(409, "the package is finalized and cannot change"),
  PACKAGE_NOT_WRITABLE(409, "the package no longer accepts files"),
  PACKAGE_NOT_FINALIZED(409, "the package is not finalized yet"),
  PACKAGE_NOT_ELIGIBLE(409, "the package is kept by retention or a hold and cannot be deleted"),
  RETENTION_SHORTENING_REFUSED(409, "retention can be extended, never shortened"),
  HOLD_NOT_FOUND(404, "no such hold on the package"),
  HOLD_ALREADY_RELEASED(409, "the hold is already released"),
  PACKAGE_DELETED(410, "the package was deleted"),
  PACKAGE_FAILED(410, "the package failed before it was finalized; its files are not kept"),
  CONTENT_MISSING(410, "the content was lost from storage and is recorded as missing; "
      + "sending the same bytes again restores it"),
  PRECONDITION_FAILED(412, "a precondition of the request does not hold"),
  REQUEST_TIMEOUT(408, "the request body arrived too slowly or stopped arriving"),
  BODY_TOO_LARGE(413, "the request body is too large"),
  METADATA_TOO_LARGE(413, "the package metadata is too large"),
  FILE_TOO_LARGE(413, "the file is larger than the configured limit"),
  LENGTH_REQUIRED(411, "the request needs a Content-Length"),
  URI_TOO_LONG(414, "the request target is longer than the server accepts"),
  UNSUPPORTED_MEDIA_TYPE(415, "the request body must be application/json"),
  RANGE_NOT_SATISFIABLE(416, "the range does not overlap the content"),
  EXPECTATION_FAILED(417, "the expectation in the Expect field cannot be met"),
  MISDIRECTED_REQUEST(421, "the Host is not one this server answers for"),
  ATTESTATION_NOT_ABOUT_PACKAGE(422, "the attestation names neither the package's manifest "
      + "nor one of its files as a subject"),
  SIGNATURE_NOT_TRUSTED(422, "no signature of the envelope verifies with a trusted key"),
  TOO_MANY_REQUESTS(429, "the caller sends requests faster than its limit; retry", 1),
  TOO_MANY_UPLOADS_FOR_CALLER(429, "the caller runs as many uploads as it may; retry", 1),
  HEADER_FIELDS_TOO_LARGE(431, "the request's header fields are larger than the server accepts"),
  STORAGE_UNAVAILABLE(503, "the storage backend is unavailable", 5),
  BLOB_BUSY(503, "the content is being reclaimed; retry", 1),
  DATABASE_UNAVAILABLE(503, "the database is unavailable", 5),
  OIDC_UNAVAILABLE(503, "the OIDC issuer's signing keys cannot be fetched", 5),
  TOO_MANY_UPLOADS(503, "the server is running as many uploads as it takes; retry", 1),
  INTEGRITY_CHECK_RUNNING(503, "an integrity check is running; retry when it is done", 60),
  INSUFFICIENT_STORAGE(507, "the storage backend has no room left for the content"),
  INTERNAL_ERROR(500, "an internal error occurred");

  private final int status;
  private final String defaultMessage;
  private final int retryAfterSeconds;

  ErrorCode(int status, String defaultMessage) {
    this(status, defaultMessage, 0);
  }

  ErrorCode(int status, String defaultMessage, int retryAfterSeconds) {
    this.status = status;
    this.defaultMessage = defaultMessage;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /**
   * Seconds a client should wait before it tries again, sent as {@code Retry-After} (RFC 9110
   * section 10.2.3); 0 when the error is not one that waiting cures.
   */
  public int retryAfterSeconds() {
    return retryAfterSeconds;
  }

  /** The wire code, such as {@code package_not_found}. */
  public String code() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public int status() {
    return status;
  }

  public String defaultMessage() {
    return defaultMessage;
  }

  /** The catalogued error with this wire code, or {@link #INTERNAL_ERROR}. */
  public static ErrorCode fromCode(String code) {
    for (ErrorCode c : values()) {
      if (c.code().equals(code)) {
        return c;
      }
    }
    return INTERNAL_ERROR;
  }
}
