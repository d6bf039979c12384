package io.artifactstore.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** RFC 9110 sections 14.1.1, 14.1.2 and 14.2, case by case. */
class ByteRangeTest {

  @Test
  @DisplayName("closed, open and suffix ranges; last-pos and suffix-length clamped to the size")
  void forms() {
    assertEquals(new ByteRange(0, 1), ByteRange.parse("bytes=0-0", 10));
    assertEquals(new ByteRange(2, 8), ByteRange.parse("bytes=2-", 10));
    assertEquals(new ByteRange(7, 3), ByteRange.parse("bytes=-3", 10));
    assertEquals(new ByteRange(0, 10), ByteRange.parse("bytes=-30", 10));
    assertEquals(new ByteRange(5, 5), ByteRange.parse("bytes=5-100", 10));
    assertEquals(new ByteRange(9, 1), ByteRange.parse("bytes=9-9", 10));
    assertEquals(new ByteRange(1, 2), ByteRange.parse("Bytes=1-2", 10));
    assertEquals(new ByteRange(1, 2), ByteRange.parse(" bytes = 1-2 ", 10), "optional spaces");
    assertEquals(new ByteRange(1, 2), ByteRange.parse("bytes=1-2,", 10), "empty list element");
    assertEquals("bytes 5-9/10", ByteRange.parse("bytes=5-", 10).contentRange(10));
  }

  @Test
  @DisplayName("positions of any number of digits are accepted and clamped, never overflowed")
  void largeNumerals() {
    assertEquals(new ByteRange(2, 8), ByteRange.parse("bytes=2-9223372036854775807", 10));
    assertEquals(new ByteRange(2, 8), ByteRange.parse("bytes=2-99999999999999999999999", 10));
    assertEquals(new ByteRange(0, 10), ByteRange.parse("bytes=-99999999999999999999999", 10));
    assertEquals(new ByteRange(3, 1), ByteRange.parse("bytes=0000003-00003", 10),
        "leading zeros");
    ApiException past = assertThrows(ApiException.class,
        () -> ByteRange.parse("bytes=99999999999999999999-", 10));
    assertEquals(ErrorCode.RANGE_NOT_SATISFIABLE, past.code());
    ApiException pastClosed = assertThrows(ApiException.class,
        () -> ByteRange.parse("bytes=99999999999999999999-999999999999999999999", 10));
    assertEquals(ErrorCode.RANGE_NOT_SATISFIABLE, pastClosed.code());
  }

  @Test
  @DisplayName("the whole representation: no header, another unit, several ranges")
  void whole() {
    assertNull(ByteRange.parse(null, 10));
    assertNull(ByteRange.parse("items=0-1", 10), "a unit other than bytes is ignored");
    assertNull(ByteRange.parse("none", 10), "not a ranges-specifier of any unit");
    assertNull(ByteRange.parse("bytes=0-1, 4-5", 10), "several ranges: the whole content");
    assertNull(ByteRange.parse("bytes=0-1,20-30", 10));
  }

  @Test
  @DisplayName("empty content: an int-range is unsatisfiable, a non-zero suffix gives the whole (empty) content")
  void emptyContent() {
    for (String h : new String[] {"bytes=0-", "bytes=0-0", "bytes=1-5", "bytes=-0"}) {
      ApiException e = assertThrows(ApiException.class, () -> ByteRange.parse(h, 0), h);
      assertEquals(ErrorCode.RANGE_NOT_SATISFIABLE, e.code(), h);
    }
    assertNull(ByteRange.parse("bytes=-5", 0));
  }

  @Test
  @DisplayName("a first position at or past the end, or an empty suffix, is unsatisfiable")
  void unsatisfiable() {
    for (String h : new String[] {"bytes=10-", "bytes=10-20", "bytes=-0", "bytes=11-11"}) {
      ApiException e = assertThrows(ApiException.class, () -> ByteRange.parse(h, 10), h);
      assertEquals(ErrorCode.RANGE_NOT_SATISFIABLE, e.code(), h);
    }
  }

  @Test
  @DisplayName("a bytes header that is not a valid ranges-specifier is invalid_range")
  void malformed() {
    for (String h : new String[] {"bytes=", "bytes=,", "bytes=a-b", "bytes=3-1", "bytes=--1",
        "bytes=1", "bytes=0-1,x", "bytes=+1-2", "bytes=1-+2", "bytes=-", "bytes=1 2-3",
        "bytes=0x1-2"}) {
      ApiException e = assertThrows(ApiException.class, () -> ByteRange.parse(h, 10), h);
      assertEquals(ErrorCode.INVALID_RANGE, e.code(), h);
    }
  }
}
