package io.artifactstore.storage.local;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes a new file front to back with direct I/O ({@code O_DIRECT}) where the filesystem
 * allows it, and through the page cache where it does not. Used by one thread at a time.
 *
 * <p>An upload is written once and read later, if ever: sending it through the page cache
 * costs a copy per byte, a page allocation per 4 KiB (expensive on virtual machines, where
 * memory the guest has not touched lately must be faulted in from the host), and a writeback
 * at the fsync, and it evicts data that readers want cached. Direct writes skip all of that.
 * They need aligned buffers, offsets and lengths, so bytes are gathered into one aligned
 * buffer and written a block multiple at a time; the last partial block goes through an
 * ordinary write when the file is closed.
 *
 * <p>Every {@link #FLUSH_EVERY} bytes the file is flushed ({@code fdatasync}) in the
 * background while writing goes on, so that the fsync that makes an upload durable finds
 * little left to do. Direct writes are done when the device has them, often in a volatile
 * cache: on these virtual machines an fsync after 1 GiB of direct writes took 0.6 s (the host
 * writing its cache back), most of the 0.5-0.85 s between an upload's last byte and its
 * answer. Flushed as it goes, the final fsync finds little to do (RocksDB's
 * {@code bytes_per_sync} does the same for its files). A background flush that fails fails
 * the file: its error is reported by {@link #write} or {@link #close}, never dropped, since a
 * later fsync on another descriptor need not report it again (Linux reports a writeback error
 * once per error).
 */
final class DirectFileSink implements AutoCloseable {

  /**
   * Bytes written between two background flushes of a file: 16 MiB. 4, 8 and 16 MiB did
   * equally well here (1 GiB uploads, three each: last byte to answer 0.04-0.06 s, the whole
   * upload 1.9-2.3 s against 2.35-2.5 s without); 32 MiB and more slowed the writes.
   */
  static final long FLUSH_EVERY = 16L * 1024 * 1024;
  /**
   * Flushes run here, one per file at a time: a file whose flush still runs starts the next
   * one at a later buffer fill. A flush still queued when its file closes never runs (the
   * commit's fsync covers it).
   */
  private static final java.util.concurrent.ExecutorService FLUSHERS =
      java.util.concurrent.Executors.newFixedThreadPool(2,
          new io.artifactstore.concurrent.NamedDaemonThreads("artifactstore-flush"));

  /** The aligned buffer every file starts with, in bytes: most uploads are small. */
  static final int BUFFER_BYTES = 256 * 1024;
  /**
   * The buffer of a file once {@link #GROW_AFTER} bytes are written, in bytes, while no more
   * than {@link #LARGE_BUFFERS} files have one. This machine's disk took direct writes of 1 MiB
   * at 1.1 GB/s and of 256 KiB at 0.86 GB/s ({@code dd oflag=direct}); a 1 GiB upload, bound by
   * its writes, went from 2.8 to 1.9 s (docs/benchmarks.md).
   */
  static final int LARGE_BUFFER_BYTES = 1024 * 1024;
  /** Bytes written before a file's buffer grows. */
  static final long GROW_AFTER = 4L * 1024 * 1024;
  /** Files writing through a large buffer at once (8 MiB of direct memory at most). */
  static final int LARGE_BUFFERS = 8;
  private static final int DEFAULT_ALIGNMENT = 4096;
  private static final java.util.concurrent.Semaphore LARGE =
      new java.util.concurrent.Semaphore(LARGE_BUFFERS);

  private final Path path;
  private final int alignment;
  private ByteBuffer buffer;
  private int bufferBytes = BUFFER_BYTES;
  private long written;
  private FileChannel channel;
  private final boolean direct;
  /** Flushes the channel's written data to the device; {@code FileChannel.force(false)}. */
  private final Flush flush;
  /** {@link #written} when the last background flush started. */
  private long flushedAt;
  /** The background flush in flight or last done; null before the first. */
  private java.util.concurrent.Future<?> flushing;
  /**
   * Taken by the last background flush as it starts, or by {@link #close} before it does (it
   * then never runs). {@code Future.cancel} cannot tell the two apart: a running task counts
   * as not done, and cancelling it does not stop it.
   */
  private java.util.concurrent.atomic.AtomicBoolean flushClaim;
  private int flushes;
  /** The failure of a background flush, reported by the next write or the close. */
  private volatile IOException flushFailure;

  /** How a channel's data is made durable: {@code fdatasync}, or a test's failing stand-in. */
  @FunctionalInterface
  interface Flush {
    void flush(FileChannel channel) throws IOException;
  }

  private DirectFileSink(Path path, FileChannel channel, boolean direct, int alignment,
      Flush flush) {
    this.path = path;
    this.channel = channel;
    this.direct = direct;
    this.alignment = alignment;
    this.flush = flush;
    this.buffer = takeBuffer(SMALL_POOL, BUFFER_BYTES, alignment);
  }

  /**
   * Aligned buffers are kept for reuse: direct memory is freed only when the garbage collector
   * gets to the buffer, and a stream of small uploads would otherwise allocate a buffer each.
   */
  private static final java.util.concurrent.BlockingQueue<ByteBuffer> SMALL_POOL =
      new java.util.concurrent.ArrayBlockingQueue<>(32);
  private static final java.util.concurrent.BlockingQueue<ByteBuffer> LARGE_POOL =
      new java.util.concurrent.ArrayBlockingQueue<>(LARGE_BUFFERS);

  private static ByteBuffer takeBuffer(java.util.concurrent.BlockingQueue<ByteBuffer> pool,
      int bytes, int alignment) {
    ByteBuffer b = pool.poll();
    if (b == null || b.alignmentOffset(0, alignment) != 0) {
      b = ByteBuffer.allocateDirect(bytes + alignment).alignedSlice(alignment);
    }
    b.clear().limit(bytes);
    return b;
  }

  /** Swaps the (empty) small buffer for a large one, when one is free. */
  private void grow() {
    if (LARGE.tryAcquire()) {
      ByteBuffer large;
      try {
        large = takeBuffer(LARGE_POOL, LARGE_BUFFER_BYTES, alignment);
      } catch (OutOfMemoryError e) {
        LARGE.release(); // no direct memory left for it: the small buffer does
        return;
      }
      SMALL_POOL.offer(buffer);
      buffer = large;
      bufferBytes = LARGE_BUFFER_BYTES;
    }
  }

  /** Creates {@code path}, which must not exist. */
  static DirectFileSink create(Path path) throws IOException {
    return create(path, true);
  }

  /** As above; {@code tryDirect} false writes through the page cache (the fallback). */
  static DirectFileSink create(Path path, boolean tryDirect) throws IOException {
    return create(path, tryDirect, ch -> ch.force(false));
  }

  /** As above, with the background flushes done by {@code flush} (for tests of failures). */
  static DirectFileSink create(Path path, boolean tryDirect, Flush flush) throws IOException {
    int alignment = alignment(path.getParent());
    if (tryDirect) {
      try {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT);
        return new DirectFileSink(path, ch, true, alignment, flush);
      } catch (UnsupportedOperationException | IOException e) {
        // Some filesystems refuse O_DIRECT; the page cache it is.
        Files.deleteIfExists(path);
      }
    }
    FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    return new DirectFileSink(path, ch, false, alignment, flush);
  }

  private static int alignment(Path dir) {
    try {
      long size = Files.getFileStore(dir).getBlockSize();
      return size > 0 && size <= BUFFER_BYTES && Long.bitCount(size) == 1
          ? (int) size : DEFAULT_ALIGNMENT;
    } catch (IOException | UnsupportedOperationException e) {
      return DEFAULT_ALIGNMENT;
    }
  }

  boolean isDirect() {
    return direct;
  }

  /** The size of the buffer writes go through now, in bytes. */
  int bufferBytes() {
    return bufferBytes;
  }

  /** Large buffers no open file holds. */
  static int largeBuffersFree() {
    return LARGE.availablePermits();
  }

  /** Background flushes started so far. */
  int flushes() {
    return flushes;
  }

  void write(ByteBuffer src) throws IOException {
    throwIfFlushFailed();
    while (src.hasRemaining()) {
      int n = Math.min(src.remaining(), buffer.remaining());
      ByteBuffer slice = src.slice(src.position(), n);
      buffer.put(slice);
      src.position(src.position() + n);
      if (!buffer.hasRemaining()) {
        buffer.flip();
        writeFully(channel, buffer);
        written += bufferBytes;
        buffer.clear().limit(bufferBytes);
        if (bufferBytes == BUFFER_BYTES && written >= GROW_AFTER) {
          grow();
        }
        if (written - flushedAt >= FLUSH_EVERY && (flushing == null || flushing.isDone())) {
          flushInBackground();
        }
      }
    }
  }

  private void flushInBackground() {
    FileChannel ch = channel;
    java.util.concurrent.atomic.AtomicBoolean claim = new java.util.concurrent.atomic.AtomicBoolean();
    flushedAt = written;
    flushes++;
    flushClaim = claim;
    flushing = FLUSHERS.submit(() -> {
      if (!claim.compareAndSet(false, true)) {
        return; // the file closed first: the commit's fsync covers it
      }
      try {
        flush.flush(ch);
      } catch (IOException e) {
        flushFailure = e;
      } catch (RuntimeException | Error e) {
        flushFailure = new IOException(e.toString(), e);
      }
    });
  }

  /**
   * Waits for the background flush in flight, so that the channel is not closed under it; one
   * still queued behind other files' flushes is claimed instead and never runs. Throws the
   * failure of any flush of this file.
   */
  private void awaitFlush() throws IOException {
    boolean running = flushing != null && !flushClaim.compareAndSet(false, true);
    boolean interrupted = false;
    while (running) {
      try {
        flushing.get();
        running = false;
      } catch (InterruptedException e) {
        interrupted = true;
      } catch (java.util.concurrent.ExecutionException e) {
        // The task catches every throwable into flushFailure; this only satisfies get().
        throw new IOException("flushing " + path + " failed", e.getCause());
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    throwIfFlushFailed();
  }

  /** Throws the failure of a background flush of this file, if one failed. */
  private void throwIfFlushFailed() throws IOException {
    IOException failed = flushFailure;
    if (failed != null) {
      throw new IOException("flushing " + path + " failed: " + failed.getMessage(), failed);
    }
  }

  /** Writes what is buffered (the unaligned tail with an ordinary write) and closes. */
  @Override
  public void close() throws IOException {
    if (buffer == null) {
      return; // closed already: the buffer is back in its pool
    }
    try {
      awaitFlush();
      int pending = buffer.position();
      int aligned = direct ? pending - pending % alignment : pending;
      buffer.flip();
      if (aligned > 0) {
        buffer.limit(aligned);
        writeFully(channel, buffer);
        buffer.limit(pending);
      }
      if (buffer.hasRemaining()) {
        channel.close();
        channel = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        writeFully(channel, buffer);
      }
    } finally {
      try {
        channel.close();
      } finally {
        if (bufferBytes == LARGE_BUFFER_BYTES) {
          LARGE_POOL.offer(buffer);
          LARGE.release();
        } else {
          SMALL_POOL.offer(buffer);
        }
        buffer = null;
      }
    }
  }

  private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }
}
