package io.artifactstore.security;

import io.artifactstore.config.AppConfig;
import io.artifactstore.db.Database;
import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import io.artifactstore.events.EventDraft;
import io.artifactstore.events.EventLog;
import io.artifactstore.events.EventType;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * API tokens (control plane): issues, lists, revokes and looks up tokens. Every change is an
 * event ({@code token.created}, {@code token.revoked}) and the {@code api_tokens} table is its
 * view. A secret is returned once, by {@link #create}, and never stored: the log and the view
 * hold its SHA-256 ({@link ApiTokens#hash}).
 *
 * <p>A token's JSON form: {@code {id, name, roles: [..], producer_scope: [..] | null,
 * created_by, created_at, expires_at | null, revoked_at | null, revoked_by, revoke_reason,
 * status: active | expired | revoked}}, times ISO-8601 UTC.
 */
public final class TokenService {

  /** A token name: lowercase letters, digits, dots, dashes and underscores, 1 to 64. */
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
  private static final int MAX_SCOPE_PATTERNS = 64;
  private static final String COLUMNS = "id, name, roles, producer_scope, secret_sha256, "
      + "created_by, created_at, expires_at, revoked_by, revoked_at, revoke_reason";

  private final EventLog log;
  private final Database db;
  private final AppConfig.Security config;

  public TokenService(EventLog log, AppConfig.Security config) {
    this.log = log;
    this.db = log.database();
    this.config = config;
  }

  /**
   * Issues a token. {@code req}: {@code name} (required), {@code roles} (non-empty array of role
   * names), {@code producer_scope} (array of patterns, {@link ProducerScope}; absent or null
   * for every producer), {@code expires_in} (ISO-8601 duration, or {@code never}; default
   * {@code security.token_default_ttl}), {@code actor} (who issues it). Answers the token's
   * JSON form with {@code token}, the secret, added. {@code invalid_request} for a bad field.
   */
  public Future<JsonObject> create(JsonObject req) {
    String name = req.getValue("name") instanceof String s ? s : null;
    if (name == null || !NAME.matcher(name).matches()) {
      throw new ApiException(ErrorCode.INVALID_REQUEST, "name must be 1 to 64 lowercase "
          + "letters, digits, '.', '-' or '_', starting with a letter or digit");
    }
    Set<Role> roles = roles(req.getValue("roles"));
    JsonArray scope = scope(req.getValue("producer_scope"));
    long now = log.clock().millis();
    Long expiresAt = expiresAt(req.getValue("expires_in"), now);
    String actor = req.getString("actor", "anonymous");
    String secret = ApiTokens.newSecret();
    String id = ApiTokens.newId();
    JsonObject payload = new JsonObject()
        .put("id", id)
        .put("name", name)
        .put("roles", new JsonArray(roles.stream().map(Role::wireName).toList()))
        .put("producer_scope", scope)
        .put("expires_at", expiresAt)
        .put("secret_sha256", ApiTokens.hash(secret));
    EventDraft draft = EventDraft.claimed(EventType.TOKEN_CREATED, id, actor, req, payload);
    return log.transaction(conn -> log.record(conn, draft)
            .compose(e -> db.query(conn, "SELECT " + COLUMNS + " FROM api_tokens WHERE id = ?",
                id)))
        .map(rows -> json(rows.iterator().next(), now).put("token", secret));
  }

  /** Every token, newest first, without secrets or their hashes. */
  public Future<JsonObject> list() {
    long now = log.clock().millis();
    return db.query("SELECT " + COLUMNS + " FROM api_tokens ORDER BY created_at DESC, id")
        .map(rows -> {
          JsonArray items = new JsonArray();
          rows.forEach(r -> items.add(json(r, now)));
          return new JsonObject().put("items", items);
        });
  }

  /** One token; {@code token_not_found}. */
  public Future<JsonObject> get(String id) {
    long now = log.clock().millis();
    return db.query("SELECT " + COLUMNS + " FROM api_tokens WHERE id = ?", id)
        .map(rows -> json(one(rows, id), now));
  }

  /**
   * Revokes token {@code id}: {@code req} holds {@code id}, {@code reason} (optional, at most
   * 1024 characters) and {@code actor}. Revoking a revoked token changes nothing and answers it
   * as it is. {@code token_not_found}.
   */
  public Future<JsonObject> revoke(JsonObject req) {
    String id = req.getString("id");
    Object reasonValue = req.getValue("reason");
    if (reasonValue != null && (!(reasonValue instanceof String r) || r.length() > 1024)) {
      throw new ApiException(ErrorCode.INVALID_REQUEST,
          "reason must be a string of at most 1024 characters");
    }
    String actor = req.getString("actor", "anonymous");
    JsonObject payload = new JsonObject().put("id", id).put("reason", reasonValue);
    return log.transaction(conn -> db.query(conn,
            "SELECT " + COLUMNS + " FROM api_tokens WHERE id = ?", id)
        .compose(rows -> {
          Row row = one(rows, id);
          if (row.getValue("revoked_at") != null) {
            return Future.succeededFuture();
          }
          return log.record(conn,
              EventDraft.claimed(EventType.TOKEN_REVOKED, id, actor, req, payload)).mapEmpty();
        }))
        .compose(v -> get(id));
  }

  /**
   * The token whose secret has SHA-256 {@code secretSha256}, as {@code {id, name, roles,
   * producer_scope, expires_at}}, if it is active; {@code invalid_token} otherwise (unknown,
   * expired or revoked, without saying which).
   */
  public Future<JsonObject> authenticate(String secretSha256) {
    long now = log.clock().millis();
    return db.query("SELECT " + COLUMNS + " FROM api_tokens WHERE secret_sha256 = ?",
            secretSha256)
        .map(rows -> {
          Row row = rows.size() == 1 ? rows.iterator().next() : null;
          if (row == null || !ApiTokens.sameHash(row.getString("secret_sha256"), secretSha256)
              || !"active".equals(status(row, now))) {
            throw new ApiException(ErrorCode.INVALID_TOKEN,
                "the bearer token is unknown, expired or revoked");
          }
          return json(row, now);
        });
  }

  private static Row one(RowSet<Row> rows, String id) {
    if (rows.size() == 0) {
      throw new ApiException(ErrorCode.TOKEN_NOT_FOUND, "no API token " + id);
    }
    return rows.iterator().next();
  }

  private static String status(Row r, long now) {
    if (r.getValue("revoked_at") != null) {
      return "revoked";
    }
    Long expires = Database.longOrNull(r, "expires_at");
    return expires != null && expires <= now ? "expired" : "active";
  }

  private static JsonObject json(Row r, long now) {
    String scope = r.getString("producer_scope");
    return new JsonObject()
        .put("id", r.getString("id"))
        .put("name", r.getString("name"))
        .put("roles", new JsonArray(List.of(r.getString("roles").split(","))))
        .put("producer_scope", scope == null ? null : new JsonArray(scope))
        .put("created_by", r.getString("created_by"))
        .put("created_at", iso(Database.longOrNull(r, "created_at")))
        .put("expires_at", iso(Database.longOrNull(r, "expires_at")))
        .put("revoked_by", r.getString("revoked_by"))
        .put("revoked_at", iso(Database.longOrNull(r, "revoked_at")))
        .put("revoke_reason", r.getString("revoke_reason"))
        .put("status", status(r, now));
  }

  private static String iso(Long millis) {
    return millis == null ? null : java.time.Instant.ofEpochMilli(millis).toString();
  }

  private static Set<Role> roles(Object value) {
    if (!(value instanceof JsonArray array) || array.isEmpty() || array.size() > 8) {
      throw new ApiException(ErrorCode.INVALID_REQUEST, "roles must be a non-empty array of "
          + "role names: reader, producer, retention-admin, admin");
    }
    Set<Role> roles = EnumSet.noneOf(Role.class);
    for (Object o : array) {
      try {
        roles.add(Role.of(o instanceof String s ? s : null));
      } catch (IllegalArgumentException e) {
        throw new ApiException(ErrorCode.INVALID_REQUEST, "roles: " + e.getMessage());
      }
    }
    return roles;
  }

  private static JsonArray scope(Object value) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonArray array) || array.size() > MAX_SCOPE_PATTERNS) {
      throw new ApiException(ErrorCode.INVALID_REQUEST, "producer_scope must be an array of at "
          + "most " + MAX_SCOPE_PATTERNS + " producer patterns, or null for every producer");
    }
    List<String> patterns = new ArrayList<>();
    for (Object o : array) {
      patterns.add(o instanceof String s ? s : null);
    }
    try {
      ProducerScope.of(patterns);
    } catch (IllegalArgumentException e) {
      throw new ApiException(ErrorCode.INVALID_REQUEST, "producer_scope: " + e.getMessage());
    }
    return new JsonArray(patterns);
  }

  private Long expiresAt(Object value, long now) {
    if (value == null) {
      return now + config.tokenDefaultTtl().toMillis();
    }
    if ("never".equals(value)) {
      return null;
    }
    if (value instanceof String s) {
      try {
        Duration d = Duration.parse(s);
        if (!d.isNegative() && !d.isZero() && d.getSeconds() < 100L * 365 * 86400) {
          return now + d.toMillis();
        }
      } catch (DateTimeParseException e) {
        // answered below
      }
    }
    throw new ApiException(ErrorCode.INVALID_REQUEST, "expires_in must be a positive ISO-8601 "
        + "duration such as P90D or PT12H (less than 100 years), or never");
  }
}
