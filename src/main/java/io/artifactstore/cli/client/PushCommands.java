package io.artifactstore.cli.client;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code push} and {@code push-run}: one package from a directory. */
public final class PushCommands {

  private PushCommands() {}

  static List<Uploader.Item> items(FileSelection.Listing listing) {
    List<Uploader.Item> items = new ArrayList<>();
    for (FileSelection.Entry e : listing.files()) {
      items.add(new Uploader.Item(e.file(), e.path(), e.size()));
    }
    return items;
  }

  static void report(ClientCommand cmd, Uploader.Result r) {
    if (cmd.json()) {
      cmd.printJson(r.toJson());
      return;
    }
    cmd.println("package   " + r.pkg().getString("id"));
    cmd.println("manifest  " + r.pkg().getString("manifest_digest"));
    cmd.println("files     " + r.files() + " (" + Progress.size(r.totalBytes()) + "): "
        + r.sentFiles() + " uploaded (" + Progress.size(r.bytesSent()) + " sent), "
        + r.byDigest() + " added by digest"
        + (r.resumed() ? ", " + r.skipped() + " already there (resumed)" : ""));
  }

  /** {@code push <dir>}. */
  @Command(name = "push", sortOptions = false,
      description = "Create a package from the files of a directory, upload them concurrently "
          + "(by digest when the server already holds the content) and finalize it.")
  public static final class Push extends ClientCommand {

    @Parameters(index = "0", paramLabel = "DIR", description = "The directory to push.")
    Path dir;

    @Option(names = "--include", paramLabel = "PATTERN",
        description = "Take only files matching a pattern, gitignore rules (repeatable; "
            + "default: every file).")
    List<String> include = new ArrayList<>();

    @Option(names = "--exclude", paramLabel = "PATTERN",
        description = "Leave out files and folders matching a pattern, gitignore rules "
            + "(repeatable).")
    List<String> exclude = new ArrayList<>();

    @Option(names = "--dry-run", description = "List the files that would be sent; send "
        + "nothing.")
    boolean dryRun;

    @Mixin
    ResumeOptions resume;

    @Option(names = "--producer", required = true, description = "The package's producer.")
    String producer;

    @Option(names = "--subject",
        description = "The package's subject (default: the directory's name).")
    String subject;

    @Option(names = "--retention-class", paramLabel = "CLASS",
        description = "Retention class (default: the server's default class).")
    String retentionClass;

    @Option(names = "--meta", paramLabel = "KEY=VALUE",
        description = "A metadata entry (repeatable; string values; over --meta-file).")
    Map<String, String> meta = new java.util.LinkedHashMap<>();

    @Option(names = "--meta-file", paramLabel = "FILE",
        description = "A JSON object file whose members become metadata.")
    Path metaFile;

    @Option(names = "--parallel", paramLabel = "N", defaultValue = "4",
        description = "Files uploaded at a time (default ${DEFAULT-VALUE}).")
    int parallel;

    @Override
    public Integer call() {
      JsonObject metadata = new JsonObject();
      if (metaFile != null) {
        metadata.mergeIn(readJsonObject(metaFile, "--meta-file"));
      }
      meta.forEach(metadata::put);
      FileSelection.Listing listing = new FileSelection(include, exclude).walk(dir);
      if (listing.files().isEmpty()) {
        throw new ClientException(ExitCodes.USAGE, "no file of " + dir + " is selected");
      }
      if (dryRun) {
        return DryRun.print(this, listing);
      }
      JsonObject create = new JsonObject().put("producer", producer)
          .put("subject", subject != null ? subject : name(dir)).put("metadata", metadata);
      if (retentionClass != null) {
        create.put("retention_class", retentionClass);
      }
      Uploader up = new Uploader(client(), parallel, err(), json());
      PushState state = resume.state(options.serverUrl(), dir, create, include, exclude);
      report(this, up.push(create, items(listing), state, resume.noResume));
      return ExitCodes.OK;
    }
  }

  /** {@code push-run <run-dir>}: an assessment run directory, metadata from its summary. */
  @Command(name = "push-run", sortOptions = false,
      description = "Ingest an assessment run directory as one package; its metadata comes "
          + "from the run's summary file (docs/producers.md).")
  public static final class PushRun extends ClientCommand {

    @Parameters(index = "0", paramLabel = "RUN_DIR", description = "The run directory.")
    Path dir;

    @Option(names = "--summary", paramLabel = "FILE", defaultValue = RunSummary.FILE,
        description = "The summary file, relative to the run directory "
            + "(default ${DEFAULT-VALUE}).")
    String summary;

    @Option(names = "--producer", defaultValue = "assessment-run",
        description = "The package's producer (default ${DEFAULT-VALUE}).")
    String producer;

    @Option(names = "--subject", description = "The package's subject (default: the run id).")
    String subject;

    @Option(names = "--retention-class", paramLabel = "CLASS",
        description = "Retention class (default: the server's default class).")
    String retentionClass;

    @Option(names = "--exclude", paramLabel = "PATTERN",
        description = "Leave out files and folders matching a pattern, gitignore rules "
            + "(repeatable).")
    List<String> exclude = new ArrayList<>();

    @Option(names = "--parallel", paramLabel = "N", defaultValue = "4",
        description = "Files uploaded at a time (default ${DEFAULT-VALUE}).")
    int parallel;

    @Option(names = "--dry-run", description = "Check the summary and list the files that "
        + "would be sent; send nothing.")
    boolean dryRun;

    @Mixin
    ResumeOptions resume;

