#!/usr/bin/env python3
"""Replays darnit's Archivista storage calls (darnit.storage.backends.ArchivistaBackend).

Usage: darnit_replay.py BASE_URL OWNER REPO COMMIT

Builds the bare, unsigned in-toto Statement darnit builds for an OpenSSF Baseline assessment,
posts it as darnit does (urllib, json.dumps with Python's default separators, only
Content-Type: application/json, no credentials), reads the gitoid, and reads it back from
/download/{gitoid}. Prints {gitoid, sha256_of_body, roundtrip} as JSON; exits 1 if the stored
document does not come back equal.
"""
import hashlib
import json
import sys
import urllib.request

BASELINE_PREDICATE_TYPE = "https://openssf.org/baseline/assessment/v1"


def build_unsigned_statement(subject_name, commit, predicate_type, predicate):
    return {
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": subject_name, "digest": {"gitCommit": commit}}],
        "predicateType": predicate_type,
        "predicate": predicate,
    }


def main():
    base, owner, repo, commit = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3], sys.argv[4]
    attestation = build_unsigned_statement(
        f"git+https://github.com/{owner}/{repo}", commit, BASELINE_PREDICATE_TYPE,
        {"level": 1, "controls": [{"id": "OSPS-AC-01.01", "status": "PASS"}]})
    payload = json.dumps(attestation).encode("utf-8")
    req = urllib.request.Request(f"{base}/upload", data=payload,
                                 headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(req, timeout=30) as resp:
        data = json.loads(resp.read().decode("utf-8"))
        gitoid = data.get("gitoid", "unknown")
    with urllib.request.urlopen(f"{base}/download/{gitoid}", timeout=30) as resp:
        back = json.loads(resp.read().decode("utf-8"))
    print(json.dumps({"gitoid": gitoid, "roundtrip": back == attestation,
                      "gitoid_expected": hashlib.sha256(
                          b"blob %d\0" % len(payload) + payload).hexdigest()}))
    sys.exit(0 if back == attestation else 1)


if __name__ == "__main__":
    main()
