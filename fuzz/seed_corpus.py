#!/usr/bin/env python3
"""Writes the committed seed corpus: fuzz/corpus/<target>/seed-*.

member_json: MX's example payloads (examples/*.json), generated members from
shared/bench/gen_members.py, and hand-picked edge cases. batch_lines: the same as JSON
Lines chunks with blank and broken lines between. snapshot: deterministic random bytes
(the target decodes them with `arbitrary`); payload: the same, for the structure-aware payload
generator. Run from the repository root:
    python3 fuzz/seed_corpus.py [path/to/shared]
"""
import glob, json, os, random, subprocess, sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
shared = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(root), "shared")
corpus = os.path.join(root, "fuzz", "corpus")

def write(target, name, data):
    d = os.path.join(corpus, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())

examples = {os.path.basename(p)[:-5]: open(p).read() for p in sorted(glob.glob(os.path.join(root, "examples", "*.json")))}
generated = subprocess.run([sys.executable, os.path.join(shared, "bench", "gen_members.py"), "24", "11"],
                           capture_output=True, text=True, check=True).stdout.splitlines()
edges = {
    "null-status": '{"connection_status": null, "is_being_aggregated": null}',
    "id-only": '{"member_guid": "MBR-1", "connection_status_id": 19}',
    "mismatch": '{"connection_status": "CHALLENGED", "connection_status_id": 4}',
    "unknown": '{"connection_status": "TELEPORTED"}',
    "bad-time": '{"successfully_aggregated_at": "last tuesday"}',
    "unix-extreme": '{"aggregated_at": 253402300799, "successfully_aggregated_at": -62167219200}',
    "leap-second": '{"connection_status": "FAILED", "successfully_aggregated_at": "2016-12-31T23:59:60.5Z"}',
    "offset": '{"connection_status": "CONNECTED", "successfully_aggregated_at": "2015-06-19T10:37:04-06:00"}',
    "escaped": '{"guid": "MBR-\\u00e9\\"x", "connection_status": "CONN\\u0045CTED"}',
    "member-not-object": '{"member": [1, 2, 3]}',
    "nested": '{"member": {"member": {"connection_status": "CLOSED"}}}',
    "big-int": '{"aggregated_at": 18446744073709551615}',
    "float-time": '{"aggregated_at": 1531947410.5}',
    "challenges-object": '{"challenges": {}}',
    "offset-past-9999": '{"connection_status": "CONNECTED", "successfully_aggregated_at": "9999-12-31T23:59:59-23:59"}',
    "offset-before-0000": '{"connection_status": "FAILED", "aggregated_at": "0000-01-01T00:00:00+05:00"}',
    "error-object": '{"connection_status": "FAILED", "error": {"error_code": 3001, "user_message": "later"}}',
    "error-string": '{"connection_status": "CONNECTED", "error": "{\\"error_code\\": 2005}"}',
    "error-garbage": '{"connection_status": "CONNECTED", "error": "{not json"}',
    "oauth-pending": '{"member": {"guid": "MBR-1", "connection_status": "PENDING", "is_oauth": true}}',
    "reference": '{"member": {"guid": "MBR-1", "oauth_window_uri": "https://x"}}',
    "webhook-unknown-type": '{"type": "IDENTITY", "action": "member_data_updated", "member_guid": "MBR-1", "completed_at": 1}',
    "webhook-completed-past-9999": '{"type": "AGGREGATION", "action": "member_data_updated", "member_guid": "MBR-1", "completed_at": 253402300800}',
    "camel": '{"connectionStatus": "CONNECTED"}',
    "manual": '{"connection_status": null, "is_manual": true}',
}
for name, text in examples.items():
    write("member_json", "example-" + name, text)
for i, line in enumerate(generated[:12]):
    write("member_json", "generated-%02d" % i, line)
for name, text in edges.items():
    write("member_json", name, text)

lines = generated[12:] + [json.dumps(json.loads(t)) for t in examples.values()] + list(edges.values())
rng = random.Random(5)
for i in range(8):
    chunk = rng.sample(lines, 6)
    chunk.insert(rng.randrange(len(chunk)), "")
    chunk.insert(rng.randrange(len(chunk)), "{not json")
    write("batch_lines", "chunk-%d" % i, "\n".join(chunk) + ("\n" if i % 2 else ""))
write("batch_lines", "crlf", "\r\n".join(lines[:4]) + "\r\n")
write("batch_lines", "invalid-utf8", b'{"guid": "\xff\xfe"}\n' + lines[0].encode() + b"\n")

for i in range(16):
    write("snapshot", "random-%02d" % i, bytes(rng.getrandbits(8) for _ in range(8 + 8 * i)))

payload_rng = random.Random(10)
for i in range(16):
    write("payload", "random-%02d" % i, bytes(payload_rng.getrandbits(8) for _ in range(16 + 16 * i)))
