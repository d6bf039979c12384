package io.artifactstore.cli.client;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One refreshed progress line on standard error (files done/total, bytes, rate, ETA), shown only
 * when the command runs on a terminal and not with {@code --json}; otherwise it counts silently.
 */
public final class Progress implements AutoCloseable {

  private final PrintWriter err;
  private final String label;
  private final int totalFiles;
  private final AtomicLong totalBytes;
  private final AtomicInteger files = new AtomicInteger();
  private final AtomicLong bytes = new AtomicLong();
  private final long started = System.nanoTime();
  private final Thread ticker;
  private volatile boolean closed;
  private int lastWidth;

  private Progress(PrintWriter err, String label, int totalFiles, long totalBytes,
      boolean shown) {
    this.err = err;
    this.label = label;
    this.totalFiles = totalFiles;
    this.totalBytes = new AtomicLong(totalBytes);
    if (shown) {
      ticker = new Thread(this::tick, "artifact-store-progress");
      ticker.setDaemon(true);
      ticker.start();
    } else {
      ticker = null;
    }
  }

  /** Shown on a terminal (a console is attached) unless {@code json}. */
  public static Progress start(PrintWriter err, boolean json, String label, int totalFiles,
      long totalBytes) {
    return new Progress(err, label, totalFiles, totalBytes,
        !json && System.console() != null);
  }

  public void addBytes(long n) {
    bytes.addAndGet(n);
  }

  /** Sets the total when it was not known at the start (a single download). */
  public void totalIfUnknown(long bytes) {
    totalBytes.compareAndSet(0, Math.max(0, bytes));
  }

  public void fileDone() {
    files.incrementAndGet();
  }

  private void tick() {
    while (!closed) {
      render();
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private synchronized void render() {
    long done = bytes.get();
    double secs = Math.max(1e-3, (System.nanoTime() - started) / 1e9);
    double rate = done / secs;
    // An estimate from the first instants (a few bytes, or time spent hashing before sending)
    // is noise: wait for a second and a mebibyte of data.
    boolean settled = secs >= 1 && done >= 1024 * 1024;
    long total = totalBytes.get();
    String eta = settled && rate > 0 && total > done
        ? duration((long) ((total - done) / rate)) : "--:--";
    String line = String.format(Locale.ROOT, "%s %d/%d files  %s/%s  %s/s  ETA %s", label,
        files.get(), totalFiles, size(done), size(total), size((long) rate), eta);
    int pad = Math.max(0, lastWidth - line.length());
    lastWidth = line.length();
    err.print("\r" + line + " ".repeat(pad));
    err.flush();
  }

  @Override
  public void close() {
    if (ticker != null && !closed) {
      closed = true;
      ticker.interrupt();
      try {
        ticker.join(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      render();
      err.println();
      err.flush();
    }
    closed = true;
  }

  /** A byte count for people: 1.5 MiB. */
  public static String size(long n) {
    if (n < 1024) {
      return n + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = n;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  static String duration(long secs) {
    return secs >= 3600
        ? String.format(Locale.ROOT, "%d:%02d:%02d", secs / 3600, secs / 60 % 60, secs % 60)
        : String.format(Locale.ROOT, "%d:%02d", secs / 60, secs % 60);
  }
}
