package io.artifactstore.cli.client;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code archive}, {@code archives} and {@code restore}: a working folder preserved at a
 * milestone, listed from its index file, and brought back byte for byte with the modes and
 * mtimes of its files and folders and its symbolic links (docs/producers.md).
 */
public final class ArchiveCommands {

  /** The index file in the archived folder; one JSON record per line; never archived. */
  public static final String INDEX_FILE = ArchiveIndex.FILE;
  /** Where the tree goes inside the package when it does not fit in the metadata. */
  public static final String TREE_FILE = ".artifact-store/tree.json";
  /** The metadata format of an archive. */
  public static final String FORMAT = "artifact-store.archive/v2";
  /** Always left out: version-control folders, the index and the reserved folder. */
  static final List<String> ALWAYS_EXCLUDED = List.of(".git", ".hg", ".svn", INDEX_FILE,
      ".artifact-store");
  /** Metadata at most this big carries the tree inline (the server's default limit). */
  static final int INLINE_TREE_LIMIT = 64 * 1024;

  private ArchiveCommands() {}

  /** {@code archive <dir>}. */
  @Command(name = "archive", sortOptions = false,
      description = "Archive a working folder as one finalized package, recording the mode and "
          + "mtime of every file and folder and the symbolic links as links, and append a "
          + "record to the folder's index file (" + INDEX_FILE + ").")
  public static final class Archive extends ClientCommand {

    @Parameters(index = "0", paramLabel = "DIR", description = "The folder to archive.")
    Path dir;

    @Option(names = "--include", paramLabel = "PATTERN",
        description = "Take only files matching a pattern, gitignore rules (repeatable; "
            + "default: every file). VCS folders (.git, .hg, .svn), the index file and "
            + ".artifact-store/ are never taken.")
    List<String> include = new ArrayList<>();

    @Option(names = "--exclude", paramLabel = "PATTERN",
        description = "Also leave out files and folders matching a pattern, gitignore rules "
            + "(repeatable).")
    List<String> exclude = new ArrayList<>();

    @Option(names = "--retention-class", paramLabel = "CLASS",
        defaultValue = "release-evidence",
        description = "Retention class (default ${DEFAULT-VALUE}).")
    String retentionClass;

    @Option(names = "--note", description = "A note kept in the metadata and the index.")
    String note;

    @Option(names = "--producer", defaultValue = "folder-archive",
        description = "The package's producer (default ${DEFAULT-VALUE}).")
    String producer;

    @Option(names = "--subject", description = "The package's subject (default: the folder's "
        + "name).")
    String subject;

    @Option(names = "--parallel", paramLabel = "N", defaultValue = "4",
        description = "Files uploaded at a time (default ${DEFAULT-VALUE}).")
    int parallel;

    @Option(names = "--dry-run", description = "List what would be archived; send nothing.")
    boolean dryRun;

    @Mixin
    ResumeOptions resume;

