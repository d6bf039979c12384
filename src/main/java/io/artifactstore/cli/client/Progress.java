package io.artifactstore.cli.client;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;
import me.tongfei.progressbar.ProgressState;

/**
 * The progress of a transfer: one refreshed line on standard error, shown whenever stderr is a
 * terminal ({@link Terminals}), whatever stdin and stdout are, and never with {@code --json}:
 * {@code get  37% [=====      ] 1130/3072KiB (0:00:01 / 0:00:02) 1130.0KiB/s 2/5 files}, that
 * is done/total in a unit chosen from the total, time elapsed / time left (ETA), rate, and the
 * files done for a transfer of several. Otherwise it only counts. The ETA is shown once a
 * second and a mebibyte have passed; before, {@code ?}.
 */
public final class Progress implements AutoCloseable {

  /** The progress line shown on each stream now, so that other lines keep out of it. */
  private static final Map<PrintWriter, LineConsumer> SHOWN = new ConcurrentHashMap<>();

  private static final long SETTLED_BYTES = 1024 * 1024;
  private static final Duration SETTLED_TIME = Duration.ofSeconds(1);

  private final PrintWriter err;
  private final String label;
  private final int totalFiles;
  private final boolean shown;
  private final AtomicInteger files = new AtomicInteger();
  private long total;
  private long pending;
  private ProgressBar bar;

  private Progress(PrintWriter err, String label, int totalFiles, long totalBytes,
      boolean shown) {
    this.err = err;
    this.label = label;
    this.totalFiles = totalFiles;
    this.total = totalBytes;
    this.shown = shown;
    if (shown && totalBytes > 0) {
      bar();
    }
  }

  /**
   * A progress of {@code totalFiles} files and {@code totalBytes} bytes (0 when not yet known),
   * shown on {@code err} when stderr is a terminal and not {@code json}.
   */
  public static Progress start(PrintWriter err, boolean json, String label, int totalFiles,
      long totalBytes) {
    return new Progress(err, label, totalFiles, totalBytes,
        !json && err != null && Terminals.stderrIsTerminal());
  }

  /**
   * Prints {@code line} on {@code err} as a line of its own (a retry, an interruption): a
   * progress line shown there is cleared first, or the line would be written into its middle;
   * the progress line is drawn again below at its next refresh.
   */
  public static void println(PrintWriter err, String line) {
    LineConsumer shown = SHOWN.get(err);
    if (shown != null) {
      shown.println(line);
      return;
    }
    err.println(line);
    err.flush();
  }

  /** Whether the line is shown. */
  public boolean shown() {
    return shown;
  }

  /** Counts {@code n} more bytes done (negative to take back an attempt that is redone). */
  public synchronized void addBytes(long n) {
    if (bar != null) {
      bar.stepBy(n);
    } else {
      pending += n;
    }
  }

  /** Sets the total when it was not known at the start (a single download). */
  public synchronized void totalIfUnknown(long bytes) {
    if (total <= 0 && bytes > 0) {
      total = bytes;
      if (shown) {
        bar();
      }
    }
  }

  public synchronized void fileDone() {
    int done = files.incrementAndGet();
    if (bar != null && totalFiles > 1) {
      bar.setExtraMessage(" " + done + "/" + totalFiles + " files");
    }
  }

  private void bar() {
    long unit = total >= 10L << 30 ? 1L << 30 : total >= 10L << 20 ? 1L << 20
        : total >= 10L << 10 ? 1L << 10 : 1;
    String unitName = unit == 1L << 30 ? "GiB" : unit == 1L << 20 ? "MiB"
        : unit == 1L << 10 ? "KiB" : "B";
    LineConsumer line = new LineConsumer(err, Terminals.stderrWidth());
    SHOWN.put(err, line);
    bar = new ProgressBarBuilder().setTaskName(label).setInitialMax(total)
        .setUnit(unitName, unit).showSpeed().setStyle(ProgressBarStyle.ASCII)
        .setUpdateIntervalMillis(250).continuousUpdate().setEtaFunction(Progress::eta)
        .setConsumer(line).build();
    if (totalFiles > 1) {
      bar.setExtraMessage(" " + files.get() + "/" + totalFiles + " files");
    }
    bar.stepBy(pending);
    pending = 0;
  }

  /** Time left at the rate so far; unknown until a second and a mebibyte have passed. */
  static Optional<Duration> eta(ProgressState s) {
    long moved = s.getCurrent() - s.getStart();
    Duration elapsed = s.getElapsedAfterStart();
    if (s.getMax() <= 0 || moved < SETTLED_BYTES || elapsed.compareTo(SETTLED_TIME) < 0) {
      return Optional.empty();
    }
    long left = Math.max(0, s.getMax() - s.getCurrent());
    return Optional.of(Duration.ofMillis((long) (left * (double) elapsed.toMillis() / moved)));
  }

  @Override
  public synchronized void close() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
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

  /**
   * Writes each rendering over the last one; a new line at the end. Renderings (from the bar's
   * thread) and other lines (from any thread) are printed under the lock of {@code err}.
   */
  private static final class LineConsumer implements ProgressBarConsumer {
    private final PrintWriter err;
    private final int width;
    private int drawn;

    LineConsumer(PrintWriter err, int width) {
      this.err = err;
      this.width = width;
    }

    @Override
    public int getMaxRenderedLength() {
      return width - 1;
    }

    @Override
    public void accept(String rendered) {
      synchronized (err) {
        err.print("\r" + rendered);
        err.flush();
        drawn = rendered.length();
      }
    }

    /** Blanks the drawn line and prints {@code line} in its place. */
    void println(String line) {
      synchronized (err) {
        err.print("\r" + " ".repeat(drawn) + "\r");
        err.println(line);
        err.flush();
        drawn = 0;
      }
    }

    @Override
    public void close() {
      synchronized (err) {
        SHOWN.remove(err, this);
        err.println();
        err.flush();
      }
    }
  }
}
