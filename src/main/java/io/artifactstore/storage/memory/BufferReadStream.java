package io.artifactstore.storage.memory;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * A read stream over a range of an in-memory buffer, emitted in chunks on one context.
 *
 * <p>It behaves like a file stream so that code tested against the memory backend meets the same
 * flow control in production: nothing is emitted before a handler is set, a paused stream emits
 * only what was fetched, and a flowing stream yields the event loop between batches rather than
 * emitting a large object in one go. Chunks are copies, so consumers cannot alter stored bytes.
 */
final class BufferReadStream implements ReadStream<Buffer> {

  private static final int CHUNK = 64 * 1024;
  private static final int CHUNKS_PER_TURN = 16;

  private final Context context;
  private final Buffer source;
  private final int end;
  private int position;
  private long demand = Long.MAX_VALUE;
  private boolean scheduled;
  private boolean ended;
  private Handler<Buffer> handler;
  private Handler<Void> endHandler;

  BufferReadStream(Context context, Buffer source, int start, int end) {
    this.context = context;
    this.source = source;
    this.position = start;
    this.end = end;
  }

  @Override
  public synchronized ReadStream<Buffer> handler(Handler<Buffer> handler) {
    this.handler = handler;
    schedule();
    return this;
  }

  @Override
  public synchronized ReadStream<Buffer> pause() {
    demand = 0;
    return this;
  }

  @Override
  public synchronized ReadStream<Buffer> resume() {
    return fetch(Long.MAX_VALUE);
  }

  @Override
  public synchronized ReadStream<Buffer> fetch(long amount) {
    if (amount < 0) {
      throw new IllegalArgumentException("negative fetch " + amount);
    }
    demand = demand > Long.MAX_VALUE - amount ? Long.MAX_VALUE : demand + amount;
    schedule();
    return this;
  }

  @Override
  public synchronized ReadStream<Buffer> endHandler(Handler<Void> handler) {
    this.endHandler = handler;
    return this;
  }

  @Override
  public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    // Reading memory cannot fail.
    return this;
  }

  /**
   * Emission always happens from the context, never from inside the caller's own call. The end
   * is reported once all bytes went out, whatever the demand, as a consumer that paused after
   * the last chunk still needs to learn that the stream is over.
   */
  private void schedule() {
    if (!scheduled && !ended && handler != null && (demand > 0 || position >= end)) {
      scheduled = true;
      context.runOnContext(v -> emit());
    }
  }

  private void emit() {
    Handler<Void> onEnd = null;
    for (int batch = 0; ; batch++) {
      Handler<Buffer> target;
      Buffer chunk;
      synchronized (this) {
        if (position >= end) {
          if (!ended && handler != null) {
            ended = true;
            onEnd = endHandler;
          }
          break;
        }
        if (demand == 0 || handler == null || batch == CHUNKS_PER_TURN) {
          break;
        }
        int next = Math.min(end, position + CHUNK);
        chunk = source.getBuffer(position, next);
        position = next;
        if (demand != Long.MAX_VALUE) {
          demand--;
        }
        target = handler;
      }
      target.handle(chunk);
    }
    synchronized (this) {
      scheduled = false;
      schedule();
    }
    if (onEnd != null) {
      onEnd.handle(null);
    }
  }
}
