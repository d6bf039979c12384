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

  static final int BUFFER_BYTES = 256 * 1024;
  private static final int DEFAULT_ALIGNMENT = 4096;

  private final Path path;
  private final int alignment;
  private final ByteBuffer buffer;
  private FileChannel channel;
  private final boolean direct;

  private DirectFileSink(Path path, FileChannel channel, boolean direct, int alignment) {
    this.path = path;
    this.channel = channel;
    this.direct = direct;
    this.alignment = alignment;
    this.buffer = takeBuffer(alignment);
  }

  /**
   * Aligned buffers are kept for reuse: direct memory is freed only when the garbage collector
   * gets to the buffer, and a stream of small uploads would otherwise allocate a buffer each.
   */
  private static final int POOLED = 32;
  private static final java.util.concurrent.BlockingQueue<ByteBuffer> POOL =
      new java.util.concurrent.ArrayBlockingQueue<>(POOLED);

  private static ByteBuffer takeBuffer(int alignment) {
    ByteBuffer b = POOL.poll();
    if (b == null || b.alignmentOffset(0, alignment) != 0) {
      b = ByteBuffer.allocateDirect(BUFFER_BYTES + alignment).alignedSlice(alignment);
    }
    b.clear().limit(BUFFER_BYTES);
    return b;
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

  void write(ByteBuffer src) throws IOException {
    while (src.hasRemaining()) {
      int n = Math.min(src.remaining(), buffer.remaining());
      ByteBuffer slice = src.slice(src.position(), n);
      buffer.put(slice);
      src.position(src.position() + n);
      if (!buffer.hasRemaining()) {
        buffer.flip();
        writeFully(channel, buffer);
        buffer.clear().limit(BUFFER_BYTES);
      }
    }
  }

  /** Writes what is buffered (the unaligned tail with an ordinary write) and closes. */
  @Override
  public void close() throws IOException {
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
      channel.close();
      POOL.offer(buffer);
    }
  }

  private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }
}
