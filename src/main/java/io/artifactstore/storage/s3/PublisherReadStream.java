package io.artifactstore.storage.s3;

import io.artifactstore.streams.DemandReadStream;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * A reactive-streams {@link Publisher} of byte buffers (the SDK's response body) as a Vert.x
 * {@link ReadStream}, delivering on one context.
 *
 * <p>Demand is what bounds memory: chunks are requested from the publisher only while the
 * Vert.x side has demand, and at most {@link #WINDOW} of them are requested or queued at once.
 * A paused stream therefore stops the SDK reading from its socket after a few chunks, and TCP
 * pushes the back-pressure to the S3 server. Signals from the publisher arrive on the SDK's
 * threads and are handed to the context; every field is touched on the context only.
 */
final class PublisherReadStream extends DemandReadStream implements Subscriber<ByteBuffer> {

  /** Chunks requested from the publisher but not delivered yet, at most. */
  static final int WINDOW = 8;

  private final Context context;
  private final Function<Throwable, Throwable> errorMapper;
  private final ArrayDeque<Buffer> queue = new ArrayDeque<>();
  private Subscription subscription;
  private int outstanding;
  private boolean completed;
  private boolean finished;
  private boolean cancelled;

  PublisherReadStream(Context context, Function<Throwable, Throwable> errorMapper) {
    super(Long.MAX_VALUE);
    this.context = context;
    this.errorMapper = errorMapper;
  }

  /** Subscribes this stream to {@code publisher}; nothing is requested until there is demand. */
  static PublisherReadStream of(Publisher<ByteBuffer> publisher, Context context,
      Function<Throwable, Throwable> errorMapper) {
    PublisherReadStream stream = new PublisherReadStream(context, errorMapper);
    publisher.subscribe(stream);
    return stream;
  }

  /** A stream that ends as soon as it is read (an empty range). */
  static ReadStream<Buffer> empty(Context context) {
    PublisherReadStream stream = new PublisherReadStream(context, t -> t);
    stream.completed = true;
    return stream;
  }

  // ---- reactive-streams side: any thread ----

  @Override
  public void onSubscribe(Subscription s) {
    context.runOnContext(v -> {
      if (subscription != null || cancelled) {
        s.cancel();
        return;
      }
      subscription = s;
      drain();
    });
  }

  @Override
  public void onNext(ByteBuffer bytes) {
    // The SDK may reuse its buffers once onNext returns: copy before changing threads.
    byte[] copy = new byte[bytes.remaining()];
    bytes.get(copy);
    context.runOnContext(v -> {
      outstanding--;
      if (!finished && copy.length > 0) {
        queue.add(Buffer.buffer(copy));
      }
      drain();
    });
  }

  @Override
  public void onError(Throwable t) {
    context.runOnContext(v -> fail(errorMapper.apply(t)));
  }

  @Override
  public void onComplete() {
    context.runOnContext(v -> {
      completed = true;
      drain();
    });
  }

  // ---- Vert.x side: on the context ----

  @Override
  protected void demandChanged() {
    drain();
  }

  @Override
  public ReadStream<Buffer> handler(io.vertx.core.Handler<Buffer> handler) {
    if (handler == null) {
      // The consumer went away (a pipe that failed, say): release the connection.
      cancel();
    }
    return super.handler(handler);
  }

  private void drain() {
    while (!finished && demand() > 0 && hasHandler() && !queue.isEmpty()) {
      emit(queue.poll());
    }
    if (finished) {
      return;
    }
    if (completed && queue.isEmpty()) {
      // Ended only once someone listens for the end, whatever order the handlers are set in.
      if (hasEndHandler()) {
        finished = true;
        emitEnd();
      }
      return;
    }
    if (subscription != null && !completed && demand() > 0 && hasHandler()) {
      int want = WINDOW - outstanding - queue.size();
      if (want > 0) {
        outstanding += want;
        subscription.request(want);
      }
    }
  }

  private void fail(Throwable t) {
    if (finished) {
      return;
    }
    finished = true;
    queue.clear();
    emitFailure(t);
  }

  private void cancel() {
    if (finished || cancelled) {
      return;
    }
    cancelled = true;
    finished = true;
    queue.clear();
    if (subscription != null) {
      subscription.cancel();
    }
  }
}
