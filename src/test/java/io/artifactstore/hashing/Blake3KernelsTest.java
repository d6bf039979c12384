package io.artifactstore.hashing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class Blake3KernelsTest {

  @Test
  @DisplayName("the vector kernel is chosen on JDK 25+ with jdk.incubator.vector, never before")
  void choiceFollowsTheJdk() {
    Blake3Kernels.Choice chosen = Blake3Kernels.selected();
    int feature = Runtime.version().feature();
    boolean module = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    if (feature < Blake3Kernels.MIN_VECTOR_JDK) {
      assertEquals("scalar", chosen.name(), chosen.reason());
      assertTrue(chosen.reason().contains("JDK " + feature), chosen.reason());
      assertEquals(1, Blake3Kernels.available().size(), "no vector kernel offered on " + feature);
    } else {
      // The build runs the tests on 25+ with the module (the jdk25 profile); its absence is a
      // broken build, not a reason to pass.
      assertTrue(module, "tests on JDK " + feature + " run with jdk.incubator.vector");
      assertTrue(chosen.name().startsWith("vector-"), chosen.name() + ": " + chosen.reason());
      assertTrue(chosen.lanes() >= 4, "lanes " + chosen.lanes());
      assertEquals(2, Blake3Kernels.available().size());
    }
  }
}
