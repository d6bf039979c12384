#!/usr/bin/python3
"""Signs a DSSE envelope with a key made by Debian's in-toto tools (in-toto-keygen -t ed25519).

Usage: sign_dsse.py PRIVATE_KEY PAYLOAD_FILE PAYLOAD_TYPE ENVELOPE_OUT PUBLIC_PEM_OUT

The signature is securesystemslib's (the library in-toto signs its metadata with) over the DSSE
pre-authentication encoding, computed here from the DSSE specification, not by artifact-store.
Writes the envelope (compact JSON and a newline, as the Go clients send) and the public key as
a PEM SubjectPublicKeyInfo; prints the key id.
"""
import base64
import json
import sys

from securesystemslib import interface, keys


def pae(payload_type, payload):
    t = payload_type.encode("utf-8")
    return b"DSSEv1 %d %s %d %s" % (len(t), t, len(payload), payload)


def main():
    key_path, payload_path, payload_type, out_path, pem_path = sys.argv[1:6]
    key = interface.import_ed25519_privatekey_from_file(key_path)
    with open(payload_path, "rb") as f:
        payload = f.read()
    signature = keys.create_signature(key, pae(payload_type, payload))
    envelope = {
        "payload": base64.b64encode(payload).decode("ascii"),
        "payloadType": payload_type,
        "signatures": [{
            "keyid": key["keyid"],
            "sig": base64.b64encode(bytes.fromhex(signature["sig"])).decode("ascii"),
        }],
    }
    with open(out_path, "w") as f:
        f.write(json.dumps(envelope, separators=(",", ":")) + "\n")
    raw = bytes.fromhex(key["keyval"]["public"])
    spki = bytes.fromhex("302a300506032b6570032100") + raw
    with open(pem_path, "w") as f:
        f.write("-----BEGIN PUBLIC KEY-----\n" + base64.b64encode(spki).decode("ascii")
                + "\n-----END PUBLIC KEY-----\n")
    print(key["keyid"])


if __name__ == "__main__":
    main()
