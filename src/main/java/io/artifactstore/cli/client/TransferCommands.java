package io.artifactstore.cli.client;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code get}, {@code pull} and {@code verify}: files back from the server. */
public final class TransferCommands {

  private TransferCommands() {}

  /** The package's files (from {@code GET /v1/packages/{id}}). */
  static List<JsonObject> files(JsonObject pkg) {
    List<JsonObject> out = new ArrayList<>();
    JsonArray files = pkg.getJsonArray("files", new JsonArray());
    for (int i = 0; i < files.size(); i++) {
      out.add(files.getJsonObject(i));
    }
    return out;
  }

  static long totalBytes(List<JsonObject> files) {
    return files.stream().mapToLong(f -> f.getLong("size", 0L)).sum();
  }

  /** {@code get <package> <path> [-o file]}. */
  @Command(name = "get", sortOptions = false,
      description = "Download one file; an interrupted download (FILE.part) is resumed while "
          + "the file is unchanged (Range + If-Range with its recorded ETag), and the SHA-256 "
          + "is checked before FILE is replaced.")
  public static final class Get extends ClientCommand {

    @Parameters(index = "0", paramLabel = "PACKAGE", description = "The package id.")
    String pkg;

    @Parameters(index = "1", paramLabel = "PATH", description = "The file's logical path.")
    String path;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
        description = "Where to write (default: the path's last segment, here).")
    Path output;

