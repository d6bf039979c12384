package io.artifactstore.support;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Records what the server logs (java.util.logging, which the server, Vert.x and Netty write to)
 * from {@link #start} until {@link #close}, for tests that assert what is, or is not, logged.
 */
public final class LogCapture extends Handler implements AutoCloseable {

  private final List<LogRecord> records = new ArrayList<>();

  private LogCapture() {
    setLevel(Level.ALL);
  }

  public static LogCapture start() {
    LogCapture capture = new LogCapture();
    Logger.getLogger("").addHandler(capture);
    return capture;
  }

  @Override
  public synchronized void publish(LogRecord record) {
    if (isLoggable(record)) {
      records.add(record);
    }
  }

  /** Records at WARNING or above, or with a stack trace, as one line each. */
  public synchronized List<String> warningsOrStackTraces() {
    List<String> out = new ArrayList<>();
    for (LogRecord r : records) {
      if (r.getLevel().intValue() >= Level.WARNING.intValue() || r.getThrown() != null) {
        out.add(r.getLevel() + " " + r.getLoggerName() + ": " + r.getMessage()
            + (r.getThrown() != null ? " [" + r.getThrown() + "]" : ""));
      }
    }
    return out;
  }

  /** Every captured message, formatted with its parameters. */
  public synchronized List<String> messages() {
    java.util.logging.SimpleFormatter format = new java.util.logging.SimpleFormatter();
    List<String> out = new ArrayList<>();
    for (LogRecord r : records) {
      out.add(format.formatMessage(r));
    }
    return out;
  }

  public synchronized void clear() {
    records.clear();
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    Logger.getLogger("").removeHandler(this);
  }
}
