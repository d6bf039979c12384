package io.artifactstore.cli.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ApiClientShutdownTest {

  private static Set<Thread> threads() {
    return Thread.getAllStackTraces().keySet();
  }

  @Test
  @DisplayName("before the process exits, the HTTP clients' threads are stopped (JDK 21+), so that "
      + "the JVM does not wait for them in native code; on 17 they are left as they are")
  void clientsAreStoppedBeforeExit() {
    Set<Thread> before = threads();
    ApiClient client =
        new ApiClient("http://127.0.0.1:9", null, null, new Retries(0, line -> { }), null);
    List<Thread> made = new ArrayList<>(threads());
    made.removeAll(before);
    List<Thread> selectors = made.stream()
        .filter(t -> t.getName().startsWith("HttpClient-") && t.getName().endsWith("Manager"))
        .collect(Collectors.toList());
    assertEquals(1, selectors.size(), "the client's selector thread: " + made);
    Thread selector = selectors.get(0);
    assertTrue(selector.isAlive());

    ApiClient.shutdownAll(Duration.ofSeconds(30));
    // In use until here: a client collected earlier would end its thread on its own.
    java.lang.ref.Reference.reachabilityFence(client);
    if (Runtime.version().feature() >= 21) {
      assertFalse(selector.isAlive(), "stopped and waited for");
    } else {
      assertTrue(selector.isAlive(), "17 has no way to stop a client");
    }
  }
}
