package io.artifactstore.cli;

import io.artifactstore.config.AppConfig;
import io.artifactstore.config.ConfigLoader;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --config} option shared by the server commands. */
public final class ConfigOption {

  @Option(names = {"-c", "--config"}, paramLabel = "FILE",
      description = "Configuration file (JSON) over the built-in defaults; "
          + "ARTIFACTSTORE_* environment variables override both.")
  Path file;

  /** Loads the configuration; a bad value fails with a message naming its key. */
  public AppConfig load() {
    return ConfigLoader.load(file, System.getenv());
  }
}
