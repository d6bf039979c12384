package io.artifactstore.cli;

import io.artifactstore.audit.AuditLog;
import io.artifactstore.config.AppConfig;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code audit verify}: walks the event log's digest chain. */
@Command(name = "audit", description = "Audit log commands.",
    subcommands = {AuditCommand.Verify.class})
public final class AuditCommand {

  /** Exit 0 and the head when the chain is intact; exit 1 and the first break otherwise. */
  @Command(name = "verify",
      description = "Check every event's payload digest and chain digest; report the first "
          + "break, or the head digest and the number of events.")
  public static final class Verify implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      AppConfig cfg = config.load();
      JsonObject result = OnEventLog.run(cfg, log -> new AuditLog(log).verify());
      boolean ok = result.getBoolean("ok");
      if (json) {
        System.out.println(result.encode());
      } else if (ok) {
        System.out.println("audit log intact: " + result.getLong("events") + " events, head "
            + result.getValue("head_seq") + " sha256:" + result.getString("head_digest"));
      } else {
        JsonObject b = result.getJsonObject("first_break");
        System.out.println("audit log BROKEN at event " + b.getLong("seq") + ": "
            + b.getString("problem") + " (" + result.getLong("events_checked")
            + " events before it are intact)");
      }
      return ok ? 0 : 1;
    }
  }
}
