package io.artifactstore.attestations;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The public keys whose DSSE signatures the store trusts ({@code attestations.trusted_keys}),
 * each under a key id: Ed25519 (RFC 8032), ECDSA P-256 with SHA-256 (DER or IEEE P1363
 * {@code r||s} signatures) and RSA with SHA-256 (PKCS #1 v1.5 or PSS with MGF1-SHA-256 and a
 * 32-byte or maximal salt, as securesystemslib signs). Keys are PEM {@code PUBLIC KEY}
 * (SubjectPublicKeyInfo, RFC 7468) files.
 *
 * <p>A signature is checked over the DSSE pre-authentication encoding ({@link Dsse#pae}) with
 * the key its {@code keyid} names, or, when the envelope names no trusted key id, with each
 * trusted key in turn.
 */
public final class TrustedKeys {

  /** The outcome of checking one signature. */
  public record Verdict(String keyid, String verifiedBy, String reason) {
    public boolean verified() {
      return verifiedBy != null;
    }
  }

  private final Map<String, PublicKey> keys;

  public TrustedKeys(Map<String, PublicKey> keys) {
    this.keys = Map.copyOf(keys);
  }

  /** No trusted keys. */
  public static TrustedKeys none() {
    return new TrustedKeys(Map.of());
  }

  public boolean isEmpty() {
    return keys.isEmpty();
  }

  /** The key ids, in no particular order. */
  public java.util.Set<String> ids() {
    return keys.keySet();
  }

  /**
   * Reads {@code files} (key id to PEM file). {@link IllegalArgumentException} naming the key id
   * when a file cannot be read or holds no supported public key.
   */
  public static TrustedKeys load(Map<String, Path> files) {
    Map<String, PublicKey> keys = new LinkedHashMap<>();
    for (Map.Entry<String, Path> e : files.entrySet()) {
      try {
        PublicKey key = parsePem(Files.readString(e.getValue(), StandardCharsets.US_ASCII));
        if (key instanceof ECPublicKey ec && ec.getParams().getCurve().getField()
            .getFieldSize() != 256) {
          throw new IllegalArgumentException("an EC key must be on P-256");
        }
        if (key instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() < 2048) {
          throw new IllegalArgumentException("an RSA key must have at least 2048 bits");
        }
        keys.put(e.getKey(), key);
      } catch (IOException | GeneralSecurityException | IllegalArgumentException x) {
        throw new IllegalArgumentException("key '" + e.getKey() + "' (" + e.getValue()
            + "): not a PEM public key of type Ed25519, EC P-256 or RSA (" + x.getMessage() + ")");
      }
    }
    return new TrustedKeys(keys);
  }

  /** A PEM {@code PUBLIC KEY} block: Ed25519, EC or RSA. */
  public static PublicKey parsePem(String pem) throws GeneralSecurityException {
    int begin = pem.indexOf("-----BEGIN PUBLIC KEY-----");
    int end = pem.indexOf("-----END PUBLIC KEY-----");
    if (begin < 0 || end < begin) {
      throw new IllegalArgumentException("no '-----BEGIN PUBLIC KEY-----' block");
    }
    String body = pem.substring(begin + "-----BEGIN PUBLIC KEY-----".length(), end)
        .replaceAll("\\s", "");
    X509EncodedKeySpec spec = new X509EncodedKeySpec(Base64.getDecoder().decode(body));
    for (String algorithm : List.of("Ed25519", "EC", "RSA")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePublic(spec);
      } catch (GeneralSecurityException tryNext) {
        // the next algorithm
      }
    }
    throw new GeneralSecurityException("unsupported key algorithm");
  }

  /** Checks each of {@code signatures} over PAE({@code payloadType}, {@code payload}). */
  public List<Verdict> verify(String payloadType, byte[] payload,
      List<ScannedDocument.EnvelopeSignature> signatures) {
    byte[] pae = Dsse.pae(payloadType, payload);
    List<Verdict> verdicts = new ArrayList<>();
    for (ScannedDocument.EnvelopeSignature s : signatures) {
      verdicts.add(verify(pae, s));
    }
    return verdicts;
  }

  private Verdict verify(byte[] pae, ScannedDocument.EnvelopeSignature s) {
    if (keys.isEmpty()) {
      return new Verdict(s.keyid(), null, "no trusted keys are configured");
    }
    PublicKey named = keys.get(s.keyid());
    if (named != null) {
      return verifies(named, pae, s.sig()) ? new Verdict(s.keyid(), s.keyid(), null)
          : new Verdict(s.keyid(), null, "the signature does not verify with trusted key '"
              + s.keyid() + "'");
    }
    for (Map.Entry<String, PublicKey> k : keys.entrySet()) {
      if (verifies(k.getValue(), pae, s.sig())) {
        return new Verdict(s.keyid(), k.getKey(), null);
      }
    }
    return new Verdict(s.keyid(), null, "no trusted key verifies it"
        + (s.keyid().isEmpty() ? "" : " (key id '" + s.keyid() + "' is not a trusted key's)"));
  }

  static boolean verifies(PublicKey key, byte[] data, byte[] sig) {
    try {
      if (key instanceof RSAPublicKey rsa) {
        int modulusBytes = (rsa.getModulus().bitLength() + 7) / 8;
        if (sig.length != modulusBytes) {
          return false; // cannot be this key's: not worth hashing the payload
        }
        return check(Signature.getInstance("SHA256withRSA"), null, key, data, sig)
            || check(Signature.getInstance("RSASSA-PSS"), pss(32), key, data, sig)
            || check(Signature.getInstance("RSASSA-PSS"), pss(modulusBytes - 32 - 2), key, data,
                sig);
      }
      if (key instanceof ECPublicKey ec) {
        if (sig.length > 72) {
          return false;
        }
        return check(Signature.getInstance("SHA256withECDSA"), null, key, data, sig)
            || (sig.length == 64
                && check(Signature.getInstance("SHA256withECDSAinP1363Format"), null, key,
                    data, sig));
      }
      return sig.length == 64 && check(Signature.getInstance("Ed25519"), null, key, data, sig);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static PSSParameterSpec pss(int saltLength) {
    return new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, saltLength, 1);
  }

  private static boolean check(Signature verifier, PSSParameterSpec params, PublicKey key,
      byte[] data, byte[] sig) {
    try {
      if (params != null) {
        verifier.setParameter(params);
      }
      verifier.initVerify(key);
      verifier.update(data);
      return verifier.verify(sig);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }
}
