package io.artifactstore.cli.client;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code archive}, {@code archives} and {@code restore}: a working folder preserved at a
 * milestone, listed from its index file, and brought back byte for byte with modes, mtimes and
 * empty folders (docs/producers.md).
 */
public final class ArchiveCommands {

  /** The index file in the archived folder; one JSON record per line; never archived. */
  public static final String INDEX_FILE = ".artifact-store-archives.jsonl";
  /** Where the tree goes inside the package when it does not fit in the metadata. */
  public static final String TREE_FILE = ".artifact-store/tree.json";
  /** The metadata format of an archive. */
  public static final String FORMAT = "artifact-store.archive/v1";
  /** Always left out: version-control folders, the index and the reserved folder. */
  static final List<String> ALWAYS_EXCLUDED = List.of(".git", ".hg", ".svn", INDEX_FILE,
      ".artifact-store");
  /** Metadata at most this big carries the tree inline (the server's default limit). */
  static final int INLINE_TREE_LIMIT = 64 * 1024;

  private static final PosixFilePermission[] BITS = {
      PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
      PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
      PosixFilePermission.OWNER_READ};

  private ArchiveCommands() {}

  static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }

  static String mode(Path p) throws IOException {
    if (!posix()) {
      return null;
    }
    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
    int m = 0;
    for (int i = 0; i < BITS.length; i++) {
      if (perms.contains(BITS[i])) {
        m |= 1 << i;
      }
    }
    return String.format("%04o", m);
  }

  static Set<PosixFilePermission> permissions(String mode) {
    int m;
    try {
      m = Integer.parseInt(mode, 8);
    } catch (NumberFormatException e) {
      throw new ClientException(ExitCodes.FAILED, "invalid mode '" + mode + "' in the tree");
    }
    Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
    for (int i = 0; i < BITS.length; i++) {
      if ((m & (1 << i)) != 0) {
        perms.add(BITS[i]);
      }
    }
    return perms;
  }

  static JsonObject attributes(Path p) throws IOException {
    JsonObject a = new JsonObject();
    String mode = mode(p);
    if (mode != null) {
      a.put("mode", mode);
    }
    a.put("mtime", Files.getLastModifiedTime(p).toInstant().toString());
    return a;
  }

  /** {@code archive <dir>}. */
  @Command(name = "archive", sortOptions = false,
      description = "Archive a working folder as one finalized package, recording each file's "
          + "mode and mtime and the empty folders, and append a record to the folder's index "
          + "file (" + INDEX_FILE + ").")
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

    @Override
    public Integer call() throws IOException {
      List<String> excludes = new ArrayList<>(ALWAYS_EXCLUDED);
      excludes.addAll(exclude);
      FileSelection selection = new FileSelection(include, excludes);
      FileSelection.Listing listing = selection.walk(dir);
      if (dryRun) {
        return DryRun.print(this, listing);
      }
      JsonObject files = new JsonObject();
      for (FileSelection.Entry e : listing.files()) {
        files.put(e.path(), attributes(e.file()));
      }
      JsonObject emptyDirs = new JsonObject();
      Path base = dir.toAbsolutePath().normalize();
      for (String d : listing.emptyDirs()) {
        emptyDirs.put(d, attributes(base.resolve(d)));
      }
      JsonObject tree = new JsonObject().put("files", files).put("empty_dirs", emptyDirs);
      List<String> includes = include.isEmpty() ? List.of("**") : include;
      JsonObject archive = new JsonObject().put("format", FORMAT)
          .put("included_paths", new JsonArray(includes))
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
            result = up.push(create(subj, inline), items);
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
          result = up.push(create(subj, meta), withTree);
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
          .put("included_paths", new JsonArray(includes))
          .put("file_count", listing.files().size())
          .put("total_bytes", listing.totalBytes())
          .put("empty_dir_count", listing.emptyDirs().size())
          .put("note", note)
          .put("producer", producer)
          .put("subject", subj)
          .put("server", options.serverUrl());
      Files.writeString(base.resolve(INDEX_FILE), record.encode() + "\n",
          StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
          StandardOpenOption.WRITE);
      if (json()) {
        printJson(record.copy().put("bytes_sent", result.bytesSent())
            .put("files_uploaded", result.sentFiles())
            .put("files_by_digest", result.byDigest()));
      } else {
        PushCommands.report(this, result);
        println("recorded in " + base.resolve(INDEX_FILE));
      }
      return ExitCodes.OK;
    }

    private JsonObject create(String subj, JsonObject archive) {
      return new JsonObject().put("producer", producer).put("subject", subj)
          .put("retention_class", retentionClass)
          .put("metadata", new JsonObject().put("archive", archive));
    }
  }

  /** Reads an index file; lines that are not JSON objects are reported and skipped. */
  static List<JsonObject> readIndex(Path dir, java.io.PrintWriter err) throws IOException {
    Path index = dir.resolve(INDEX_FILE);
    List<JsonObject> out = new ArrayList<>();
    if (!Files.exists(index)) {
      return out;
    }
    int n = 0;
    for (String line : Files.readAllLines(index, StandardCharsets.UTF_8)) {
      n++;
      if (line.isBlank()) {
        continue;
      }
      try {
        out.add(new JsonObject(line));
      } catch (DecodeException | ClassCastException e) {
        err.println("artifact-store: " + index + " line " + n + " is not a record; skipped");
      }
    }
    return out;
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
      List<JsonObject> records = readIndex(dir, err());
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
        printJson(new JsonObject().put("index", dir.resolve(INDEX_FILE).toString())
            .put("server", client.base()).put("server_reachable", reachable)
            .put("archives", out));
        return ExitCodes.OK;
      }
      if (records.isEmpty()) {
        println("no archives recorded in " + dir.resolve(INDEX_FILE));
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

    @Override
    public Integer call() throws IOException {
      ApiClient client = client();
      JsonObject pkg = find(client, ref);
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
      // Every path is checked before anything is written.
      Map<String, Path> dests = new LinkedHashMap<>();
      for (JsonObject f : files) {
        dests.put(f.getString("path"), SafePaths.resolve(root, f.getString("path")));
      }
      Files.createDirectories(root);
      Downloader d = new Downloader(client);
      JsonObject tree = new JsonObject();
      if (treeEntry != null) {
        tree = readTree(d, id, root, treeEntry);
      } else if (archive != null && archive.getJsonObject("tree") != null) {
        tree = archive.getJsonObject("tree");
      }
      JsonObject fileAttrs = tree.getJsonObject("files", new JsonObject());
      JsonObject emptyDirs = tree.getJsonObject("empty_dirs", new JsonObject());
      Map<String, Path> dirDests = new LinkedHashMap<>();
      for (String dir : emptyDirs.fieldNames()) {
        dirDests.put(dir, SafePaths.resolve(root, dir));
      }
      long bytes = 0;
      try (Progress p = Progress.start(err(), json(), "restore", files.size(),
          TransferCommands.totalBytes(files))) {
        for (JsonObject f : files) {
          String path = f.getString("path");
          Path dest = dests.get(path);
          Files.createDirectories(dest.getParent());
          Path tmp = Files.createTempFile(root, ".artifact-store-restore-", ".part");
          try {
            d.fetchExact(id, path, tmp, f.getLong("size"), f.getString("sha256"), p);
            Files.move(tmp, dest, StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
          } finally {
            Files.deleteIfExists(tmp);
          }
          apply(dest, fileAttrs.getJsonObject(path));
          bytes += f.getLong("size");
          p.fileDone();
        }
      }
      for (Path dir : dirDests.values()) {
        Files.createDirectories(dir);
      }
      for (Map.Entry<String, Path> e : dirDests.entrySet()) {
        apply(e.getValue(), emptyDirs.getJsonObject(e.getKey()));
      }
      if (json()) {
        printJson(new JsonObject().put("package_id", id).put("manifest_digest", digest)
            .put("target", root.toString()).put("file_count", files.size())
            .put("total_bytes", bytes).put("empty_dirs", dirDests.size()));
      } else {
        println("restored " + id + " (" + digest + ") into " + root + ": " + files.size()
            + " files, " + Progress.size(bytes) + ", " + dirDests.size()
            + " empty folders; every digest verified");
      }
      return ExitCodes.OK;
    }

    private static JsonObject readTree(Downloader d, String id, Path root, JsonObject entry)
        throws IOException {
      Path tmp = Files.createTempFile(root, ".artifact-store-tree-", ".part");
      try {
        d.fetchExact(id, entry.getString("path"), tmp, entry.getLong("size"),
            entry.getString("sha256"), Progress.start(null, true, "", 0, 0));
        return new JsonObject(Files.readString(tmp));
      } catch (DecodeException e) {
        throw new ClientException(ExitCodes.FAILED, "the archive's tree file is not JSON");
      } finally {
        Files.deleteIfExists(tmp);
      }
    }

    private static void apply(Path p, JsonObject attrs) throws IOException {
      if (attrs == null) {
        return;
      }
      if (attrs.getString("mtime") != null) {
        Files.setLastModifiedTime(p, FileTime.from(Instant.parse(attrs.getString("mtime"))));
      }
      if (attrs.getString("mode") != null && posix()) {
        Files.setPosixFilePermissions(p, permissions(attrs.getString("mode")));
      }
    }
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
