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
 */
final class DirectFileSink implements AutoCloseable {

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

  private DirectFileSink(Path path, FileChannel channel, boolean direct, int alignment) {
    this.path = path;
    this.channel = channel;
    this.direct = direct;
    this.alignment = alignment;
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
    int alignment = alignment(path.getParent());
    if (tryDirect) {
      try {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT);
        return new DirectFileSink(path, ch, true, alignment);
      } catch (UnsupportedOperationException | IOException e) {
        // Some filesystems refuse O_DIRECT; the page cache it is.
        Files.deleteIfExists(path);
      }
    }
    FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    return new DirectFileSink(path, ch, false, alignment);
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

  void write(ByteBuffer src) throws IOException {
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
      }
    }
  }

  /** Writes what is buffered (the unaligned tail with an ordinary write) and closes. */
  @Override
  public void close() throws IOException {
    if (buffer == null) {
      return; // closed already: the buffer is back in its pool
    }
    try {
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