    @Override
    public Integer call() throws IOException {
      if (!Files.isDirectory(dir)) {
        throw new ClientException(ExitCodes.USAGE, dir + " is not a directory");
      }
      boolean infospace = Infospace.is(dir);
      List<String> excludes = new ArrayList<>(ALWAYS_EXCLUDED);
      if (infospace) {
        excludes.add("/" + Infospace.INDEX);
      }
      excludes.addAll(exclude);
      List<String> includes = !include.isEmpty() ? include
          : infospace ? Infospace.DEFAULT_INCLUDES : List.of();
      FileSelection selection = new FileSelection(includes, excludes);
      FileSelection.Listing listing = selection.walkKeepingLinks(dir);
      if (dryRun) {
        return DryRun.print(this, listing);
      }
      Path base = dir.toAbsolutePath().normalize();
      JsonObject tree = ArchiveTree.record(base, listing);
      List<String> included = includes.isEmpty() ? List.of("**") : includes;
      JsonObject archive = new JsonObject().put("format", FORMAT)
          .put("included_paths", new JsonArray(included))
          .put("excluded_paths", new JsonArray(excludes));
      if (note != null) {
        archive.put("note", note);
      }
      String subj = subject != null ? subject : PushCommands.name(dir);
      List<Uploader.Item> items = PushCommands.items(listing);
      Uploader up = new Uploader(client(), parallel, err(), json());
      Uploader.Result result = null;
      Path treeTemp = null;
      try {
        JsonObject inline = archive.copy().put("tree", tree);
        if (new JsonObject().put("archive", inline).encode()
            .getBytes(StandardCharsets.UTF_8).length <= INLINE_TREE_LIMIT) {
          try {
            result = push(up, create(subj, inline), items);
          } catch (ClientException e) {
            if (!"metadata_too_large".equals(e.code())) {
              throw e;
            }
          }
        }
        if (result == null) {
          treeTemp = Files.createTempFile("artifact-store-tree", ".json");
          byte[] bytes = tree.encode().getBytes(StandardCharsets.UTF_8);
          Files.write(treeTemp, bytes);
          JsonObject meta = archive.copy().put("tree_file", TREE_FILE)
              .put("tree_sha256", Hashing.sha256(bytes));
          List<Uploader.Item> withTree = new ArrayList<>(items);
          withTree.add(new Uploader.Item(treeTemp, TREE_FILE, bytes.length));
          result = push(up, create(subj, meta), withTree);
        }
      } finally {
        if (treeTemp != null) {
          Files.deleteIfExists(treeTemp);
        }
      }
      JsonObject pkg = result.pkg();
      JsonObject record = new JsonObject()
          .put("package_id", pkg.getString("id"))
          .put("manifest_digest", pkg.getString("manifest_digest"))
          .put("retention_class", pkg.getString("retention_class"))
          .put("created_at", pkg.getString("created_at"))
          .put("finalized_at", pkg.getString("finalized_at"))
          .put("included_paths", new JsonArray(included))
          .put("file_count", listing.files().size())
          .put("total_bytes", listing.totalBytes())
          .put("empty_dir_count", listing.emptyDirs().size())
          .put("dir_count", listing.dirs().size())
          .put("link_count", listing.links().size())
          .put("note", note)
          .put("producer", producer)
          .put("subject", subj)
          .put("server", options.serverUrl());
      ArchiveIndex index = ArchiveIndex.of(base);
      index.append(record, err());
      if (json()) {
        printJson(record.copy().put("bytes_sent", result.bytesSent())
            .put("files_uploaded", result.sentFiles())
            .put("files_by_digest", result.byDigest()));
      } else {
        PushCommands.report(this, result);
        println("recorded in " + index.file());
      }
      return ExitCodes.OK;
    }

    private Uploader.Result push(Uploader up, JsonObject create, List<Uploader.Item> items) {
      return up.push(create, items, resume.state(options.serverUrl(), dir, create, List.of(),
          List.of()), resume.noResume);
    }

    private JsonObject create(String subj, JsonObject archive) {
      return new JsonObject().put("producer", producer).put("subject", subj)
          .put("retention_class", retentionClass)
          .put("metadata", new JsonObject().put("archive", archive));
    }
  }

  /** {@code archives <dir>}. */
  @Command(name = "archives", sortOptions = false,
      description = "List a folder's archives from its index file, with each package's "
          + "current expiry and holds when the server is reachable.")
  public static final class Archives extends ClientCommand {

    @Parameters(index = "0", paramLabel = "DIR", defaultValue = ".",
        description = "The archived folder (default: here).")
    Path dir;

