package io.artifactstore.cli.client;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ls}, {@code show}, {@code extend}, {@code hold}, {@code release}. */
public final class PackageCommands {

  private PackageCommands() {}

  /** {@code ls}. */
  @Command(name = "ls", sortOptions = false,
      description = "List packages, newest first.")
  public static final class Ls extends ClientCommand {

    @Option(names = "--producer", description = "Only this producer's packages.")
    String producer;

    @Option(names = "--subject", description = "Only packages with this subject.")
    String subject;

    @Option(names = "--status",
        description = "Only packages in this status (created, uploading, finalized, failed, "
            + "deleted).")
    String status;

    @Option(names = "--limit", defaultValue = "50",
        description = "Packages per page, 1 to 1000 (default ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--all", description = "Follow next_cursor to the last page.")
    boolean all;

    @Override
    public Integer call() {
      ApiClient client = client();
      JsonArray items = new JsonArray();
      String cursor = null;
      do {
        StringBuilder q = new StringBuilder("/v1/packages?limit=" + limit);
        param(q, "producer", producer);
        param(q, "subject", subject);
        param(q, "status", status);
        param(q, "cursor", cursor);
        JsonObject page = client.getJson(q.toString());
        items.addAll(page.getJsonArray("items", new JsonArray()));
        cursor = page.getString("next_cursor");
      } while (all && cursor != null);
      if (json()) {
        printJson(new JsonObject().put("items", items)
            .put("next_cursor", all ? null : cursor));
        return ExitCodes.OK;
      }
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"ID", "STATUS", "PRODUCER", "SUBJECT", "FILES", "SIZE", "CREATED"});
      for (int i = 0; i < items.size(); i++) {
        JsonObject p = items.getJsonObject(i);
        rows.add(new String[] {p.getString("id"), p.getString("status"),
            p.getString("producer"), p.getString("subject"),
            orDash(p.getValue("file_count")),
            Progress.size(p.getLong("total_bytes", 0L)), p.getString("created_at")});
      }
      table(rows);
      if (!all && cursor != null) {
        println("(more: --all, or --limit)");
      }
      return ExitCodes.OK;
    }
  }

  static void param(StringBuilder q, String name, String value) {
    if (value != null) {
      q.append('&').append(name).append('=').append(ApiClient.segment(value));
    }
  }

  /** {@code show <package>}. */
  @Command(name = "show", description = "Show a package: fields, metadata, files, retention.")
  public static final class Show extends ClientCommand {

    @Parameters(index = "0", paramLabel = "PACKAGE", description = "The package id.")
    String pkg;

    @Override
    public Integer call() {
      ApiClient client = client();
      JsonObject p = client.getJson(ApiClient.packagePath(pkg));
      JsonObject retention = client.getJson(ApiClient.packagePath(pkg) + "/retention");
      if (json()) {
        printJson(p.copy().put("retention", retention));
        return ExitCodes.OK;
      }
      for (String k : new String[] {"id", "status", "producer", "subject", "retention_class",
          "created_at", "finalized_at", "expires_at", "manifest_digest", "created_by"}) {
        println(String.format("%-16s %s", k, orDash(p.getValue(k))));
      }
      println(String.format("%-16s %s", "holds",
          retention.getJsonArray("holds", new JsonArray()).size()));
      println(String.format("%-16s %s", "metadata", p.getJsonObject("metadata",
          new JsonObject()).encode()));
      List<JsonObject> files = TransferCommands.files(p);
      println("files (" + files.size() + ", " + Progress.size(TransferCommands.totalBytes(files))
          + "):");
      List<String[]> rows = new ArrayList<>();
      for (JsonObject f : files) {
        rows.add(new String[] {"  " + f.getString("path"), String.valueOf(f.getLong("size")),
            f.getString("media_type"), f.getString("sha256")});
      }
      table(rows);
      return ExitCodes.OK;
    }
  }

  /** Exactly one of --until and --class. */
  static final class Target {
    @Option(names = "--until", paramLabel = "ISO-TIME", required = true,
        description = "Keep until this time (ISO-8601, e.g. 2031-01-01T00:00:00Z).")
    String until;

    @Option(names = "--class", paramLabel = "CLASS", required = true,
        description = "Move to a longer retention class.")
    String retentionClass;
  }

  /** {@code extend <package> (--until ISO | --class NAME) [--reason R]}. */
  @Command(name = "extend", sortOptions = false,
      description = "Extend a package's retention (never shortens it).")
  public static final class Extend extends ClientCommand {

    @Parameters(index = "0", paramLabel = "PACKAGE", description = "The package id.")
    String pkg;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    @Option(names = "--reason", description = "Why (recorded in the audit log).")
    String reason;

    @Override
    public Integer call() {
      JsonObject body = new JsonObject();
      if (target.until != null) {
        body.put("expires_at", target.until);
      } else {
        body.put("retention_class", target.retentionClass);
      }
      if (reason != null) {
        body.put("reason", reason);
      }
      JsonObject r = client().postJson(ApiClient.packagePath(pkg) + "/retention", body);
      if (json()) {
        printJson(r);
      } else {
        println(pkg + ": " + r.getString("retention_class") + ", expires "
            + (r.getValue("expires_at") == null ? "never" : r.getString("expires_at")));
      }
      return ExitCodes.OK;
    }
  }

  /** {@code hold <package> --reason R [--reference X]}. */
  @Command(name = "hold", sortOptions = false,
      description = "Place a hold: nobody can delete the package while it is active.")
  public static final class Hold extends ClientCommand {

    @Parameters(index = "0", paramLabel = "PACKAGE", description = "The package id.")
    String pkg;

    @Option(names = "--reason", required = true, description = "Why the package is held.")
    String reason;

    @Option(names = "--reference", description = "A case or ticket reference.")
    String reference;

    @Override
    public Integer call() {
      JsonObject body = new JsonObject().put("reason", reason);
      if (reference != null) {
        body.put("reference", reference);
      }
      JsonObject r = client().postJson(ApiClient.packagePath(pkg) + "/holds", body);
      if (json()) {
        printJson(r);
      } else {
        println(r.getString("hold_id"));
      }
      return ExitCodes.OK;
    }
  }

  /** {@code release <package> <hold-id> --reason R}. */
  @Command(name = "release", sortOptions = false, description = "Release a hold.")
  public static final class Release extends ClientCommand {

    @Parameters(index = "0", paramLabel = "PACKAGE", description = "The package id.")
    String pkg;

    @Parameters(index = "1", paramLabel = "HOLD_ID", description = "The hold to release.")
    String holdId;

    @Option(names = "--reason", required = true, description = "Why it is released.")
    String reason;

    @Override
    public Integer call() {
      JsonObject r = client().delete(ApiClient.packagePath(pkg) + "/holds/"
          + ApiClient.segment(holdId) + "?reason=" + ApiClient.segment(reason));
      if (json()) {
        printJson(r);
      } else {
        println("released hold " + holdId + " on " + pkg);
      }
      return ExitCodes.OK;
    }
  }
}
