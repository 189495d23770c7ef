#!/usr/bin/env python3
"""Exports the emotion model's table (Weights/emotion.tsv) to the flat weight format v1.

    Scripts/export_emotion.py [Weights/emotion.tsv] [Weights/emotion.bin]

The table has one tensor per line: name, space-separated values, and the finding the values
encode (see the table's header). Every name is checked against the model's layout — cue sets,
class weights (against the YAMNet class map), the nine label prototypes, the calibration
constants — so a typo fails here, not at load time. The output is the same format as yamnet.bin
(Weights/FORMAT.md), model name "emotion", tensors in table order, written atomically.
"""

import csv
import re
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from export_yamnet import encode, write_atomic  # noqa: E402  (one writer of the format)

REPO = Path(__file__).resolve().parents[1]
LABELS = ["excited", "happy", "content", "calm", "neutral", "sad", "tired", "angry", "anxious"]
CONTEXTS = ["speech", "music", "other"]
# name pattern -> number of values
LAYOUT = [
    (r"cue/(speech|music|other)/(arousal|valence)/[a-z0-9_]+", 3),
    (r"bias/(speech|music|other)/(arousal|valence)", 1),
    (r"class/(arousal|valence)/.+", 1),
    (r"context/(speech_class|music_class|other_floor)", 1),
    (r"context/no_yamnet/(speech|music|other)", 1),
    (r"prototype/(" + "|".join(LABELS) + ")", 2),
    (r"calibration/(temperature|weak_evidence_cap)", 1),
    (r"calibration/energy_thresholds", 2),
]


class TableError(Exception):
    pass


def class_names(path=REPO / "Weights" / "yamnet_class_map.csv"):
    with open(path, newline="", encoding="utf-8") as f:
        return {row["display_name"] for row in csv.DictReader(f)}


def read_table(path, classes):
    """[(name, float32 array)] in table order; raises TableError naming the line at fault."""
    tensors, seen = [], set()
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 3 or not fields[2].strip():
            raise TableError(f"{path}:{number}: expected 3 tab-separated fields (tensor, values, finding)")
        name, text, _ = fields
        try:
            values = np.array([float(v) for v in text.split()], dtype=np.float32)
        except ValueError:
            raise TableError(f"{path}:{number}: '{text}' is not a list of numbers") from None
        layout = next((count for pattern, count in LAYOUT if re.fullmatch(pattern, name)), None)
        if layout is None:
            raise TableError(f"{path}:{number}: unknown tensor '{name}'")
        if len(values) != layout:
            raise TableError(f"{path}:{number}: '{name}' needs {layout} values, has {len(values)}")
        if not np.all(np.isfinite(values)):
            raise TableError(f"{path}:{number}: '{name}' has a non-finite value")
        if name.startswith("class/") and name.split("/", 2)[2] not in classes:
            raise TableError(f"{path}:{number}: '{name.split('/', 2)[2]}' is not a YAMNet class")
        if name.startswith("cue/") and values[1] <= 0:
            raise TableError(f"{path}:{number}: '{name}' needs a positive scale")
        if name in seen:
            raise TableError(f"{path}:{number}: '{name}' appears twice")
        seen.add(name)
        tensors.append((name, values))
    missing = [f"prototype/{label}" for label in LABELS if f"prototype/{label}" not in seen]
    missing += [n for n in ["calibration/temperature", "calibration/energy_thresholds",
                            "calibration/weak_evidence_cap", "context/speech_class",
                            "context/music_class", "context/other_floor"] if n not in seen]
    missing += [f"context/no_yamnet/{c}" for c in CONTEXTS if f"context/no_yamnet/{c}" not in seen]
    if missing:
        raise TableError(f"{path}: missing {', '.join(missing)}")
    return tensors


def main(argv=None):
    args = (sys.argv[1:] if argv is None else argv) or []
    source = Path(args[0]) if args else REPO / "Weights" / "emotion.tsv"
    output = Path(args[1]) if len(args) > 1 else REPO / "Weights" / "emotion.bin"
    try:
        tensors = read_table(source, class_names())
    except (TableError, OSError) as error:
        print(f"export_emotion: {error}", file=sys.stderr)
        return 1
    write_atomic(output, encode("emotion", tensors))
    print(f"wrote {output}: {len(tensors)} tensors")
    return 0


if __name__ == "__main__":
    sys.exit(main())
