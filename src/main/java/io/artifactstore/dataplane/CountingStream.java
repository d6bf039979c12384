package io.artifactstore.dataplane;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.util.function.LongConsumer;

/** A read stream that tells {@code counter} the size of every buffer it passes on. */
final class CountingStream implements ReadStream<Buffer> {

  private final ReadStream<Buffer> source;
  private final LongConsumer counter;

  CountingStream(ReadStream<Buffer> source, LongConsumer counter) {
    this.source = source;
    this.counter = counter;
  }

  @Override
  public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    source.exceptionHandler(handler);
    return this;
  }

  @Override
  public ReadStream<Buffer> handler(Handler<Buffer> handler) {
    source.handler(handler == null ? null : b -> {
      counter.accept(b.length());
      handler.handle(b);
    });
    return this;
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

  @Override
  public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
    source.endHandler(endHandler);
    return this;
  }
}