    @Override
    public Integer call() throws IOException {
      if (!Files.isDirectory(dir)) {
        throw new ClientException(ExitCodes.USAGE, dir + " is not a directory");
      }
      ArchiveIndex index = ArchiveIndex.of(dir);
      List<JsonObject> records = new ArrayList<>();
      for (ArchiveIndex i : ArchiveIndex.present(dir)) {
        records.addAll(i.read(err()));
      }
      ApiClient client = client();
      boolean reachable = true;
      String unreachable = null;
      JsonArray out = new JsonArray();
      for (JsonObject r : records) {
        JsonObject rec = r.copy();
        if (reachable) {
          try {
            JsonObject st = client.getJson(ApiClient.packagePath(r.getString("package_id", ""))
                + "/retention");
            rec.put("current", new JsonObject().put("status", st.getString("status"))
                .put("retention_class", st.getString("retention_class"))
                .put("expires_at", st.getValue("expires_at"))
                .put("holds", st.getJsonArray("holds", new JsonArray())));
          } catch (ClientException e) {
            if (e.exitCode() == ExitCodes.UNREACHABLE) {
              reachable = false;
              unreachable = e.getMessage();
            } else {
              rec.put("current", new JsonObject().put("error", e.getMessage()));
            }
          }
        }
        out.add(rec);
      }
      if (json()) {
        printJson(new JsonObject().put("index", index.file().toString())
            .put("server", client.base()).put("server_reachable", reachable)
            .put("archives", out));
        return ExitCodes.OK;
      }
      if (records.isEmpty()) {
        println("no archives recorded in " + index.file());
        return ExitCodes.OK;
      }
      List<String[]> rows = new ArrayList<>();
      rows.add(reachable
          ? new String[] {"CREATED", "PACKAGE", "FILES", "SIZE", "CLASS", "EXPIRES", "HOLDS",
              "NOTE"}
          : new String[] {"CREATED", "PACKAGE", "FILES", "SIZE", "CLASS", "NOTE"});
      for (int i = 0; i < out.size(); i++) {
        JsonObject r = out.getJsonObject(i);
        String size = Progress.size(r.getLong("total_bytes", 0L));
        if (!reachable) {
          rows.add(new String[] {r.getString("created_at"), r.getString("package_id"),
              orDash(r.getValue("file_count")), size, r.getString("retention_class"),
              orDash(r.getValue("note"))});
          continue;
        }
        JsonObject c = r.getJsonObject("current", new JsonObject());
        String expires;
        String holds;
        if (c.containsKey("error")) {
          expires = c.getString("error");
          holds = "-";
        } else {
          expires = "deleted".equals(c.getString("status")) ? "deleted"
              : c.getValue("expires_at") == null ? "never" : c.getString("expires_at");
          holds = String.valueOf(c.getJsonArray("holds", new JsonArray()).size());
        }
        rows.add(new String[] {r.getString("created_at"), r.getString("package_id"),
            orDash(r.getValue("file_count")), size,
            c.getString("retention_class", r.getString("retention_class")), expires, holds,
            orDash(r.getValue("note"))});
      }
      table(rows);
      if (!reachable) {
        println("server not reachable (" + unreachable
            + "): current expiry and holds not shown");
      }
      return ExitCodes.OK;
    }
  }

  /** {@code restore <package-id | sha256:digest> --target DIR}. */
  @Command(name = "restore", sortOptions = false,
      description = "Re-materialize a package in a folder byte for byte, with the modes, "
          + "mtimes and empty folders an archive recorded; every file is verified before it "
          + "is moved into place.")
  public static final class Restore extends ClientCommand {

    @Parameters(index = "0", paramLabel = "PACKAGE",
        description = "A package id, or a manifest digest sha256:<hex>.")
    String ref;

    @Option(names = "--target", required = true, paramLabel = "DIR",
        description = "The folder to restore into (created if missing; must be empty unless "
            + "--force).")
    Path target;

    @Option(names = "--force", description = "Restore into a non-empty folder, replacing "
        + "files with the same paths.")
    boolean force;

    @Option(names = "--from", paramLabel = "DIR", description = "The archived folder whose "
        + "index names the package (default: the current folder, when it has an index).")
    Path from;

    private JsonObject fromIndex() throws IOException {
      return lookUp(from != null ? from : Path.of(""), from != null, ref, err());
    }

