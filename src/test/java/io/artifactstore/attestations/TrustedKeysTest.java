package io.artifactstore.attestations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.artifactstore.support.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signatures made by openssl over a DSSE pre-authentication encoding, with each kind of key
 * the configuration takes: Ed25519, ECDSA P-256 (DER), RSA PKCS #1 v1.5 and RSA-PSS.
 */
class TrustedKeysTest {

  @TempDir Path dir;

  private String[] openssl(String... args) throws Exception {
    String[] all = new String[args.length + 1];
    all[0] = "openssl";
    System.arraycopy(args, 0, all, 1, args.length);
    String[] r = Processes.run(dir, all);
    assertEquals("0", r[0], r[1]);
    return r;
  }

  /** A key made by openssl: its public PEM, and its signature of {@code data} by {@code how}. */
  private PublicKey key(String name, List<String> genpkey) throws Exception {
    List<String> gen = new java.util.ArrayList<>(List.of("genpkey", "-out", name + ".key"));
    gen.addAll(genpkey);
    openssl(gen.toArray(String[]::new));
    openssl("pkey", "-in", name + ".key", "-pubout", "-out", name + ".pem");
    return TrustedKeys.parsePem(Files.readString(dir.resolve(name + ".pem")));
  }

  @Test
  @DisplayName("Ed25519, ECDSA P-256, RSA PKCS#1 v1.5 and RSA-PSS signatures by openssl verify; a signature over other bytes does not")
  void eachKindOfKey() throws Exception {
    byte[] pae = Dsse.pae("application/vnd.in-toto+json", "{\"_type\":\"x\"}".getBytes());
    Files.write(dir.resolve("pae.bin"), pae);
    Files.write(dir.resolve("other.bin"), Dsse.pae("application/vnd.in-toto+json",
        "{\"_type\":\"y\"}".getBytes()));

    PublicKey ed = key("ed", List.of("-algorithm", "ed25519"));
    openssl("pkeyutl", "-sign", "-inkey", "ed.key", "-rawin", "-in", "pae.bin", "-out",
        "ed.sig");
    check(ed, "ed.sig");

    PublicKey ec = key("ec", List.of("-algorithm", "EC", "-pkeyopt",
        "ec_paramgen_curve:P-256"));
    openssl("dgst", "-sha256", "-sign", "ec.key", "-out", "ec.sig", "pae.bin");
    check(ec, "ec.sig");

    PublicKey rsa = key("rsa", List.of("-algorithm", "RSA", "-pkeyopt",
        "rsa_keygen_bits:2048"));
    openssl("dgst", "-sha256", "-sign", "rsa.key", "-out", "rsa.sig", "pae.bin");
    check(rsa, "rsa.sig");
    openssl("dgst", "-sha256", "-sign", "rsa.key", "-sigopt", "rsa_padding_mode:pss",
        "-sigopt", "rsa_pss_saltlen:32", "-out", "pss.sig", "pae.bin");
    check(rsa, "pss.sig");
    openssl("dgst", "-sha256", "-sign", "rsa.key", "-sigopt", "rsa_padding_mode:pss",
        "-sigopt", "rsa_pss_saltlen:max", "-out", "pssmax.sig", "pae.bin");
    check(rsa, "pssmax.sig");
  }

  private void check(PublicKey key, String signature) throws Exception {
    byte[] sig = Files.readAllBytes(dir.resolve(signature));
    assertTrue(TrustedKeys.verifies(key, Files.readAllBytes(dir.resolve("pae.bin")), sig),
        signature);
    assertFalse(TrustedKeys.verifies(key, Files.readAllBytes(dir.resolve("other.bin")), sig),
        signature + " over other bytes");
  }
}
