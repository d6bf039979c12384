package io.artifactstore.cli;

import io.artifactstore.attestations.SigningKeys;
import io.artifactstore.config.AppConfig;
import io.artifactstore.config.ConfigKeys;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code rotate-signing-key}: puts a new Ed25519 key first in
 * {@code attestations.signing_keys_file}. Servers sign with it once restarted; the previous keys
 * stay published, so what they signed still verifies.
 */
@Command(name = "rotate-signing-key",
    description = "Add a new manifest-signing key (it signs after the next restart; the old "
        + "ones stay published and verifying).")
public final class RotateSigningKeyCommand implements Callable<Integer> {

  @Mixin
  ConfigOption config;

  @Override
  public Integer call() throws Exception {
    AppConfig cfg = config.load();
    if (cfg.attestations().signingKeysFile().isEmpty()) {
      System.err.println("manifest signing is off: set " + ConfigKeys.ATTESTATIONS_SIGNING_KEYS_FILE);
      return 2;
    }
    Path file = cfg.attestations().signingKeysFile().get();
    String id = SigningKeys.rotate(file, Clock.systemUTC());
    System.out.println("new signing key " + id + " in " + file + "; restart the servers to sign "
        + "with it");
    return 0;
  }
}
