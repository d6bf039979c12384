package io.artifactstore.hashing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import io.netty.buffer.Unpooled;
import io.vertx.core.internal.buffer.BufferInternal;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MultiDigestTest {

  @Test
  @DisplayName("known answers for SHA-256 and BLAKE3 of empty and short input")
  void knownAnswers() {
    Digests empty = new MultiDigest().finish();
    assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        empty.sha256Hex());
    assertEquals("af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262",
        empty.blake3Hex());
    MultiDigest abc = new MultiDigest();
    abc.update(Buffer.buffer("abc"));
    Digests d = abc.finish();
    assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", d.sha256Hex());
    assertEquals("6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85", d.blake3Hex());
    assertEquals(3, d.size());
  }

  @Test
  @DisplayName("direct, heap and split buffers larger than the scratch array hash the same")
  void bufferKindsAgree() {
    byte[] data = new byte[200_000];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 31 + 7);
    }
    MultiDigest heap = new MultiDigest();
    heap.update(Buffer.buffer(data));
    MultiDigest direct = new MultiDigest();
    var buf = Unpooled.directBuffer(data.length).writeBytes(data);
    direct.update(BufferInternal.buffer(buf));
    MultiDigest split = new MultiDigest();
    split.update(data, 0, 70_000);
    split.update(Buffer.buffer(java.util.Arrays.copyOfRange(data, 70_000, data.length)));
    Digests a = heap.finish();
    Digests b = direct.finish();
    Digests c = split.finish();
    assertEquals(a.sha256Hex(), b.sha256Hex());
    assertEquals(a.blake3Hex(), b.blake3Hex());
    assertEquals(a.sha256Hex(), c.sha256Hex());
    assertEquals(a.blake3Hex(), c.blake3Hex());
    assertEquals(data.length, b.size());
    assertEquals("sha-256=:" + java.util.Base64.getEncoder().encodeToString(a.sha256()) + ":",
        a.sha256Structured());
  }
}
