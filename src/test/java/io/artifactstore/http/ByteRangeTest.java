package io.artifactstore.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ByteRangeTest {

  @Test
  @DisplayName("closed, open and suffix ranges, clipped to the size")
  void forms() {
    assertEquals(new ByteRange(0, 1), ByteRange.parse("bytes=0-0", 10));
    assertEquals(new ByteRange(2, 8), ByteRange.parse("bytes=2-", 10));
    assertEquals(new ByteRange(7, 3), ByteRange.parse("bytes=-3", 10));
    assertEquals(new ByteRange(0, 10), ByteRange.parse("bytes=-30", 10));
    assertEquals(new ByteRange(5, 5), ByteRange.parse("bytes=5-100", 10));
    assertEquals(new ByteRange(1, 2), ByteRange.parse("Bytes=1-2", 10));
    assertEquals("bytes 5-9/10", ByteRange.parse("bytes=5-", 10).contentRange(10));
    assertNull(ByteRange.parse(null, 10));
    assertNull(ByteRange.parse("bytes=0-1, 4-5", 10), "several ranges: whole content");
  }

  @Test
  @DisplayName("ranges past the end, empty suffixes and any range of empty content are unsatisfiable")
  void unsatisfiable() {
    for (String[] c : new String[][] {{"bytes=10-", "10"}, {"bytes=10-20", "10"},
        {"bytes=-0", "10"}, {"bytes=0-", "0"}, {"bytes=-5", "0"}}) {
      ApiException e = assertThrows(ApiException.class,
          () -> ByteRange.parse(c[0], Long.parseLong(c[1])));
      assertEquals(ErrorCode.RANGE_NOT_SATISFIABLE, e.code(), c[0]);
    }
  }

  @Test
  @DisplayName("malformed headers are invalid_range")
  void malformed() {
    for (String h : new String[] {"bytes=", "bytes=a-b", "bytes=3-1", "bytes=--1", "items=0-1",
        "bytes=1", "bytes=0-1,x", "bytes=99999999999999999999-", "bytes=+1-2"}) {
      ApiException e = assertThrows(ApiException.class, () -> ByteRange.parse(h, 10), h);
      assertEquals(ErrorCode.INVALID_RANGE, e.code(), h);
    }
  }
}
