#!/usr/bin/env python3
"""A client of artifact-store's TCP event-bus bridge, in another language than the server.

Speaks the bridge's framing (a 4-byte big-endian length, then a UTF-8 JSON object) with the
standard library only. Usage: bridge_client.py HOST PORT FILE [TOKEN]

Registers for the notifications, creates a package, imports FILE into it, finalizes it and
waits for the package.finalized notification; then checks that the bridge refuses an internal
address and a publish to the notification address. Prints one JSON object per step on stdout
and exits 0, or prints the failure and exits 1.
"""
import json
import socket
import struct
import sys
import uuid


class Bridge:
    def __init__(self, host, port, token=None):
        self.sock = socket.create_connection((host, port), timeout=30)
        self.headers = {"authorization": "Bearer " + token} if token else {}
        self.pending = []

    def frame(self, message):
        data = json.dumps(message).encode("utf-8")
        self.sock.sendall(struct.pack(">I", len(data)) + data)

    def read_exactly(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise EOFError("the bridge closed the connection")
            buf += chunk
        return buf

    def receive(self):
        (length,) = struct.unpack(">I", self.read_exactly(4))
        return json.loads(self.read_exactly(length).decode("utf-8"))

    def register(self, address):
        self.frame({"type": "register", "address": address, "headers": self.headers})

    def request(self, address, body, timeout_ms=None):
        """Sends a request and returns the frame that answers it (a reply or an error).

        With timeout_ms, the bridge waits that long for the reply ("timeout") and the store
        gives up on the work a little earlier ("request-timeout"), so nothing is done that no
        one waits for.
        """
        reply_to = "client." + uuid.uuid4().hex
        headers = dict(self.headers)
        if timeout_ms:
            headers["timeout"] = timeout_ms
            headers["request-timeout"] = str(timeout_ms - 5000)
        self.frame({"type": "send", "address": address, "replyAddress": reply_to,
                    "headers": headers, "body": body})
        while True:
            msg = self.receive()
            if msg.get("address") == reply_to or msg.get("type") == "err":
                return msg
            self.pending.append(msg)

    def next_notification(self, predicate):
        while True:
            msg = self.pending.pop(0) if self.pending else self.receive()
            if msg.get("type") == "message" and msg.get("address") == "artifactstore.v1.events":
                if predicate(msg["body"]):
                    return msg["body"]


def main():
    host, port, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    token = sys.argv[4] if len(sys.argv) > 4 else None
    bridge = Bridge(host, port, token)
    bridge.register("artifactstore.v1.events")

    created = bridge.request("artifactstore.v1.package.create",
                             {"producer": "python-runner", "subject": "bridge"})
    if created.get("type") != "message":
        raise SystemExit("create failed: %s" % created)
    package_id = created["body"]["id"]
    print(json.dumps({"step": "created", "id": package_id}), flush=True)

    added = bridge.request("artifactstore.v1.file.import",
                           {"package_id": package_id, "path": "results/out.json",
                            "file": path, "media_type": "application/json"},
                           timeout_ms=120000)
    if added.get("type") != "message":
        raise SystemExit("import failed: %s" % added)
    print(json.dumps({"step": "imported", "file": added["body"]}), flush=True)

    refused = bridge.request("artifactstore.v1.file.import",
                             {"package_id": package_id, "path": "x", "file": "/etc/passwd"})
    print(json.dumps({"step": "refused", "reply": refused}), flush=True)

    final = bridge.request("artifactstore.v1.package.finalize", {"id": package_id})
    if final.get("type") != "message":
        raise SystemExit("finalize failed: %s" % final)
    print(json.dumps({"step": "finalized", "manifest_digest": final["body"]["manifest_digest"]}),
          flush=True)

    seen = bridge.next_notification(
        lambda n: n["type"] == "package.finalized" and n["package_id"] == package_id)
    print(json.dumps({"step": "notified", "event": seen}), flush=True)

    internal = bridge.request("registry.package.create", {"producer": "x", "subject": "y"})
    print(json.dumps({"step": "internal", "reply": internal}), flush=True)
    bridge.frame({"type": "publish", "address": "artifactstore.v1.events",
                  "body": {"seq": 1, "type": "package.deleted"}})
    forged = bridge.receive()
    print(json.dumps({"step": "forged", "reply": forged}), flush=True)


if __name__ == "__main__":
    try:
        main()
    except (OSError, EOFError, ValueError, KeyError) as e:
        print(json.dumps({"step": "error", "error": repr(e)}), flush=True)
        sys.exit(1)
