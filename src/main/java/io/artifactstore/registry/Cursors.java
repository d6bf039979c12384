package io.artifactstore.registry;

import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Opaque keyset-pagination cursors: the last id of a page, base64url-encoded. */
final class Cursors {

  private Cursors() {}

  static String encode(String lastId) {
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString(("p:" + lastId).getBytes(StandardCharsets.UTF_8));
  }

  static String decode(String cursor) {
    try {
      String s = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      if (s.startsWith("p:") && PackageIds.isWellFormed(s.substring(2))) {
        return s.substring(2);
      }
    } catch (IllegalArgumentException e) {
      // fall through
    }
    throw new ApiException(ErrorCode.INVALID_PARAMETER, "cursor is not one this server issued");
  }
}
