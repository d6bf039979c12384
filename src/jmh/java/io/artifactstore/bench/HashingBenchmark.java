package io.artifactstore.bench;

import io.artifactstore.hashing.Blake3;
import io.artifactstore.hashing.Blake3Kernels;
import io.artifactstore.hashing.Digests;
import io.artifactstore.hashing.MultiDigest;
import io.artifactstore.hashing.PipelinedDigest;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.digests.Blake3Digest;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One operation hashes {@code size} bytes fed in {@code piece}-byte updates (64 KiB: what the
 * upload path hands the digests). Throughput in operations per second; {@code
 * scripts/bench-hashing} turns it into GB/s and ratios against SHA-256.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
public class HashingBenchmark {

  @Param({"16777216"})
  public int size;

  @Param({"65536"})
  public int piece;

  private byte[] data;
  private Blake3Kernels.Choice scalar;
  private Blake3Kernels.Choice vector;
  private Vertx vertx;
  private Context context;
  private List<Buffer> pieces;

  @Setup(Level.Trial)
  public void setUp() {
    data = new byte[size];
    new Random(1).nextBytes(data);
    List<Blake3Kernels.Choice> kernels = Blake3Kernels.available();
    scalar = kernels.get(0);
    vector = kernels.size() > 1 ? kernels.get(1) : null;
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    pieces = new ArrayList<>();
    for (int off = 0; off < size; off += piece) {
      pieces.add(Buffer.buffer(Arrays.copyOfRange(data, off, Math.min(size, off + piece))));
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get();
  }

  private byte[] blake3(Blake3Kernels.Choice kernel) {
    if (kernel == null) {
      throw new IllegalStateException("no vector kernel on this JVM: "
          + Blake3Kernels.selected().reason());
    }
    Blake3 h = new Blake3(kernel.newKernel());
    for (int off = 0; off < size; off += piece) {
      h.update(data, off, Math.min(piece, size - off));
    }
    return h.digest();
  }

  /** The project's scalar kernel (every JDK). */
  @Benchmark
  public byte[] blake3Scalar() {
    return blake3(scalar);
  }

  /** The project's Vector API kernel (JDK 25+ with jdk.incubator.vector). */
  @Benchmark
  public byte[] blake3Vector() {
    return blake3(vector);
  }

  /** BouncyCastle's Blake3Digest, the independent implementation the tests compare with. */
  @Benchmark
  public byte[] blake3BouncyCastle() {
    Blake3Digest d = new Blake3Digest(256);
    for (int off = 0; off < size; off += piece) {
      d.update(data, off, Math.min(piece, size - off));
    }
    byte[] out = new byte[32];
    d.doFinal(out, 0);
    return out;
  }

  /** The JDK's SHA-256 (SHA-NI or AVX2 intrinsics): the reference figure. */
  @Benchmark
  public byte[] sha256() throws Exception {
    MessageDigest d = MessageDigest.getInstance("SHA-256");
    for (int off = 0; off < size; off += piece) {
      d.update(data, off, Math.min(piece, size - off));
    }
    return d.digest();
  }

  /**
   * The upload path's dual hash: SHA-256 and BLAKE3 (selected kernel) of the same buffers, each
   * on its own lane of the hashing pool, fed from a Vert.x event loop.
   */
  @Benchmark
  public Digests dualHashPipelined() throws Exception {
    CompletableFuture<Digests> done = new CompletableFuture<>();
    context.runOnContext(v -> {
      PipelinedDigest d = new PipelinedDigest(context);
      for (Buffer b : pieces) {
        d.update(b);
      }
      d.finish().onComplete(ar -> {
        if (ar.succeeded()) {
          done.complete(ar.result());
        } else {
          done.completeExceptionally(ar.cause());
        }
      });
    });
    return done.get();
  }

  /** SHA-256 and BLAKE3 (selected kernel) over the same bytes, one after the other on one thread. */
  @Benchmark
  public Object dualHashOneThread() {
    MultiDigest d = new MultiDigest();
    for (int off = 0; off < size; off += piece) {
      d.update(data, off, Math.min(piece, size - off));
    }
    return d.finish();
  }
}