    @Override
    public Integer call() {
      if (!Files.isDirectory(dir)) {
        throw new ClientException(ExitCodes.USAGE, dir + " is not a directory");
      }
      JsonObject metadata = RunSummary.read(dir, summary);
      FileSelection.Listing listing = new FileSelection(List.of(), exclude).walk(dir);
      boolean summaryKept = listing.files().stream()
          .anyMatch(e -> e.path().equals(metadata.getString("run_summary")));
      if (!summaryKept) {
        throw new ClientException(ExitCodes.USAGE, "--exclude leaves out the summary file "
            + metadata.getString("run_summary"));
      }
      if (dryRun) {
        return DryRun.print(this, listing);
      }
      JsonObject create = new JsonObject().put("producer", producer)
          .put("subject", subject != null ? subject : metadata.getString("run_id"))
          .put("metadata", metadata);
      if (retentionClass != null) {
        create.put("retention_class", retentionClass);
      }
      Uploader up = new Uploader(client(), parallel, err(), json());
      PushState state = resume.state(options.serverUrl(), dir, create, List.of(), exclude);
      report(this, up.push(create, items(listing), state, resume.noResume));
      return ExitCodes.OK;
    }
  }

  static JsonObject readJsonObject(Path file, String what) {
    try {
      return new JsonObject(Files.readString(file));
    } catch (IOException e) {
      throw new ClientException(ExitCodes.USAGE, "cannot read " + what + " " + file + ": "
          + e.getMessage());
    } catch (DecodeException | ClassCastException e) {
      throw new ClientException(ExitCodes.USAGE, what + " " + file
          + " is not a JSON object: " + e.getMessage());
    }
  }

  static String name(Path dir) {
    Path n = dir.toAbsolutePath().normalize().getFileName();
    return n == null ? "root" : n.toString();
  }

  /** The run summary file: its shape is documented in docs/producers.md. */
  static final class RunSummary {

    static final String FILE = "run-summary.json";

    private RunSummary() {}

    /** The package metadata from the run's summary; a usage error (exit 2) if invalid. */
    static JsonObject read(Path dir, String relative) {
      Path file;
      String logical;
      try {
        file = SafePaths.resolve(dir, relative);
        logical = FileSelection.logical(dir.toAbsolutePath().normalize()
            .relativize(file));
      } catch (ClientException e) {
        throw new ClientException(ExitCodes.USAGE, "invalid --summary: " + e.getMessage());
      }
      if (!Files.isRegularFile(file)) {
        throw new ClientException(ExitCodes.USAGE, "no run summary: " + file
            + " does not exist (see docs/producers.md for the run directory's shape)");
      }
      JsonObject s = readJsonObject(file, "run summary");
      String where = "run summary " + file + ": ";
      JsonObject m = new JsonObject();
      m.put("run_id", requiredString(s, "run_id", where));
      m.put("target_profile", requiredString(s, "target_profile", where));
      m.put("assessment_profile", requiredString(s, "assessment_profile", where));
      m.put("evidence_results", counts(s, "evidence_results", where));
      m.put("findings", counts(s, "findings", where));
      Object commits = s.getValue("source_commits");
      if (!(commits instanceof JsonArray arr)) {
        throw new ClientException(ExitCodes.USAGE, where
            + "source_commits must be a list of {repo, commit}");
      }
      JsonArray outCommits = new JsonArray();
      for (Object o : arr) {
        if (!(o instanceof JsonObject c) || !(c.getValue("repo") instanceof String repo)
            || repo.isBlank() || !(c.getValue("commit") instanceof String commit)
            || commit.isBlank()) {
          throw new ClientException(ExitCodes.USAGE, where
              + "every source_commits entry needs a non-empty repo and commit");
        }
        outCommits.add(new JsonObject().put("repo", repo).put("commit", commit));
      }
      m.put("source_commits", outCommits);
      Object reports = s.getValue("reports");
      if (!(reports instanceof JsonArray rarr)) {
        throw new ClientException(ExitCodes.USAGE, where
            + "reports must be a list of paths relative to the run directory");
      }
      JsonArray outReports = new JsonArray();
      for (Object o : rarr) {
        if (!(o instanceof String r)) {
          throw new ClientException(ExitCodes.USAGE, where + "reports must hold strings");
        }
        Path p;
        try {
          p = SafePaths.resolve(dir, r);
        } catch (ClientException e) {
          throw new ClientException(ExitCodes.USAGE, where + "report path: " + e.getMessage());
        }
        if (!Files.isRegularFile(p)) {
          throw new ClientException(ExitCodes.USAGE, where + "report " + r
              + " is not a file in the run directory");
        }
        outReports.add(r);
      }
      m.put("reports", outReports);
      for (String opt : new String[] {"started_at", "finished_at"}) {
        if (s.getValue(opt) instanceof String v) {
          m.put(opt, v);
        }
      }
      m.put("run_summary", logical);
      return m;
    }

    private static String requiredString(JsonObject s, String key, String where) {
      if (!(s.getValue(key) instanceof String v) || v.isBlank()) {
        throw new ClientException(ExitCodes.USAGE, where + key
            + " is missing or not a non-empty string");
      }
      return v;
    }

    private static JsonObject counts(JsonObject s, String key, String where) {
      if (!(s.getValue(key) instanceof JsonObject o)) {
        throw new ClientException(ExitCodes.USAGE, where + key
            + " must be an object of counts, e.g. {\"pass\": 3}");
      }
      JsonObject out = new JsonObject();
      for (Map.Entry<String, Object> e : o) {
        if (!(e.getValue() instanceof Number n) || n.longValue() < 0
            || n.doubleValue() != n.longValue()) {
          throw new ClientException(ExitCodes.USAGE, where + key + "." + e.getKey()
              + " must be a whole number >= 0");
        }
        out.put(e.getKey(), n.longValue());
      }
      return out;
    }
  }
}
