package io.artifactstore.cli.client;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** {@code --dry-run}: what a push or an archive would send, without contacting the server. */
final class DryRun {

  private DryRun() {}

  /**
   * Prints the selection: one line per file (logical path, size in bytes) and per link kept
   * ({@code path -> target}), then a count; with {@code --json}, {@code {dry_run, files:
   * [{path, size}], links: [{path, target}], file_count, total_bytes}}.
   */
  static int print(ClientCommand cmd, FileSelection.Listing listing) {
    if (cmd.json()) {
      JsonArray files = new JsonArray();
      listing.files().forEach(f -> files.add(new JsonObject().put("path", f.path())
          .put("size", f.size())));
      JsonArray links = new JsonArray();
      listing.links().forEach(l -> links.add(new JsonObject().put("path", l.path())
          .put("target", l.target())));
      cmd.printJson(new JsonObject().put("dry_run", true).put("files", files)
          .put("links", links).put("file_count", listing.files().size())
          .put("total_bytes", listing.totalBytes()));
      return ExitCodes.OK;
    }
    List<String[]> rows = new ArrayList<>();
    listing.files().forEach(f -> rows.add(new String[] {f.path(), String.valueOf(f.size())}));
    listing.links().forEach(l -> rows.add(new String[] {l.path() + " -> " + l.target(), "link"}));
    cmd.table(rows);
    cmd.println("dry run: " + listing.files().size() + " files ("
        + Progress.size(listing.totalBytes()) + ")"
        + (listing.links().isEmpty() ? "" : ", " + listing.links().size() + " links")
        + " would be sent; nothing was sent");
    return ExitCodes.OK;
  }
}
