package io.artifactstore.security;

import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Download links that need no credentials, as S3 presigned GETs: the URL of a file with
 * {@code expires} (epoch seconds), {@code key} (the signing key's id) and {@code signature}
 * (unpadded base64url HMAC-SHA256) appended to its query. What is signed is
 * {@code "artifact-store-link-v1\n" + path + "\n" + expires}, where path is the request path
 * exactly as sent (percent-encoding included); a link is good for GET and HEAD of that path
 * (so for ranges, conditionals and resumption) until it expires.
 *
 * <p>Keys live in a key file ({@code security.link_keys_file}), one per line as
 * {@code <id> <base64url secret of at least 32 bytes>}: the first signs, every one verifies,
 * so a key is rotated by putting a new first line and removing the old one once the links it
 * signed have expired. A missing file is created with one new key (mode 600).
 */
public final class LinkSigner {

  /** Query parameter names of a signed link. */
  public static final String EXPIRES = "expires";
  public static final String KEY = "key";
  public static final String SIGNATURE = "signature";
  /** The query parameters a link adds. */
  public static final Set<String> PARAMETERS = Set.of(EXPIRES, KEY, SIGNATURE);

  private static final Logger LOG = Logger.getLogger(LinkSigner.class.getName());
  private static final String CONTEXT = "artifact-store-link-v1\n";
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private final Map<String, byte[]> keys;
  private final String signingKey;
  private final Clock clock;

  private LinkSigner(Map<String, byte[]> keys, Clock clock) {
    this.keys = keys;
    this.signingKey = keys.keySet().iterator().next();
    this.clock = clock;
  }

  /**
   * The signer of the keys in {@code file}, created with one new key when missing.
   * {@link IllegalArgumentException} naming the line of a malformed file.
   */
  public static LinkSigner load(Path file, Clock clock) throws IOException {
    if (!Files.exists(file)) {
      create(file, clock);
    }
    Map<String, byte[]> keys = new LinkedHashMap<>();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).trim();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.split("\\s+");
      byte[] secret;
      try {
        secret = parts.length == 2 ? Base64.getUrlDecoder().decode(parts[1]) : new byte[0];
      } catch (IllegalArgumentException e) {
        secret = new byte[0];
      }
      if (!parts[0].matches("[A-Za-z0-9._-]{1,64}") || secret.length < 32) {
        throw new IllegalArgumentException(file + " line " + (i + 1) + ": expected '<key id> "
            + "<base64url secret of at least 32 bytes>'");
      }
      keys.put(parts[0], secret);
    }
    if (keys.isEmpty()) {
      throw new IllegalArgumentException(file + " holds no key");
    }
    return new LinkSigner(keys, clock);
  }

  private static void create(Path file, Clock clock) throws IOException {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    String id = "k" + LocalDate.now(clock.withZone(ZoneOffset.UTC)).toString().replace("-", "");
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    String text = "# artifact-store link-signing keys: '<id> <base64url secret>' per line; the "
        + "first signs, all verify (docs/security.md)\n" + id + " " + B64.encodeToString(secret)
        + "\n";
    try {
      // Created with its mode: the secret is never readable by others, not even for a moment.
      Files.createFile(file, PosixFilePermissions.asFileAttribute(
          PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: the file gets the default permissions
      Files.createFile(file);
    }
    Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.WRITE);
    LOG.info("created the link-signing key file " + file + " with key " + id);
  }

  /**
   * The query that makes {@code path} (a request path as clients will send it) a link until
   * {@code expiresAt} (epoch seconds): {@code expires=...&key=...&signature=...}.
   */
  public String sign(String path, long expiresAt) {
    return EXPIRES + "=" + expiresAt + "&" + KEY + "=" + signingKey + "&" + SIGNATURE + "="
        + B64.encodeToString(mac(keys.get(signingKey), path, expiresAt));
  }

  /**
   * Checks a request that carries a link's parameters: {@code method} GET or HEAD,
   * {@code path} as sent, {@code expires}, {@code key}, {@code signature} as given (any may be
   * null). The identity of the link, which may read exactly {@code path}; otherwise
   * {@code link_invalid} (403), without saying which part is wrong.
   */
  public Identity verify(String method, String path, String expires, String key,
      String signature) {
    long expiresAt;
    try {
      expiresAt = Long.parseLong(expires);
    } catch (NumberFormatException | NullPointerException e) {
      throw invalid();
    }
    byte[] secret = key == null ? null : keys.get(key);
    byte[] given;
    try {
      given = signature == null ? null : Base64.getUrlDecoder().decode(signature);
    } catch (IllegalArgumentException e) {
      given = null;
    }
    if (secret == null || given == null
        || !MessageDigest.isEqual(mac(secret, path, expiresAt), given)
        || !(method.equals("GET") || method.equals("HEAD"))
        || expiresAt * 1000 <= clock.millis()) {
      throw invalid();
    }
    return new Identity(Identity.Kind.LINK, key, path, Set.of(), ProducerScope.ANY,
        expiresAt * 1000);
  }

  private static ApiException invalid() {
    return new ApiException(ErrorCode.LINK_INVALID, "the download link is altered, expired or "
        + "not for this request; ask for a new one");
  }

  private static byte[] mac(byte[] secret, String path, long expiresAt) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return mac.doFinal((CONTEXT + path + "\n" + expiresAt).getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The ids of the keys, signing key first. */
  public List<String> keyIds() {
    return new ArrayList<>(keys.keySet());
  }
}
