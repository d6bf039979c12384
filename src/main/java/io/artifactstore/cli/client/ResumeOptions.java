package io.artifactstore.cli.client;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** How {@code push}, {@code push-run} and {@code archive} resume an unfinished package. */
public final class ResumeOptions {

  @Option(names = "--state-dir", paramLabel = "DIR",
      description = "Where unfinished pushes are remembered (env ARTIFACTSTORE_STATE_DIR; "
          + "default $XDG_STATE_HOME/artifact-store or ~/.local/state/artifact-store).")
  Path stateDir;

  @Option(names = "--no-resume", description = "Start a new package even when this push left "
      + "one unfinished before.")
  boolean noResume;

  /** The state of this push of {@code dir}. */
  PushState state(String server, Path dir, JsonObject create, List<String> include,
      List<String> exclude) {
    return PushState.of(PushState.stateDir(stateDir), server, dir, create, include, exclude);
  }
}
