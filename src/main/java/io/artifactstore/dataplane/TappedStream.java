package io.artifactstore.dataplane;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * A read stream that shows every buffer to a {@link Tap} before passing it on, and lets the tap
 * have the last word: a tap that throws, on a buffer or at the end, fails the stream with what
 * it threw instead of passing the buffer on or ending it (so an upload reading it is cancelled
 * and leaves nothing).
 */
final class TappedStream implements ReadStream<Buffer> {

  /** Sees the bytes; throws (a runtime exception) to refuse them. */
  interface Tap {
    void chunk(Buffer chunk);

    /** The source ended; nothing more will come. */
    default void end() {
    }
  }

  private final ReadStream<Buffer> source;
  private final Tap tap;
  private Handler<Throwable> exceptionHandler;
  private boolean failed;

  TappedStream(ReadStream<Buffer> source, Tap tap) {
    this.source = source;
    this.tap = tap;
  }

  @Override
  public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    exceptionHandler = handler;
    source.exceptionHandler(handler);
    return this;
  }

  @Override
  public ReadStream<Buffer> handler(Handler<Buffer> handler) {
    source.handler(handler == null ? null : b -> {
      if (failed) {
        return;
      }
      try {
        tap.chunk(b);
      } catch (RuntimeException e) {
        fail(e);
        return;
      }
      handler.handle(b);
    });
    return this;
  }

  @Override
  public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
    source.endHandler(endHandler == null ? null : v -> {
      if (failed) {
        return;
      }
      try {
        tap.end();
      } catch (RuntimeException e) {
        fail(e);
        return;
      }
      endHandler.handle(null);
    });
    return this;
  }

  private void fail(RuntimeException e) {
    failed = true;
    Handler<Throwable> h = exceptionHandler;
    if (h != null) {
      h.handle(e);
    }
  }

  @Override
  public ReadStream<Buffer> pause() {
    source.pause();
    return this;
  }

  @Override
  public ReadStream<Buffer> resume() {
    source.resume();
    return this;
  }

  @Override
  public ReadStream<Buffer> fetch(long amount) {
    source.fetch(amount);
    return this;
  }
}
