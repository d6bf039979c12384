package io.artifactstore.cli;

import io.artifactstore.config.AppConfig;
import io.artifactstore.events.ViewRebuilder;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code rebuild-views}: replays the event log into fresh views, in one transaction. */
@Command(name = "rebuild-views",
    description = "Rebuild every view table from the event log (checks the chain on the way).")
public final class RebuildViewsCommand implements Callable<Integer> {

  @Mixin
  ConfigOption config;

  @Override
  public Integer call() throws Exception {
    AppConfig cfg = config.load();
    try {
      long n = OnEventLog.run(cfg, log -> new ViewRebuilder(log).rebuild());
      System.out.println("rebuilt the views from " + n + " events");
      return 0;
    } catch (IllegalStateException e) {
      System.err.println("artifact-store: rebuild failed: " + e.getMessage());
      return 1;
    }
  }
}
