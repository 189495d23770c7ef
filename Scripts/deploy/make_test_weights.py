#!/usr/bin/env python3
"""Writes the golden tests' seeded YAMNet (full size, random values) as a format-v1 .bin.

    Scripts/deploy/make_test_weights.py OUT.bin

For checks that need *a* YAMNet file but not the official one (Scripts/verify-runtime-root on a
machine without Weights/yamnet.bin): same architecture and tensor shapes, so the engine's whole
path runs, but the scores mean nothing. numpy only. The tensors come from Tests/Golden/manifest.json
(names, shapes, scales, offsets, global seed) through Scripts/golden/seeded_weights.py, encoded by
Scripts/export_yamnet.py's encoder; the result must have the manifest's size and CRC-32, i.e. be
byte-identical to the file the Swift golden tests regenerate.
"""

import json
import os
import struct
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, "Scripts"))
sys.path.insert(0, os.path.join(REPO, "Scripts", "golden"))

import export_yamnet  # noqa: E402  (FORMAT.md encoder)
import seeded_weights  # noqa: E402  (the generator shared with the Swift tests)


def main(argv):
    if len(argv) != 1:
        print("usage: make_test_weights.py OUT.bin", file=sys.stderr)
        return 2
    with open(os.path.join(REPO, "Tests", "Golden", "manifest.json")) as f:
        spec = json.load(f)["yamnet"]
    tensors = [(t["name"], seeded_weights.generate(t["name"], tuple(t["shape"]), t["scale"], t["offset"],
                                                   spec["global_seed"]))
               for t in spec["tensors"]]
    data = export_yamnet.encode(export_yamnet.MODEL_NAME, tensors)
    crc = struct.unpack("<I", data[-4:])[0]
    if len(data) != spec["weights_size"] or crc != spec["weights_crc32"]:
        print(f"make_test_weights: got {len(data)} bytes, crc32 {crc:08x}; the manifest says "
              f"{spec['weights_size']} bytes, crc32 {spec['weights_crc32']:08x}", file=sys.stderr)
        return 1
    export_yamnet.write_atomic(argv[0], data)
    print(f"{argv[0]}: seeded test YAMNet, {len(tensors)} tensors, {len(data)} bytes, crc32 {crc:08x}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
