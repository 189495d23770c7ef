#!/usr/bin/env python3
"""Exports the emotion model's table (Weights/emotion.tsv) to the flat weight format v1.

    Scripts/export_emotion.py [Weights/emotion.tsv] [Weights/emotion.bin]

The table has one tensor per line: name, space-separated values, source and the finding the values
encode (see the table's header). Every name is checked against the model's layout — cue sets (the
cue names against CUES, the list of Sources/Emotion/Model/EmotionCue.swift), class weights (against
the YAMNet class map), the nine label prototypes, the calibration constants and rules — and every
source against SOURCES, so a typo fails here with its line, not at load time. The output is the
same format as yamnet.bin (Weights/FORMAT.md), model name "emotion": a `layout_version` tensor
(LAYOUT_VERSION), then the tensors in table order, written atomically.
"""

import csv
import re
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from export_yamnet import encode, write_atomic  # noqa: E402  (one writer of the format)

REPO = Path(__file__).resolve().parents[1]
# The table layout the Swift loader reads (EmotionModel.layoutVersion); Weights/FORMAT.md lists them.
LAYOUT_VERSION = 3
LABELS = ["excited", "happy", "content", "calm", "neutral", "sad", "tired", "angry", "anxious"]
CONTEXTS = ["speech", "music", "other"]
# The cue names of EmotionCue (Sources/Emotion/Model/EmotionCue.swift); a test compares the two.
CUES = ["loudness_db", "loudness_p90_db", "loudness_range_db", "speech_rate", "onset_rate", "modulation_rate", "f0_st", "f0_range_st",
        "hammarberg_db", "alpha_ratio_db", "centroid_hz", "tempo_bpm", "mode_major",
        "periodic_fraction", "tempo_confidence", "key_clarity"]
SOURCES = {"J&L", "EFB", "eGeMAPS", "Russell", "AudioSet", "YAMNet", "de Jong & Wempe", "Morgan", "Ding", "Boersma", "AFFECT.md",
           "design", "fit"}
# Rows besides cues, biases, classes and prototypes: name -> number of values. All are required.
SCALARS = {
    "calibration/temperature": 1, "calibration/energy_thresholds": 2,
    "context/speech_class": 1, "context/music_class": 1, "context/other_floor": 1,
    "context/no_yamnet/speech": 1, "context/no_yamnet/music": 1, "context/no_yamnet/other": 1,
    "context/no_yamnet/music_key": 2,
    "rule/z_limit": 1, "rule/min_sound_s": 1, "rule/weak_sound_fraction": 1, "rule/weak_evidence_cap": 1,
    "rule/no_yamnet_confidence": 1,
}
# name pattern -> number of values
LAYOUT = [
    (r"cue/(speech|music|other)/(arousal|valence)/[^/]+", 3),
    (r"bias/(speech|music|other)/(arousal|valence)", 1),
    (r"class/(arousal|valence)/.+", 1),
    (r"prototype/(" + "|".join(LABELS) + ")", 2),
] + [(re.escape(name), count) for name, count in SCALARS.items()]


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
        if len(fields) != 4 or not fields[3].strip():
            raise TableError(f"{path}:{number}: expected 4 tab-separated fields (tensor, values, source, finding)")
        name, text, source, _ = fields
        unknown = [key for key in source.split(", ") if key not in SOURCES]
        if unknown:
            raise TableError(f"{path}:{number}: unknown source '{unknown[0]}' (known: {', '.join(sorted(SOURCES))})")
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
        if name.startswith("cue/") and name.split("/")[3] not in CUES:
            raise TableError(f"{path}:{number}: '{name}' names the unknown cue '{name.split('/')[3]}' "
                             f"(known: {', '.join(CUES)})")
        if name.startswith("class/") and name.split("/", 2)[2] not in classes:
            raise TableError(f"{path}:{number}: '{name.split('/', 2)[2]}' is not a YAMNet class")
        if name.startswith("cue/") and values[1] <= 0:
            raise TableError(f"{path}:{number}: '{name}' needs a positive scale")
        if name in seen:
            raise TableError(f"{path}:{number}: '{name}' appears twice")
        seen.add(name)
        tensors.append((name, values))
    missing = [f"prototype/{label}" for label in LABELS if f"prototype/{label}" not in seen]
    missing += [name for name in SCALARS if name not in seen]
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
    version = ("layout_version", np.array([LAYOUT_VERSION], dtype=np.float32))
    write_atomic(output, encode("emotion", [version] + tensors))
    print(f"wrote {output}: {len(tensors)} tensors")
    return 0


if __name__ == "__main__":
    sys.exit(main())
