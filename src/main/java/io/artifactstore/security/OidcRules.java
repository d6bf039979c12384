package io.artifactstore.security;

import io.artifactstore.config.ConfigException;
import io.artifactstore.config.ConfigKeys;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rules that turn a verified JWT's claims into roles and a producer scope
 * ({@code security.oidc.rules}). A rule, by name:
 * <pre>{@code
 * "acme-ci": {
 *   "claims": {"repository_owner": "acme", "ref": "refs/heads/*"},
 *   "roles": "producer",
 *   "producer_scope": "ci/{repository}/*, ci/shared"
 * }
 * }</pre>
 * A rule applies when every claim it names is present, a string, number or boolean, and
 * matches its pattern ({@code *} matches any run of characters). The caller gets the roles of
 * every rule that applies; its scope is the union of theirs, where {@code {claim}} stands for
 * the claim's value (a rule whose placeholder names a missing claim, or a value holding
 * {@code *}, does not apply); a rule without {@code producer_scope} gives every producer. No
 * rule: no role.
 */
public final class OidcRules {

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z0-9_.:-]+)\\}");

  private record Rule(String name, Map<String, ProducerScope> claims, Set<Role> roles,
      Optional<List<String>> scope) {}

  private final List<Rule> rules;

  private OidcRules(List<Rule> rules) {
    this.rules = rules;
  }

  /** The rules of {@code section}; a {@link ConfigException} naming the key of a bad one. */
  public static OidcRules from(JsonObject section) {
    List<Rule> rules = new ArrayList<>();
    for (String name : section.fieldNames()) {
      String key = ConfigKeys.SECURITY_OIDC_RULES + "." + name;
      if (!(section.getValue(name) instanceof JsonObject rule)) {
        throw new ConfigException(key, "must be an object {claims, roles, producer_scope}");
      }
      for (String field : rule.fieldNames()) {
        if (!Set.of("claims", "roles", "producer_scope").contains(field)) {
          throw new ConfigException(key + "." + field, "unknown configuration key");
        }
      }
      Map<String, ProducerScope> claims = new LinkedHashMap<>();
      Object claimsValue = rule.getValue("claims");
      if (!(claimsValue instanceof JsonObject c) || c.isEmpty()) {
        throw new ConfigException(key + ".claims",
            "must be an object of claim name to pattern, with at least one claim");
      }
      for (String claim : c.fieldNames()) {
        if (!(c.getValue(claim) instanceof String pattern)) {
          throw new ConfigException(key + ".claims." + claim, "must be a pattern string");
        }
        claims.put(claim, ProducerScope.of(List.of(pattern)));
      }
      Set<Role> roles = EnumSet.noneOf(Role.class);
      Object rolesValue = rule.getValue("roles");
      if (!(rolesValue instanceof String r) || r.isBlank()) {
        throw new ConfigException(key + ".roles", "must be a comma-separated list of roles");
      }
      for (String role : r.split(",")) {
        try {
          roles.add(Role.of(role));
        } catch (IllegalArgumentException e) {
          throw new ConfigException(key + ".roles", e.getMessage());
        }
      }
      Optional<List<String>> scope = Optional.empty();
      Object scopeValue = rule.getValue("producer_scope");
      if (scopeValue != null) {
        if (!(scopeValue instanceof String s) || s.isBlank()) {
          throw new ConfigException(key + ".producer_scope",
              "must be a comma-separated list of producer patterns");
        }
        List<String> templates = new ArrayList<>();
        for (String t : s.split(",")) {
          templates.add(t.trim());
        }
        scope = Optional.of(List.copyOf(templates));
      }
      rules.add(new Rule(name, Map.copyOf(claims), roles, scope));
    }
    return new OidcRules(List.copyOf(rules));
  }

  /**
   * The identity of a verified token: {@code claims} its payload, {@code issuer} and
   * {@code subject} its {@code iss} and {@code sub}, {@code expiresAt} epoch milliseconds.
   */
  public Identity identity(JsonObject claims, String issuer, String subject, long expiresAt) {
    Set<Role> roles = EnumSet.noneOf(Role.class);
    List<String> patterns = new ArrayList<>();
    boolean anyProducer = false;
    for (Rule rule : rules) {
      Optional<List<String>> scope = applies(rule, claims);
      if (scope == null) {
        continue;
      }
      roles.addAll(rule.roles());
      if (scope.isEmpty()) {
        anyProducer = true;
      } else {
        patterns.addAll(scope.get());
      }
    }
    return new Identity(Identity.Kind.OIDC, subject, issuer, roles,
        anyProducer ? ProducerScope.ANY : ProducerScope.of(patterns), expiresAt);
  }

  /** The rule's scope with placeholders filled in, or null when the rule does not apply. */
  private static Optional<List<String>> applies(Rule rule, JsonObject claims) {
    for (Map.Entry<String, ProducerScope> c : rule.claims().entrySet()) {
      String value = scalar(claims.getValue(c.getKey()));
      if (value == null || !c.getValue().covers(value)) {
        return null;
      }
    }
    if (rule.scope().isEmpty()) {
      return Optional.empty();
    }
    List<String> filled = new ArrayList<>();
    for (String template : rule.scope().get()) {
      Matcher m = PLACEHOLDER.matcher(template);
      StringBuilder out = new StringBuilder();
      while (m.find()) {
        String value = scalar(claims.getValue(m.group(1)));
        if (value == null || value.contains("*") || value.isEmpty()) {
          return null;
        }
        m.appendReplacement(out, Matcher.quoteReplacement(value));
      }
      m.appendTail(out);
      filled.add(out.toString());
    }
    try {
      ProducerScope.of(filled);
    } catch (IllegalArgumentException e) {
      return null; // a claim value that makes no pattern (a space, a control character)
    }
    return Optional.of(filled);
  }

  private static String scalar(Object v) {
    return v instanceof String || v instanceof Number || v instanceof Boolean
        ? String.valueOf(v) : null;
  }
}
