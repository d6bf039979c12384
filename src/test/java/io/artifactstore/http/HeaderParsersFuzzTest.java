package io.artifactstore.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Coverage-guided fuzzing (Jazzer) of the parsers of request header fields and targets. Each
 * target states what must hold for any input: a result within its bounds, or a catalogued 4xx
 * error; never another exception. Found inputs are kept under
 * {@code src/test/resources/io/artifactstore/http/HeaderParsersFuzzTestInputs/} and replayed by
 * every build.
 */
class HeaderParsersFuzzTest {

  private static final List<HttpMethod> METHODS = List.of(HttpMethod.GET, HttpMethod.HEAD,
      HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.POST);

  /** RFC 9110 section 14.2: a satisfiable range lies inside the representation. */
  @FuzzTest
  void byteRange(FuzzedDataProvider data) {
    long size = data.consumeLong(0, Long.MAX_VALUE);
    String header = data.consumeRemainingAsString();
    try {
      ByteRange r = ByteRange.parse(header, size);
      if (r != null) {
        assertTrue(r.offset() >= 0 && r.length() >= 1, r.toString());
        assertTrue(r.offset() < size && r.length() <= size - r.offset(), r + " of " + size);
        assertEquals(r.contentRange(size), "bytes " + r.offset() + "-" + r.last() + "/" + size);
      }
    } catch (ApiException e) {
      assertCode(e, ErrorCode.INVALID_RANGE, ErrorCode.RANGE_NOT_SATISFIABLE);
    }
  }

  /** RFC 9530 dictionaries and X-Checksum-Sha256: a 32-byte digest, none, or 400. */
  @FuzzTest
  void digestHeaders(FuzzedDataProvider data) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    while (data.remainingBytes() > 0) {
      String name = data.pickValue(List.of(DigestHeaders.X_CHECKSUM_SHA256,
          DigestHeaders.CONTENT_DIGEST, DigestHeaders.REPR_DIGEST));
      headers.add(name, data.consumeString(200));
    }
    try {
      byte[] expected = DigestHeaders.expectedSha256(headers);
      assertTrue(expected == null || expected.length == 32);
    } catch (ApiException e) {
      assertCode(e, ErrorCode.INVALID_DIGEST_HEADER);
    }
  }

  /** RFC 3986 section 2.1 escapes in the path and query: accepted, or a 400 code. */
  @FuzzTest
  void requestTarget(FuzzedDataProvider data) {
    String prefix = data.pickValue(List.of("", "/", "/v1/packages/", "/v1/packages/x/files/",
        "http://127.0.0.1/", "/v1/events?"));
    String uri = prefix + data.consumeRemainingAsString();
    try {
      RequestTarget.check(uri);
      assertTrue(uri.startsWith("/") || uri.contains("://"), uri);
    } catch (ApiException e) {
      assertCode(e, ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_PATH,
          ErrorCode.INVALID_PARAMETER);
    }
  }

  /**
   * RFC 9110 section 13.2.2: any If-* fields decide one outcome, never an exception; entity
   * tags and dates that do not parse are ignored or fail the precondition, as the RFC says.
   */
  @FuzzTest
  void conditionals(FuzzedDataProvider data) {
    HttpMethod method = data.pickValue(METHODS);
    Conditionals.Validators current = new Conditionals.Validators(
        EntityTag.strong(java.util.HexFormat.of().formatHex(data.consumeBytes(32))),
        data.consumeBoolean() ? Instant.ofEpochSecond(data.consumeLong(0, 253402300799L)) : null);
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    while (data.remainingBytes() > 0) {
      headers.add(data.pickValue(List.of("If-Match", "If-None-Match", "If-Modified-Since",
          "If-Unmodified-Since", "If-Range")), data.consumeString(120));
    }
    try {
      Conditionals.Outcome outcome = Conditionals.evaluate(method, headers, current);
      assertTrue(outcome != null);
      Conditionals.ifRangeHolds(headers, current);
    } catch (ApiException e) {
      assertTrue(e.code().status() >= 400 && e.code().status() < 500, e.toString());
    }
  }

  private static void assertCode(ApiException e, ErrorCode... allowed) {
    assertTrue(Set.of(allowed).contains(e.code()), e.code() + ": " + e.getMessage());
  }
}