    @Override
    public Integer call() throws IOException {
      ApiClient client = client();
      JsonObject recorded = fromIndex();
      JsonObject pkg = recorded == null ? find(client, ref)
          : client.getJson(ApiClient.packagePath(recorded.getString("package_id")));
      if (recorded != null && !recorded.getString("manifest_digest", "").equals(
          pkg.getString("manifest_digest"))) {
        throw new ClientException(ExitCodes.FAILED, "the index records the manifest digest "
            + recorded.getString("manifest_digest") + " for package " + pkg.getString("id")
            + ", the server has " + pkg.getString("manifest_digest") + ": not restoring");
      }
      String id = pkg.getString("id");
      String digest = pkg.getString("manifest_digest");
      if (digest == null) {
        throw new ClientException(ExitCodes.FAILED, "package " + id + " is "
            + pkg.getString("status") + ", not finalized: nothing to restore");
      }
      HttpResponse<byte[]> m = client.getBytes(ApiClient.packagePath(id) + "/manifest");
      String actual = "sha256:" + Hashing.sha256(m.body());
      if (!actual.equals(digest)) {
        throw new ClientException(ExitCodes.FAILED, "the manifest's digest is " + actual
            + ", the package's is " + digest + ": not restoring");
      }
      JsonObject manifest = new JsonObject(new String(m.body(), StandardCharsets.UTF_8));
      JsonObject archive = manifest.getJsonObject("metadata", new JsonObject())
          .getJsonObject("archive");
      String treeFile = archive == null ? null : archive.getString("tree_file");
      List<JsonObject> files = new ArrayList<>();
      JsonObject treeEntry = null;
      for (JsonObject f : TransferCommands.files(manifest)) {
        if (f.getString("path").equals(treeFile)) {
          treeEntry = f;
        } else {
          files.add(f);
        }
      }
      if (treeFile != null && treeEntry == null) {
        throw new ClientException(ExitCodes.FAILED, "the archive names its tree file "
            + treeFile + " but the package has no such file");
      }

      Path root = target.toAbsolutePath().normalize();
      if (Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
        if (!Files.isDirectory(root)) {
          throw new ClientException(ExitCodes.USAGE, target + " exists and is not a folder");
        }
        try (Stream<Path> s = Files.list(root)) {
          if (s.findAny().isPresent() && !force) {
            throw new ClientException(ExitCodes.USAGE, "the target " + target
                + " is not empty: restore into an empty folder, or pass --force");
          }
        }
      }
      for (JsonObject f : files) {
        SafePaths.resolve(root, f.getString("path"));
      }
      Restorer restorer = new Restorer(new Downloader(client), id, root);
      JsonObject tree = null;
      if (treeEntry != null) {
        tree = restorer.readTreeFile(treeEntry);
      } else if (archive != null) {
        tree = archive.getJsonObject("tree");
      }
      Restorer.Result r;
      try (Progress p = Progress.start(err(), json(), "restore", files.size(),
          TransferCommands.totalBytes(files))) {
        r = restorer.restore(files, tree, p);
      }
      if (json()) {
        printJson(new JsonObject().put("package_id", id).put("manifest_digest", digest)
            .put("target", root.toString()).put("file_count", r.files())
            .put("total_bytes", r.bytes()).put("dirs", r.dirs()).put("links", r.links()));
      } else {
        if (recorded != null) {
          println("found in the index: " + recorded.getString("created_at") + ", "
              + orDash(recorded.getValue("note")));
        }
        println("restored " + id + " (" + digest + ") into " + root + ": " + r.files()
            + " files, " + Progress.size(r.bytes()) + ", " + r.dirs() + " folders, "
            + r.links() + " links; every digest verified");
      }
      return ExitCodes.OK;
    }
  }

  /**
   * The last record of the {@code --from} folder's index (or the current folder's) whose package
   * id or manifest digest is the reference; null when there is none to look in, or, for the
   * current folder, when the reference is not in it.
   */
  private static JsonObject lookUp(Path from, boolean explicit, String ref,
      java.io.PrintWriter err) throws IOException {
    List<ArchiveIndex> indexes = ArchiveIndex.present(from);
    if (indexes.isEmpty()) {
      if (explicit) {
        throw new ClientException(ExitCodes.USAGE, "--from " + from + " has no archive index");
      }
      return null;
    }
    JsonObject found = null;
    for (ArchiveIndex i : indexes) {
      for (JsonObject r : i.read(err)) {
        if (ref.equals(r.getString("package_id")) || ref.equals(r.getString("manifest_digest"))) {
          found = r;
        }
      }
    }
    if (found == null && explicit) {
      throw new ClientException(ExitCodes.NOT_FOUND, ref + " is not in the index of " + from);
    }
    return found;
  }

  /** The package a reference names: an id, or {@code sha256:<hex>} of its manifest. */
  static JsonObject find(ApiClient client, String ref) {
    if (!ref.startsWith("sha256:")) {
      return client.getJson(ApiClient.packagePath(ref));
    }
    if (!ref.matches("sha256:[0-9a-f]{64}")) {
      throw new ClientException(ExitCodes.USAGE, "a manifest digest is sha256: and 64 "
          + "lowercase hex digits");
    }
    String cursor = null;
    do {
      // The server filters on manifest_digest; each answer is checked here all the same.
      JsonObject page = client.getJson("/v1/packages?limit=1000&manifest_digest="
          + ApiClient.segment(ref) + (cursor == null ? "" : "&cursor="
          + ApiClient.segment(cursor)));
      JsonArray items = page.getJsonArray("items", new JsonArray());
      for (int i = 0; i < items.size(); i++) {
        JsonObject p = items.getJsonObject(i);
        if (ref.equals(p.getString("manifest_digest")) && !"deleted".equals(p.getString(
            "status"))) {
          return client.getJson(ApiClient.packagePath(p.getString("id")));
        }
      }
      cursor = page.getString("next_cursor");
    } while (cursor != null);
    throw new ClientException(ExitCodes.NOT_FOUND, "no package has the manifest digest " + ref);
  }
}
