package io.artifactstore.cli;

import io.artifactstore.config.AppConfig;
import io.artifactstore.config.ConfigLoader;
import io.artifactstore.error.ApiException;
import io.artifactstore.security.TokenService;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;

/**
 * {@code token create --bootstrap}: issues a token straight on the configured database, for
 * the first admin of a deployment (or to recover when every admin token is lost). Whoever can
 * run it can already write the database; the event records {@code system:bootstrap} and the
 * operating-system user as its actor.
 */
public final class BootstrapToken {

  private BootstrapToken() {}

  /** The token's JSON form with its secret; {@code req} as TokenService#create takes it. */
  public static JsonObject create(Path configFile, JsonObject req) throws Exception {
    AppConfig config = ConfigLoader.load(configFile, System.getenv());
    String user = System.getProperty("user.name", "unknown");
    try {
      return OnEventLog.run(config, log -> new TokenService(log, config.security())
          .create(req.copy().put("actor", "system:bootstrap(" + user + ")")));
    } catch (ApiException e) {
      throw new io.artifactstore.cli.client.ClientException(
          io.artifactstore.cli.client.ExitCodes.USAGE, e.getMessage());
    }
  }
}
