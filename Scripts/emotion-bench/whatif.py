#!/usr/bin/env python3
"""What a cue is worth: refits the table on the development part with a cue replaced, and counts
the music corners each part would get, without building anything.

    Scripts/emotion-bench/whatif.py [--set .emotion-bench] [--mood .build/release/mood]
                                    [--table Weights/emotion.tsv] [--true-tempo] [--gain DB ...]

Uses fit.py's model (`fit.fit`, `fit.predict`: EmotionModel+Estimate.swift without YAMNet) on the
cues `mood bench emotion-cues` measures. --true-tempo puts each music clip's rendered tempo in place
of the tracker's estimate (in the fit and in every part): what a tracker that never picks the wrong
metrical level would give. --gain shifts every loudness cue by DB, as a recording that much quieter
or louder would (the silence gate is relative to the clip, so only the levels move). The corner
mood is the quadrant of the nearest prototype, as in `score`; without --true-tempo at gain 0 the
counts are `score`'s (the same model, the same cues).
"""
import argparse
import copy
import csv
import importlib.util
import os

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("fit", os.path.join(here, "fit.py"))
fit = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fit)

LEVELS = ("loudness_db", "loudness_p90_db")


def shifted(d, gain):
    d = copy.deepcopy(d)
    for name in LEVELS:
        if name in d["cues"]:
            d["cues"][name] += gain
    return d


def main():
    root = os.path.dirname(os.path.dirname(here))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", default=os.path.join(root, ".emotion-bench"))
    parser.add_argument("--mood", default=os.path.join(root, ".build", "release", "mood"))
    parser.add_argument("--table", default=os.path.join(root, "Weights", "emotion.tsv"))
    parser.add_argument("--true-tempo", action="store_true")
    parser.add_argument("--gain", type=float, nargs="*", default=[0.0])
    args = parser.parse_args()
    with open(os.path.join(args.set, "manifest.csv")) as f:
        manifest = [r for r in csv.DictReader(f) if r["part"] == "dev" or r["kind"] == "music"]
    path = lambda r: os.path.abspath(os.path.join(args.set, r["file"]))
    cues = fit.cues_of(args.mood, [path(r) for r in manifest])
    data = {r["file"]: cues[path(r)] for r in manifest}
    if args.true_tempo:
        for r in manifest:
            if r["kind"] == "music" and "tempo_bpm" in data[r["file"]]["cues"]:
                data[r["file"]]["cues"]["tempo_bpm"] = float(r["bpm"])
    values = fit.table_values(fit.read_table(args.table))
    music_weight = values["context/no_yamnet/music"][0]
    dev = [r for r in manifest if r["part"] == "dev"]
    weights, biases, _ = fit.fit([data[r["file"]] for r in dev], dev, values, music_weight)
    values.update({k: [v] for k, v in biases.items()})
    protos = {k.split("/")[1]: v for k, v in values.items() if k.startswith("prototype/")}
    parts = list(dict.fromkeys(r["part"] for r in manifest))
    print("refitted music arousal weights: " + ", ".join(
        f"{name} {w:.3f}" for (c, dim, name), (_, _, w) in sorted(weights.items()) if (c, dim) == ("music", "arousal")))
    print("| gain | " + " | ".join(parts) + " |\n|---|" + "---:|" * len(parts))
    for gain in args.gain:
        cells = []
        for part in parts:
            corners = [r for r in manifest if r["part"] == part and r["expected_mood"]]
            right = 0
            for r in corners:
                out = fit.predict(shifted(data[r["file"]], gain), values, weights, music_weight)
                label = min(protos, key=lambda k: (out["valence"] - protos[k][0]) ** 2 + (out["arousal"] - protos[k][1]) ** 2)
                right += fit.QUADRANT[label] == r["expected_mood"]
            cells.append(f"{right}/{len(corners)}")
        print(f"| {gain:+g} dB | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
