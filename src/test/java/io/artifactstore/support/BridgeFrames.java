package io.artifactstore.support;

import io.artifactstore.integration.BusApi;
import io.vertx.core.json.JsonObject;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A client of the TCP event-bus bridge, speaking its framing: a 4-byte big-endian length, then
 * a JSON object. Reads wait at most 30 s.
 */
public final class BridgeFrames implements AutoCloseable {

  private final Socket socket;
  private final DataInputStream in;

  public BridgeFrames(int port) throws Exception {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(30_000);
    in = new DataInputStream(socket.getInputStream());
  }

  /** Registers for {@link BusApi#EVENTS}, with {@code token} when not null. */
  public void register(String token) throws Exception {
    JsonObject frame = new JsonObject().put("type", "register").put("address", BusApi.EVENTS);
    if (token != null) {
      frame.put("headers", new JsonObject().put("authorization", "Bearer " + token));
    }
    send(frame);
  }

  public void send(JsonObject frame) throws Exception {
    byte[] data = frame.encode().getBytes(StandardCharsets.UTF_8);
    DataOutputStream out = new DataOutputStream(socket.getOutputStream());
    out.writeInt(data.length);
    out.write(data);
    out.flush();
  }

  /**
   * Sends a request to {@code address} and returns the frame that answers it (a {@code message}
   * to the reply address, or an {@code err}); other frames meanwhile are dropped.
   */
  public JsonObject request(String address, JsonObject body) throws Exception {
    String replyTo = "reply-" + java.util.UUID.randomUUID();
    send(new JsonObject().put("type", "send").put("address", address)
        .put("replyAddress", replyTo).put("headers", new JsonObject()).put("body", body));
    while (true) {
      JsonObject frame = next();
      if (replyTo.equals(frame.getString("address")) || "err".equals(frame.getString("type"))) {
        return frame;
      }
    }
  }

  /** The next frame. */
  public JsonObject next() throws Exception {
    byte[] data = new byte[in.readInt()];
    in.readFully(data);
    return new JsonObject(new String(data, StandardCharsets.UTF_8));
  }

  @Override
  public void close() throws Exception {
    socket.close();
  }
}
