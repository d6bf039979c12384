package io.artifactstore.hashing;

import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Chooses the BLAKE3 kernel once per JVM: the Vector API kernel ({@code
 * io.artifactstore.hashing.vector.VectorKernel}) when all of these hold, else the scalar one.
 *
 * <ul>
 *   <li>the JDK is 25 or newer: the incubating Vector API was measured unstable on 17;
 *   <li>the {@code jdk.incubator.vector} module is loaded ({@code --add-modules
 *       jdk.incubator.vector}, which {@code scripts/artifact-store} passes);
 *   <li>the preferred species has at least 4 int lanes;
 *   <li>the kernel agrees with the scalar kernel on a 64 KiB self-test at startup;
 *   <li>the system property {@code artifactstore.blake3.kernel} is not {@code scalar}.
 * </ul>
 */
public final class Blake3Kernels {

  /** The property that forces the scalar kernel: {@code -Dartifactstore.blake3.kernel=scalar}. */
  public static final String PROPERTY = "artifactstore.blake3.kernel";
  /** The first JDK feature release whose Vector API the vector kernel is used on. */
  public static final int MIN_VECTOR_JDK = 25;
  private static final String VECTOR_CLASS = "io.artifactstore.hashing.vector.VectorKernel";
  private static final Logger LOG = Logger.getLogger(Blake3Kernels.class.getName());
  /** Upper bound of the warm-up, in 1 MiB hashes (it takes about 170 on JDK 25). */
  private static final int WARM_UP_MAX_MIB = 1024;
  private static volatile boolean warm;
  private static final Choice SELECTED = choose();

  private Blake3Kernels() {}

  /**
   * A kernel choice: its name ({@code scalar}, {@code vector-256-bit}...), nodes per pass, why
   * it was chosen, and how to make one.
   */
  public record Choice(String name, int lanes, String reason, Supplier<Blake3Kernel> factory) {

    /** A new kernel instance (kernels keep scratch state: one per hasher). */
    public Blake3Kernel newKernel() {
      return factory.get();
    }
  }

  /** The kernel every {@code new Blake3()} in this JVM uses. */
  public static Choice selected() {
    return SELECTED;
  }

  /** Every kernel this JVM can run, scalar first: what the tests check, each one. */
  public static List<Choice> available() {
    List<Choice> all = new ArrayList<>();
    all.add(scalar("always available"));
    Supplier<Blake3Kernel> vector = vectorFactory();
    if (vector != null) {
      Blake3Kernel k = vector.get();
      all.add(new Choice(k.name(), k.degree(), "available", vector));
    }
    return all;
  }

  private static Choice scalar(String reason) {
    return new Choice("scalar", 1, reason, ScalarKernel::new);
  }

  private static Choice choose() {
    if ("scalar".equals(System.getProperty(PROPERTY))) {
      return scalar(PROPERTY + "=scalar");
    }
    int feature = Runtime.version().feature();
    if (feature < MIN_VECTOR_JDK) {
      return scalar("JDK " + feature + "; the vector kernel needs JDK " + MIN_VECTOR_JDK
          + " or newer");
    }
    Supplier<Blake3Kernel> vector = vectorFactory();
    if (vector == null) {
      return scalar("module jdk.incubator.vector is not loaded (--add-modules"
          + " jdk.incubator.vector)");
    }
    Blake3Kernel kernel = vector.get();
    if (kernel.degree() < 4) {
      return scalar("the preferred vector species has " + kernel.degree() + " int lanes");
    }
    if (!agrees(vector)) {
      LOG.warning("BLAKE3 vector kernel " + kernel.name() + " disagrees with the scalar kernel"
          + " on its self-test; using the scalar kernel");
      return scalar("the vector kernel failed its self-test");
    }
    Thread warmUp = new Thread(() -> warmUp(vector), "artifactstore-blake3-warm-up");
    warmUp.setDaemon(true);
    warmUp.setPriority(Thread.MIN_PRIORITY);
    warmUp.start();
    return new Choice(kernel.name(), kernel.degree(),
        "JDK " + feature + ", " + kernel.degree() + " lanes",
        () -> warm ? vector.get() : new ScalarKernel());
  }

  /**
   * Whether the vector kernel has been compiled by C2. Until then it runs in the interpreter
   * and C1, where every vector is an object: about 30 MB/s for the first 30 MiB and 270 MB/s
   * up to about 160 MiB, against 0.5 GB/s for the scalar kernel from the start. Hashers made
   * before take the scalar kernel.
   */
  public static boolean warmedUp() {
    return warm || !SELECTED.name().startsWith("vector-");
  }

  /** Hashes 1 MiB at a time with the vector kernel until it runs at compiled speed. */
  private static void warmUp(Supplier<Blake3Kernel> vector) {
    byte[] input = new byte[1 << 20];
    new Random(1).nextBytes(input);
    long start = System.nanoTime();
    int fast = 0;
    for (int i = 0; i < WARM_UP_MAX_MIB && fast < 5; i++) {
      long t = System.nanoTime();
      Blake3 h = new Blake3(vector.get());
      h.update(input, 0, input.length);
      h.digest();
      // Faster than 1 GB/s: compiled (the interpreted and C1 code stays under 0.3 GB/s).
      fast = System.nanoTime() - t < 1_000_000 ? fast + 1 : 0;
    }
    warm = true;
    LOG.info("BLAKE3 vector kernel warmed up in " + (System.nanoTime() - start) / 1_000_000
        + " ms");
  }

  /** The vector kernel's factory, or null when its module or class cannot be loaded. */
  private static Supplier<Blake3Kernel> vectorFactory() {
    if (Runtime.version().feature() < MIN_VECTOR_JDK
        || ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      return null;
    }
    try {
      Constructor<? extends Blake3Kernel> constructor = Class.forName(VECTOR_CLASS)
          .asSubclass(Blake3Kernel.class).getConstructor();
      constructor.newInstance();
      return () -> {
        try {
          return constructor.newInstance();
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException("cannot make a " + VECTOR_CLASS, e);
        }
      };
    } catch (ReflectiveOperationException | LinkageError e) {
      LOG.warning("BLAKE3 vector kernel unavailable: " + e);
      return null;
    }
  }

  /** Hashes 64 KiB + 1 byte of fixed random input, in uneven pieces, with both kernels. */
  private static boolean agrees(Supplier<Blake3Kernel> vector) {
    byte[] input = new byte[64 * 1024 + 1];
    new Random(0xB1A4E3L).nextBytes(input);
    Blake3 expected = new Blake3(new ScalarKernel());
    expected.update(input, 0, input.length);
    Blake3 actual = new Blake3(vector.get());
    actual.update(input, 0, 5000);
    actual.update(input, 5000, input.length - 5000);
    return java.util.Arrays.equals(expected.digest(), actual.digest());
  }
}
