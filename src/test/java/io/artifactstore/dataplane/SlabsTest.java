package io.artifactstore.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A slab is reused only once its upload and every reader of its bytes have let go of it. */
class SlabsTest {

  @Test
  @DisplayName("a slab goes back to the pool after the owner and both readers release it")
  void returnsAfterTheLastReference() {
    Slabs pool = new Slabs(4);
    Slab slab = pool.take();
    slab.copy(Buffer.buffer("0123456789"), 2, 5);
    Buffer view = slab.hand(2);
    assertEquals("23456", view.toString());
    assertEquals(0, slab.unhanded());

    slab.release();
    slab.release();
    assertEquals(0, pool.pooled(), "a reader still holds the slab");
    assertEquals(1, pool.outstanding());
    slab.release();
    assertEquals(1, pool.pooled());
    assertEquals(0, pool.outstanding());

    Slab again = pool.take();
    assertSame(slab, again, "the pooled slab is reused");
    assertEquals(Slab.BYTES, again.free(), "a reused slab starts empty");
    again.release();
    assertThrows(IllegalStateException.class, again::release);
  }

  @Test
  @DisplayName("views cover what was copied since the last hand-over, in order")
  void viewsFollowEachOther() {
    Slabs pool = new Slabs(1);
    Slab slab = pool.take();
    slab.copy(Buffer.buffer("abc"), 0, 3);
    slab.copy(Buffer.buffer("def"), 0, 3);
    assertEquals("abcdef", slab.hand(1).toString());
    slab.copy(Buffer.buffer("ghi"), 1, 2);
    assertEquals("hi", slab.hand(1).toString());
    assertEquals(Slab.BYTES - 8, slab.free());
    assertThrows(IndexOutOfBoundsException.class,
        () -> slab.copy(Buffer.buffer(new byte[Slab.BYTES]), 0, Slab.BYTES));
  }

  @Test
  @DisplayName("at most capacity slabs are out at once; a returned one can be taken again")
  void atMostCapacityOut() {
    Slabs pool = new Slabs(2);
    Slab a = pool.take();
    Slab b = pool.take();
    assertNull(pool.take(), "a third slab past a capacity of two");
    assertEquals(2, pool.outstanding());
    a.release();
    assertSame(a, pool.take());
    b.release();
    assertEquals(1, pool.pooled());
  }
}
