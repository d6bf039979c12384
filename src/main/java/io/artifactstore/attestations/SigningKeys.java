package io.artifactstore.attestations;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.logging.Logger;

/**
 * The server's keys for signing package manifests ({@code attestations.signing_keys_file}): one
 * key per line, {@code <key id> ed25519 <base64 PKCS#8 private key> <base64 SubjectPublicKeyInfo>};
 * the first signs, every one is published ({@code GET /v1/keys}) so that an envelope signed by a
 * retired key still verifies. Created with one new Ed25519 key (mode 600) when missing;
 * {@link #rotate} puts a new key first.
 */
public final class SigningKeys {

  private static final Logger LOG = Logger.getLogger(SigningKeys.class.getName());

  /** One key of the file. */
  public record Key(String id, PrivateKey privateKey, PublicKey publicKey) {}

  private final List<Key> keys;

  private SigningKeys(List<Key> keys) {
    this.keys = List.copyOf(keys);
  }

  /**
   * The keys in {@code file}, created with one new key when missing. {@link IOException} when it
   * cannot be read or written; {@link IllegalArgumentException} naming the line of a malformed
   * file.
   */
  public static SigningKeys load(Path file, Clock clock) throws IOException {
    if (!Files.exists(file)) {
      write(file, List.of(line(generate(clock))));
      LOG.info("created the manifest-signing key file " + file);
    }
    List<Key> keys = new ArrayList<>();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).trim();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      keys.add(parse(file, i + 1, line));
    }
    if (keys.isEmpty()) {
      throw new IllegalArgumentException(file + " holds no key");
    }
    return new SigningKeys(keys);
  }

  /**
   * Puts a new Ed25519 key first in {@code file} (created if missing): it signs from the next
   * start on; the others stay, retired, to verify what they signed. Answers the new key's id.
   */
  public static String rotate(Path file, Clock clock) throws IOException {
    List<String> lines = new ArrayList<>();
    if (Files.exists(file)) {
      for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (!l.isBlank() && !l.trim().startsWith("#")) {
          lines.add(l.trim());
        }
      }
    }
    Key key = generate(clock);
    for (String l : lines) {
      if (l.startsWith(key.id() + " ")) {
        throw new IllegalStateException("a key named " + key.id() + " exists already");
      }
    }
    lines.add(0, line(key));
    write(file, lines);
    return key.id();
  }

  private static Key parse(Path file, int number, String line) {
    String[] parts = line.split("\\s+");
    try {
      if (parts.length != 4 || !parts[0].matches("[A-Za-z0-9._-]{1,64}")
          || !parts[1].equals("ed25519")) {
        throw new IllegalArgumentException("bad form");
      }
      KeyFactory kf = KeyFactory.getInstance("Ed25519");
      PrivateKey priv = kf.generatePrivate(new PKCS8EncodedKeySpec(
          Base64.getDecoder().decode(parts[2])));
      PublicKey pub = kf.generatePublic(new X509EncodedKeySpec(
          Base64.getDecoder().decode(parts[3])));
      Key key = new Key(parts[0], priv, pub);
      byte[] probe = "artifact-store signing key check".getBytes(StandardCharsets.US_ASCII);
      if (!TrustedKeys.verifies(pub, probe, sign(key, probe))) {
        throw new IllegalArgumentException("the public key is not the private key's");
      }
      return key;
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException(file + " line " + number + ": expected '<key id> "
          + "ed25519 <base64 PKCS#8 private key> <base64 public key>' (" + e.getMessage() + ")");
    }
  }

  private static Key generate(Clock clock) {
    try {
      KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
      byte[] tag = new byte[3];
      new java.security.SecureRandom().nextBytes(tag);
      String id = "m" + DateTimeFormatter.ofPattern("yyyyMMdd")
          .format(clock.instant().atZone(ZoneOffset.UTC)) + "-"
          + java.util.HexFormat.of().formatHex(tag);
      return new Key(id, pair.getPrivate(), pair.getPublic());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String line(Key key) {
    return key.id() + " ed25519 "
        + Base64.getEncoder().encodeToString(key.privateKey().getEncoded()) + " "
        + Base64.getEncoder().encodeToString(key.publicKey().getEncoded());
  }

  private static void write(Path file, List<String> lines) throws IOException {
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    String text = "# artifact-store manifest-signing keys: '<id> ed25519 <private> <public>' per "
        + "line; the first signs, all are published (docs/attestations.md)\n"
        + String.join("\n", lines) + "\n";
    // Written beside it, then moved over it: a crash leaves the old file or the new one whole,
    // never a file without the keys. Created with its mode: never readable by others.
    Path tmp = file.resolveSibling(file.getFileName() + ".new");
    Files.deleteIfExists(tmp);
    try {
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(
          PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(tmp);
    }
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(tmp,
        StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
      ch.force(true);
    }
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  private static byte[] sign(Key key, byte[] data) {
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(key.privateKey());
      s.update(data);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The key that signs. */
  public String currentId() {
    return keys.get(0).id();
  }

  /**
   * A DSSE envelope of {@code payload} ({@code payloadType}) signed by the current key over the
   * pre-authentication encoding: {@code {payloadType, payload, signatures: [{keyid, sig}]}},
   * compact JSON.
   */
  public String envelope(String payloadType, byte[] payload) {
    Key key = keys.get(0);
    byte[] sig = sign(key, Dsse.pae(payloadType, payload));
    return new JsonObject().put("payloadType", payloadType)
        .put("payload", Base64.getEncoder().encodeToString(payload))
        .put("signatures", new JsonArray().add(new JsonObject().put("keyid", key.id())
            .put("sig", Base64.getEncoder().encodeToString(sig)))).encode();
  }

  /**
   * The published keys, current first: {@code [{keyid, algorithm, public_key (PEM), current}]}.
   */
  public JsonArray published() {
    JsonArray out = new JsonArray();
    for (int i = 0; i < keys.size(); i++) {
      Key k = keys.get(i);
      String pem = "-----BEGIN PUBLIC KEY-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
              .encodeToString(k.publicKey().getEncoded())
          + "\n-----END PUBLIC KEY-----\n";
      out.add(new JsonObject().put("keyid", k.id()).put("algorithm", "ed25519")
          .put("public_key", pem).put("current", i == 0));
    }
    return out;
  }
}
