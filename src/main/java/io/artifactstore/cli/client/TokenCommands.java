package io.artifactstore.cli.client;

import io.artifactstore.cli.BootstrapToken;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code token create|list|revoke}: API tokens, through the API (an admin token), or for the
 * first admin of a deployment, {@code token create --bootstrap} straight on the database.
 * A new secret is printed once, on stdout, alone on its line; nothing else ever prints it.
 */
@Command(name = "token", description = "Create, list and revoke API tokens.",
    subcommands = {TokenCommands.Create.class, TokenCommands.ListTokens.class,
        TokenCommands.Revoke.class})
public final class TokenCommands {

  private TokenCommands() {}

  /** {@code token create --name N --role R... [--producer P...] [--expires-in D|never]}. */
  @Command(name = "create", sortOptions = false,
      description = "Issue an API token; its secret is printed once, on stdout.")
  public static final class Create extends ClientCommand {

    @Option(names = "--name", required = true, description = "The token's name.")
    String name;

    @Option(names = "--role", required = true, paramLabel = "ROLE",
        description = "A role: reader, producer, retention-admin, admin (repeatable).")
    List<String> roles;

    @Option(names = "--producer", paramLabel = "PATTERN",
        description = "A producer the token may act for ('*' matches any run of characters; "
            + "repeatable). Without it, every producer.")
    List<String> producers;

    @Option(names = "--expires-in", paramLabel = "DURATION",
        description = "ISO-8601 duration (P90D, PT12H) or never; default: the server's "
            + "security.token_default_ttl.")
    String expiresIn;

    @Option(names = "--bootstrap",
        description = "Write the token straight to the configured database, without the "
            + "server (the first admin token of a deployment); takes --config.")
    boolean bootstrap;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
        description = "With --bootstrap: the server's configuration file.")
    java.nio.file.Path config;

    @Override
    public Integer call() throws Exception {
      JsonObject req = new JsonObject().put("name", name)
          .put("roles", new JsonArray(new ArrayList<>(roles)));
      if (producers != null && !producers.isEmpty()) {
        req.put("producer_scope", new JsonArray(new ArrayList<>(producers)));
      }
      if (expiresIn != null) {
        req.put("expires_in", expiresIn);
      }
      JsonObject token = bootstrap ? BootstrapToken.create(config, req)
          : client().postJson("/v1/tokens", req);
      if (json()) {
        printJson(token);
      } else {
        err().println("created token " + token.getString("id") + " (" + token.getString("name")
            + ", roles " + token.getJsonArray("roles").encode() + ", expires "
            + time(token.getValue("expires_at")) + "); the secret is shown once:");
        err().flush();
        println(token.getString("token"));
      }
      return ExitCodes.OK;
    }
  }

  /** {@code token list}. */
  @Command(name = "list", description = "List API tokens (never their secrets).")
  public static final class ListTokens extends ClientCommand {

    @Override
    public Integer call() {
      JsonObject page = client().getJson("/v1/tokens");
      if (json()) {
        printJson(page);
        return ExitCodes.OK;
      }
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"ID", "NAME", "STATUS", "ROLES", "PRODUCERS", "EXPIRES", "CREATED BY"});
      for (Object o : page.getJsonArray("items")) {
        JsonObject t = (JsonObject) o;
        JsonArray scope = t.getJsonArray("producer_scope");
        rows.add(new String[] {t.getString("id"), t.getString("name"), t.getString("status"),
            String.join(",", t.getJsonArray("roles").stream().map(String::valueOf).toList()),
            scope == null ? "*" : String.join(",", scope.stream().map(String::valueOf).toList()),
            time(t.getValue("expires_at")), t.getString("created_by")});
      }
      table(rows);
      return ExitCodes.OK;
    }
  }

  /** {@code token revoke ID [--reason R]}. */
  @Command(name = "revoke", description = "Revoke an API token at once.")
  public static final class Revoke extends ClientCommand {

    @Parameters(index = "0", paramLabel = "ID", description = "The token id (tok_...).")
    String id;

    @Option(names = "--reason", description = "Why, for the audit log.")
    String reason;

    @Override
    public Integer call() {
      String path = "/v1/tokens/" + ApiClient.segment(id)
          + (reason == null ? "" : "?reason=" + java.net.URLEncoder.encode(reason,
              java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20"));
      JsonObject t = client().delete(path);
      if (json()) {
        printJson(t);
      } else {
        println("revoked " + t.getString("id") + " (" + t.getString("name") + ")");
      }
      return ExitCodes.OK;
    }
  }

  static String time(Object iso) {
    return iso instanceof String s ? s : "never";
  }
}