    @Override
    public Integer call() {
      Path out = output != null ? output : Path.of(path.substring(path.lastIndexOf('/') + 1));
      Downloader.Result r;
      try (Progress p = Progress.start(err(), json(), "get", 1, 0)) {
        r = new Downloader(client()).fetch(pkg, path, out, p);
        p.fileDone();
      }
      if (json()) {
        printJson(new JsonObject().put("path", path).put("file", out.toString())
            .put("size", r.size()).put("sha256", r.sha256())
            .put("resumed_from", r.resumedFrom()).put("bytes_received", r.received())
            .put("already_complete", r.alreadyComplete()).put("restarted", r.restarted()));
      } else {
        println(out + ": " + Progress.size(r.size()) + ", sha256 " + r.sha256() + " verified"
            + (r.alreadyComplete() ? " (already complete)"
                : r.resumedFrom() > 0 ? " (resumed at byte " + r.resumedFrom() + ")"
                : r.restarted() ? " (the partial download was not of this version: "
                    + "downloaded from the start)" : ""));
      }
      return ExitCodes.OK;
    }
  }

  /** {@code pull <package> <dir>}. */
  @Command(name = "pull", sortOptions = false,
      description = "Download every file of a package into a directory; files already complete "
          + "with the right digest are skipped, partial ones resumed.")
  public static final class Pull extends ClientCommand {

    @Parameters(index = "0", paramLabel = "PACKAGE", description = "The package id.")
    String pkg;

    @Parameters(index = "1", paramLabel = "DIR", description = "The directory to write into.")
    Path dir;

    @Override
    public Integer call() throws IOException {
      ApiClient client = client();
      List<JsonObject> files = files(client.getJson(ApiClient.packagePath(pkg)));
      List<Path> dests = new ArrayList<>();
      for (JsonObject f : files) {
        dests.add(SafePaths.resolve(dir, f.getString("path")));
      }
      Files.createDirectories(dir);
      Downloader d = new Downloader(client);
      int fetched = 0;
      int skipped = 0;
      List<String> failures = new ArrayList<>();
      try (Progress p = Progress.start(err(), json(), "pull", files.size(), totalBytes(files))) {
        for (int i = 0; i < files.size(); i++) {
          JsonObject f = files.get(i);
          Path dest = dests.get(i);
          try {
            if (Files.isRegularFile(dest) && Files.size(dest) == f.getLong("size")
                && Hashing.sha256(dest).equals(f.getString("sha256"))) {
              skipped++;
              p.addBytes(f.getLong("size"));
            } else {
              Files.createDirectories(dest.getParent());
              d.fetch(pkg, f.getString("path"), dest, p);
              fetched++;
            }
          } catch (ClientException e) {
            if (e.exitCode() == ExitCodes.UNREACHABLE) {
              throw e;
            }
            failures.add(f.getString("path") + ": " + e.getMessage());
          }
          p.fileDone();
        }
      }
      if (json()) {
        printJson(new JsonObject().put("package", pkg).put("files", files.size())
            .put("fetched", fetched).put("skipped", skipped)
            .put("failures", new JsonArray(failures)));
      } else {
        for (String f : failures) {
          err().println("artifact-store: " + f);
        }
        println(files.size() + " files: " + fetched + " fetched, " + skipped
            + " already complete" + (failures.isEmpty() ? "" : ", " + failures.size()
                + " FAILED"));
      }
      return failures.isEmpty() ? ExitCodes.OK : ExitCodes.FAILED;
    }
  }

  /** {@code verify <package>}. */
  @Command(name = "verify", sortOptions = false,
      description = "Check the manifest against the package's manifest digest, then download "
          + "and re-hash every file (SHA-256 and BLAKE3); exit 1 on any mismatch.")
  public static final class Verify extends ClientCommand {

    @Parameters(index = "0", paramLabel = "PACKAGE", description = "The package id.")
    String pkg;

    @Option(names = "--key", paramLabel = "PEM", description = "Check the manifest the server "
        + "signed at finalize with this public key (PEM; GET /v1/keys), trusting nothing else "
        + "the server says: the files are checked against the signed manifest.")
    Path key;

    @Override
    public Integer call() {
      ApiClient client = client();
      JsonObject p = client.getJson(ApiClient.packagePath(pkg));
      String expected = p.getString("manifest_digest");
      if (expected == null) {
        throw new ClientException(ExitCodes.FAILED, "package " + pkg + " is "
            + p.getString("status") + ": it has no manifest to verify");
      }
      List<String> problems = new ArrayList<>();
      String actual;
      JsonObject manifest;
      if (key != null) {
        java.security.PublicKey publicKey;
        try {
          publicKey = io.artifactstore.attestations.TrustedKeys.parsePem(
              Files.readString(key, StandardCharsets.US_ASCII));
        } catch (IOException | java.security.GeneralSecurityException
            | IllegalArgumentException e) {
          throw new ClientException(ExitCodes.USAGE, key + ": not a PEM public key ("
              + e.getMessage() + ")");
        }
        HttpResponse<byte[]> signed = client.getBytes(ApiClient.packagePath(pkg)
            + "/manifest.intoto.json");
        String signer;
        try {
          io.artifactstore.attestations.SignedManifests.Verified v =
              io.artifactstore.attestations.SignedManifests.verify(signed.body(), publicKey);
          signer = v.keyid();
          manifest = v.manifest();
          actual = v.manifestDigest();
        } catch (IllegalArgumentException e) {
          throw new ClientException(ExitCodes.FAILED, "signed manifest of " + pkg + ": "
              + e.getMessage());
        }
        // The signature covers the package id: another package's genuine manifest is refused.
        if (!pkg.equals(manifest.getString("package_id"))) {
          throw new ClientException(ExitCodes.FAILED, "the server answered for package " + pkg
              + " with the signed manifest of package " + manifest.getString("package_id"));
        }
        if (!json()) {
          println("signed by " + signer + ": package " + pkg + " of "
              + manifest.getString("producer") + " / " + manifest.getString("subject")
              + ", finalized " + manifest.getString("finalized_at"));
        }
        if (!actual.equals(expected)) {
          problems.add("manifest: the signed manifest is " + actual + ", the package says "
              + expected);
        }
      } else {
        HttpResponse<byte[]> m = client.getBytes(ApiClient.packagePath(pkg) + "/manifest");
        actual = "sha256:" + Hashing.sha256(m.body());
        if (!actual.equals(expected)) {
          problems.add("manifest: digest " + actual + ", package says " + expected);
        }
        manifest = new JsonObject(new String(m.body(), StandardCharsets.UTF_8));
      }
      List<JsonObject> files = files(manifest);
      Downloader d = new Downloader(client);
      int ok = 0;
      try (Progress pr = Progress.start(err(), json(), "verify", files.size(),
          totalBytes(files))) {
        for (JsonObject f : files) {
          String path = f.getString("path");
          try {
            Hashing h = d.hashRemote(pkg, path, pr);
            List<String> bad = new ArrayList<>();
            if (h.size() != f.getLong("size")) {
              bad.add("size " + h.size() + " != " + f.getLong("size"));
            }
            String sha = h.sha256Hex();
            if (!sha.equals(f.getString("sha256"))) {
              bad.add("sha256 " + sha + " != " + f.getString("sha256"));
            }
            String b3 = h.blake3Hex();
            if (!b3.equals(f.getString("blake3"))) {
              bad.add("blake3 " + b3 + " != " + f.getString("blake3"));
            }
            if (bad.isEmpty()) {
              ok++;
            } else {
              problems.add(path + ": " + String.join(", ", bad));
            }
          } catch (ClientException e) {
            if (e.exitCode() == ExitCodes.UNREACHABLE) {
              throw e;
            }
            problems.add(path + ": " + e.getMessage());
          }
          pr.fileDone();
        }
      }
      if (json()) {
        printJson(new JsonObject().put("package", pkg).put("ok", problems.isEmpty())
            .put("manifest_digest", expected).put("files", files.size())
            .put("files_ok", ok).put("problems", new JsonArray(problems)));
      } else {
        for (String pb : problems) {
          println("MISMATCH " + pb);
        }
        println((problems.isEmpty() ? "OK " : "FAILED ") + pkg + ": manifest "
            + (actual.equals(expected) ? "ok" : "MISMATCH") + ", " + ok + "/" + files.size()
            + " files ok");
      }
      return problems.isEmpty() ? ExitCodes.OK : ExitCodes.FAILED;
    }
  }
}
