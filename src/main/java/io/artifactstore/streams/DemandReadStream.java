package io.artifactstore.streams;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * The bookkeeping every pull-based {@link ReadStream} of the project shares: the three handlers
 * and the demand that {@link #pause}, {@link #resume} and {@link #fetch} set (Vert.x's
 * {@code ReadStream} contract: {@code fetch(n)} adds {@code n} items, saturating at
 * {@link Long#MAX_VALUE}, which means flowing). A subclass delivers with {@link #emit} while
 * {@link #demand} is above zero and is told of every change that may let it deliver more
 * ({@link #demandChanged}: a handler set, demand added). Not thread-safe: a subclass calls
 * everything on its one context.
 */
public abstract class DemandReadStream implements ReadStream<Buffer> {

  private Handler<Buffer> handler;
  private Handler<Void> endHandler;
  private Handler<Throwable> exceptionHandler;
  private long demand;

  /** {@code initialDemand}: 0 for a stream created paused, {@link Long#MAX_VALUE} flowing. */
  protected DemandReadStream(long initialDemand) {
    this.demand = initialDemand;
  }

  /** Called when delivering may be possible again (on the stream's context). */
  protected abstract void demandChanged();

  /** Items the consumer asked for and has not received; {@link Long#MAX_VALUE}: flowing. */
  protected final long demand() {
    return demand;
  }

  /** Whether a data handler is set. */
  protected final boolean hasHandler() {
    return handler != null;
  }

  /** Whether someone listens for the end. */
  protected final boolean hasEndHandler() {
    return endHandler != null;
  }

  /** Delivers {@code chunk} to the data handler and counts it against the demand. */
  protected final void emit(Buffer chunk) {
    if (demand != Long.MAX_VALUE) {
      demand--;
    }
    Handler<Buffer> h = handler;
    if (h != null) {
      h.handle(chunk);
    }
  }

  /** Tells the end handler, if any, that the stream ended. */
  protected final void emitEnd() {
    Handler<Void> h = endHandler;
    if (h != null) {
      h.handle(null);
    }
  }

  /** Tells the exception handler, if any (without one nobody is reading: no one to tell). */
  protected final void emitFailure(Throwable t) {
    Handler<Throwable> h = exceptionHandler;
    if (h != null) {
      h.handle(t);
    }
  }

  @Override
  public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    this.exceptionHandler = handler;
    return this;
  }

  @Override
  public ReadStream<Buffer> handler(Handler<Buffer> handler) {
    this.handler = handler;
    demandChanged();
    return this;
  }

  @Override
  public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
    this.endHandler = endHandler;
    demandChanged();
    return this;
  }

  @Override
  public ReadStream<Buffer> pause() {
    demand = 0;
    return this;
  }

  @Override
  public ReadStream<Buffer> resume() {
    return fetch(Long.MAX_VALUE);
  }

  @Override
  public ReadStream<Buffer> fetch(long amount) {
    if (amount > 0) {
      demand = demand + amount < 0 ? Long.MAX_VALUE : demand + amount;
      demandChanged();
    }
    return this;
  }
}
