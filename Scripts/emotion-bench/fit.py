#!/usr/bin/env python3
"""Fits the emotion table's cue coefficients on the development part of the emotion bench.

    Scripts/emotion-bench/fit.py [--set .emotion-bench] [--mood .build/release/mood]
                                 [--table Weights/emotion.tsv] [--write]

1. Cues: `mood bench emotion-cues` on every development clip (the model's own inputs).
2. Targets, from the design of the set (make_set.py) and the circumplex prototypes of the table:
   music arousal = 0.35·tempo + 0.35·dynamics, valence = 0.6·mode (each ±1: fast/slow, loud/soft,
   major/minor), so the four corners land on excited/happy, content/calm, sad and angry; speech
   arousal = ±0.3 for one prosody factor up/down (rate, pitch, volume), +0.7 angry, −0.7 sad, 0
   neutral (Juslin & Laukka 2003, Table 11; Eerola, Friberg & Bresin 2013). Speech valence has
   no target (acoustic valence cues in speech are weak: AFFECT.md): its rows are kept.
3. Model, as Sources/Emotion/Model/EmotionModel+Estimate.swift without YAMNet: raw = Σ_c π_c ·
   (bias_c + Σ_i w_i·clamp((x_i − mean_i)/scale_i, ±z_limit)), output = tanh(raw)·min(1, evidence / rule/weak_sound_fraction), π_c
   from context/no_yamnet/* (voiced fraction, tempo confidence and key clarity, constant). Given π the raw score
   is linear in the weights, so they are fitted by least squares onto atanh(target / min(1, evidence / rule/weak_sound_fraction))
   (clipped to ±0.95), with every weight's sign held to the published direction it encodes (the
   sign in the table, magnitude at least MIN_WEIGHT: scipy.optimize.lsq_linear with bounds) and a
   small ridge (λ = 0.05) towards zero, and the music biases free (an intercept: BIASED). Music
   means and scales of loudness, mode and modulation rate come from the dev music clips (median,
   sd); the other music cues keep the table's typical values (DEV_SCALED). Besides each clip's row, the
   system holds the same row less the mean of its matched group (a music combo's eight cells, a speech voice × passage's nine
   profiles; weight WITHIN_BY): a fixed-effects term, so that differences between voices or
   instruments the design does not vary (a female voice's higher F0) do not dilute a cue that
   moves within each group. Speech means and scales stay the table's (typical conversational
   speech: one synthesiser's spread is too narrow).
4. The no-YAMNet context weight of music (π_music ∝ m × tempo confidence) is chosen from a grid by
   the same loss.
5. Calibration: the softmax temperature and the no-YAMNet confidence factor (calibration/temperature,
   rule/no_yamnet_confidence) jointly from a grid (TEMPERATURES × FACTORS) by the log loss of
   `confidence` against the corner mood being right (temperature scaling, Guo et al. 2017), on
   out-of-fold predictions (each combo predicted by a fit without it, FOLDS folds) and on the corner
   clips of CALIBRATION_PARTS (probe: predicted by the development fit, never fitted on; they hold
   misses, which the development part does not), with Platt's targets, and by the one-standard-
   error rule (the warmest temperature within one standard error of the lowest loss); both only
   rescale the confidence, so no mood, emotion, arousal, valence or energy level changes.
The weights see only the development part; the calibration also reads CALIBRATION_PARTS' corners.
With --write the fitted values replace the table's values (source "fit", provenance in the
finding); re-export with Scripts/export_emotion.py.
"""
import argparse
import csv
import json
import math
import os
import subprocess
import sys

import numpy as np
from scipy.optimize import lsq_linear

RIDGE = 0.05
# Every published cue keeps at least this weight, its sign held: the bench's synthetic speech and
# music cannot show every cue (one synthesiser's brightness barely varies), and a cue fitted to 0
# would stop moving its dimension on real recordings (Tests/AnalysisTests/DirectionTests).
MIN_WEIGHT = 0.05
# The no-YAMNet music context weights tried. Above 3, speech with a weak beat (tempo confidence
# about 0.2) would be judged mostly by the music cues; below 1 a tonal clip still reaches the
# music cues through its key clarity (context/no_yamnet/music_key).
MUSIC_WEIGHTS = (0.3, 0.5, 1.0, 2.0, 3.0)
FITTED = [("music", "arousal"), ("music", "valence"), ("speech", "arousal")]
# Music cues whose mean and scale come from the development clips. The others keep the table's
# typical values: the dev part's few instruments span a narrow range of brightness and register
# (a scale fitted there reads other instruments as extreme), and its tempo spread carries the
# tracker's octave errors. The modulation rate's typical value for music is not published (Ding et
# al. 2017 give where music's modulation spectrum peaks, not its centroid), and its spread in the
# dev part comes from the design's slow and fast tempi, not from a few instruments.
DEV_SCALED = ("loudness_p90_db", "mode_major", "modulation_rate")
# Contexts whose bias is fitted too (an intercept): without YAMNet a music clip is partly judged by
# the speech cues (YIN finds its tones voiced), which read music's few onsets and narrow loudness
# range as calm speech; the music bias takes that offset up. Speech keeps its centred bias: its
# means are typical conversational values, not this synthesiser's.
BIASED = ("music",)
# Weight of the within-group rows against the plain rows, per kind; chosen on the development part
# (speech pitch pairs 11/15 at 1, 13/15 at 3, 15/15 at 10; music corners 31/48 at 1, 35/48 at 3).
WITHIN_BY = {"music": 3.0, "speech": 10.0}
# Calibration grid: temperatures log-spaced over 0.002–0.6 (at 0.002 the top prototype takes
# practically all the mass; at 0.6 the nine prototypes are nearly uniform), and the no-YAMNet factor
# 0.5–1 (a fraction: EmotionModel refuses one outside 0…1).
# Folds of the cross-fitting that gives the calibration its out-of-fold predictions (out_of_fold):
# 4 folds of the 12 music combos (3 each) and of the 15 speech groups.
FOLDS = 4
# Parts whose corner clips join the calibration (never the fit of the weights): they hold misses, so
# the temperature can learn a spread. probe only: held-out, probe2 and probe3 stay unseen for reporting.
CALIBRATION_PARTS = ("probe",)
# Each prototype's quadrant, the `mood` it gives (Sources/Emotion/Model/Labels.swift).
QUADRANT = {"excited": "happy", "happy": "happy", "content": "calm", "calm": "calm", "neutral": "neutral",
            "sad": "sad", "tired": "sad", "angry": "tense", "anxious": "tense"}
TEMPERATURES = np.round(np.exp(np.linspace(math.log(0.002), math.log(0.6), 41)), 4)
FACTORS = np.round(np.arange(0.5, 1.0001, 0.01), 2)


def read_table(path):
    rows = []
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                rows.append((line, None))
                continue
            cols = line.split("\t")
            rows.append((line, cols))
    return rows


def table_values(rows):
    return {cols[0]: [float(v) for v in cols[1].split()] for _, cols in rows if cols}


def cues_of(mood, files):
    out = subprocess.run([mood, "bench", "emotion-cues", *files], capture_output=True, text=True, check=True)
    return {d["file"]: d for d in map(json.loads, out.stdout.splitlines())}


def evidence(d, values):
    sound = 1 - d["silenceFraction"]
    return 0.0 if sound * d["durationS"] < values["rule/min_sound_s"][0] else sound


def amplitude(d, values):
    """What arousal and valence are scaled by (EmotionModel.amplitude): evidence / weak fraction, at most 1."""
    return min(evidence(d, values) / values["rule/weak_sound_fraction"][0], 1.0)


def contexts(d, values, music_weight=None):
    cue = lambda n: min(max(d["cues"].get(n, 0.0), 0.0), 1.0)
    ny = lambda c: values[f"context/no_yamnet/{c}"][0]
    key_weight, floor = values["context/no_yamnet/music_key"]
    clarity = d["cues"].get("key_clarity", floor)
    tonal = min(max((clarity - floor) / (1 - floor), 0.0), 1.0)
    raw = {"speech": ny("speech") * cue("periodic_fraction"),
           "music": (music_weight if music_weight is not None else ny("music")) * cue("tempo_confidence") + key_weight * tonal,
           "other": ny("other")}
    total = sum(raw.values())
    return {c: v / total for c, v in raw.items()}


def z(d, name, mean, scale, limit):
    x = d["cues"].get(name)
    if x is None or not math.isfinite(x):
        return 0.0
    return min(max((x - mean) / scale, -limit), limit)


def targets(row):
    s = lambda v, hi: 1.0 if v == hi else -1.0
    if row["kind"] == "music":
        return {"arousal": 0.35 * s(row["tempo"], "fast") + 0.35 * s(row["dynamics"], "loud"),
                "valence": 0.6 * s(row["mode"], "major")}
    a = {"neutral": 0, "rate_slow": -0.3, "rate_fast": 0.3, "pitch_low": -0.3, "pitch_high": 0.3,
         "volume_soft": -0.3, "volume_loud": 0.3, "angry": 0.7, "sad": -0.7}[row["profile"]]
    return {"arousal": a}


def predict(d, values, cues, music_weight):
    """(arousal, valence) of one clip under the table `values` with cue rows `cues`."""
    pi = contexts(d, values, music_weight)
    limit = values["rule/z_limit"][0]
    out = {}
    for dim in ("arousal", "valence"):
        raw = 0.0
        for c, p in pi.items():
            s = values.get(f"bias/{c}/{dim}", [0])[0]
            for (cc, dd, name), (mean, scale, w) in cues.items():
                if cc == c and dd == dim:
                    s += w * z(d, name, mean, scale, limit)
            raw += p * s
        out[dim] = math.tanh(raw) * amplitude(d, values)
    return out


def fit(data, rows, values, music_weight):
    cues = {tuple(k.split("/")[1:4]): v for k, v in values.items() if k.startswith("cue/")}
    limit = values["rule/z_limit"][0]
    # Music means and scales from the development clips (the set's soft/loud and slow/fast levels);
    # speech keeps the table's conversational means and spreads (one synthesiser's spread is narrow).
    for (c, dim, name) in list(cues):
        if (c, dim) not in FITTED or c != "music" or name not in DEV_SCALED:
            continue
        xs = [d["cues"][name] for d, r in zip(data, rows) if r["kind"] == c and math.isfinite(d["cues"].get(name, float("nan")))]
        if len(xs) > 3 and np.std(xs) > 0:
            cues[(c, dim, name)] = [float(np.median(xs)), float(np.std(xs)), cues[(c, dim, name)][2]]
    loss, biases = 0.0, {}
    for dim in ("arousal", "valence"):
        free = [k for k in cues if (k[0], k[1]) in FITTED and k[1] == dim]
        free_bias = [c for c in BIASED if (c, dim) in FITTED]
        A, b, groups, within = [], [], [], []
        for d, r in zip(data, rows):
            t = targets(r).get(dim)
            ev = amplitude(d, values)
            if t is None or ev <= 0:
                continue
            pi = contexts(d, values, music_weight)
            fixed = sum(pi[c] * ((0 if c in free_bias else values.get(f"bias/{c}/{dim}", [0])[0])
                                 + sum(w * z(d, n, m, s, limit) for (cc, dd, n), (m, s, w) in cues.items()
                                       if cc == c and dd == dim and (cc, dd, n) not in free))
                        for c in pi)
            A.append([pi[k[0]] * z(d, k[2], cues[k][0], cues[k][1], limit) for k in free] + [pi[c] for c in free_bias])
            b.append(math.atanh(max(-0.95, min(0.95, t / ev))) - fixed)
            groups.append(r["combo"])
            within.append(math.sqrt(WITHIN_BY[r["kind"]]))
        A, b = np.array(A), np.array(b)
        # The same rows less their matched group's mean (fixed effects): what differs between
        # speakers, instruments or passages and not by design cancels, so a cue that moves within a
        # speaker (F0 with the pitch profile) is not diluted by the spread between speakers.
        Aw, bw = A.copy(), b.copy()
        for g in set(groups):
            m = np.array([x == g for x in groups])
            Aw[m] -= A[m].mean(0)
            bw[m] -= b[m].mean()
        signs = [1.0 if cues[k][2] >= 0 else -1.0 for k in free]
        lower = [MIN_WEIGHT if s > 0 else -np.inf for s in signs] + [-np.inf] * len(free_bias)
        upper = [np.inf if s > 0 else -MIN_WEIGHT for s in signs] + [np.inf] * len(free_bias)
        within = np.array(within)
        n = len(free) + len(free_bias)
        A_ridge = np.vstack([A, within[:, None] * Aw, math.sqrt(RIDGE) * np.eye(n)])
        b_ridge = np.concatenate([b, within * bw, np.zeros(n)])
        result = lsq_linear(A_ridge, b_ridge, bounds=(lower, upper))
        for k, w in zip(free, result.x):
            cues[k] = [cues[k][0], cues[k][1], float(w)]
        for c, w in zip(free_bias, result.x[len(free):]):
            biases[f"bias/{c}/{dim}"] = float(w)
        loss += float(np.mean((A @ result.x - b) ** 2))
    return cues, biases, loss


def ece_of(conf, right):
    """Expected calibration error over five equal-width bins, as Scripts/emotion-bench/score prints it."""
    ece = 0.0
    for lo in np.arange(0, 1, 0.2):
        m = (conf >= lo) & ((conf < lo + 0.2) | ((lo >= 0.8) & (conf <= 1)))
        if m.any():
            ece += abs(right[m].mean() - conf[m].mean()) * m.sum() / len(conf)
    return float(ece)


def out_of_fold(data, rows, values, music_weight):
    """Every dev clip's (arousal, valence) from a fit that did not see its combo: the combos split
    into FOLDS folds by their order, each fold predicted by the weights and biases fitted on the
    others (cross-fitting: calibration data the fit has not seen, Platt 1999 §2.2). Fitted on every
    clip, the model gets all 48 dev corners right, and the temperature that fits that runs to the
    grid's floor: every clip at confidence ≈ 1, over-confident elsewhere (round 3: held-out ECE 0.14)."""
    combos = sorted({r["combo"] for r in rows})
    fold_of = {c: i % FOLDS for i, c in enumerate(combos)}
    outs = [None] * len(rows)
    for k in range(FOLDS):
        train = [i for i, r in enumerate(rows) if fold_of[r["combo"]] != k]
        cues, biases, _ = fit([data[i] for i in train], [rows[i] for i in train], values, music_weight)
        fold_values = {**values, **{b: [v] for b, v in biases.items()}}
        for i, r in enumerate(rows):
            if fold_of[r["combo"]] == k:
                outs[i] = predict(data[i], fold_values, cues, music_weight)
    return outs


def calibrate(data, rows, values, music_weight, extra, cues):
    """((T, factor, log loss, ECE, corner accuracy), (T, factor, ECE) of the lowest ECE): the softmax
    temperature and the no-YAMNet confidence factor with the lowest log loss of `confidence` against
    the corner mood being right, on the development part's out-of-fold predictions (`out_of_fold`)
    together with the calibration parts' (`extra`: (data, rows) of CALIBRATION_PARTS), which are
    predicted by the fit on the whole development part (`cues` and the biases in `values`) and never
    fitted on. The development part alone has no out-of-fold corner miss (round 3: T ran to 0.0054,
    confidence 0.98 on almost every clip, right 69 % of the time on probe3); probe's misses are
    material the fit has not seen, so the calibration learns how often the model is wrong there.

    Temperature scaling (Guo et al. 2017, ICML, §4.2: T fitted by the negative log-likelihood on a
    validation set), here jointly with the factor (a Platt-style scale, Platt 1999), both only
    rescaling the confidence: the label, and so every mood, stays the nearest prototype's. The
    log loss is a proper scoring rule; ECE over five bins of 48 clips is too coarse to fit on (the
    lowest dev ECE sits at T ≈ 0.005, where every clip states about the same confidence, which
    says nothing about which clip is right). The confidence is as in EmotionModel.estimate: the
    top prototype's softmax probability, capped at rule/weak_evidence_cap on weak evidence, times
    the factor."""
    protos = {k.split("/")[1]: v for k, v in values.items() if k.startswith("prototype/")}
    every = out_of_fold(data, rows, values, music_weight) + [predict(d, values, cues, music_weight) for d in extra[0]]
    data, rows = data + extra[0], rows + extra[1]
    corners = [(d, r) for d, r in zip(data, rows) if r["expected_mood"]]
    outs = [o for o, r in zip(every, rows) if r["expected_mood"]]
    weak = np.array([evidence(d, values) < values["rule/weak_sound_fraction"][0] for d, _ in corners])
    cap = values["rule/weak_evidence_cap"][0]
    d2 = np.array([[(o["valence"] - v[0]) ** 2 + (o["arousal"] - v[1]) ** 2 for v in protos.values()] for o in outs])
    labels = [list(protos)[i] for i in d2.argmin(1)]
    right = np.array([QUADRANT[label] == r["expected_mood"] for label, (_, r) in zip(labels, corners)], dtype=float)
    # Platt's targets (Platt 1999, §2.2): a right clip counts (N₊ + 1)/(N₊ + 2), a wrong one
    # 1/(N₋ + 2), so that a part with no miss does not drive every confidence to 1.
    hits = right.sum()
    target = np.where(right > 0, (hits + 1) / (hits + 2), 1 / (len(right) - hits + 2))
    grid, flattest = [], None
    for T in TEMPERATURES:
        logits = -d2 / T
        p = np.exp(logits - logits.max(1, keepdims=True))
        top = p.max(1) / p.sum(1)
        top = np.where(weak, np.minimum(top, cap), top)
        for factor in FACTORS:
            conf = np.clip(top * factor, 1e-6, 1 - 1e-6)
            losses = -(target * np.log(conf) + (1 - target) * np.log(1 - conf))
            ece = ece_of(top * factor, right)
            if flattest is None or ece < flattest[2] - 1e-12:
                flattest = (float(T), float(factor), ece)
            grid.append((float(T), float(factor), float(losses.mean()), ece, losses))
    # The one-standard-error rule (Breiman et al. 1984; Hastie, Tibshirani & Friedman 2009, §7.10):
    # the warmest temperature whose log loss is within one standard error of the lowest. With few
    # misses the lowest sits at the grid's coldest temperature, where every clip states the same
    # confidence; the warmest within the noise keeps the confidence telling clear clips from unclear.
    lowest = min(grid, key=lambda g: g[2])
    bound = lowest[2] + lowest[4].std(ddof=1) / math.sqrt(len(lowest[4]))
    T, factor, loss, ece, _ = max((g for g in grid if g[2] <= bound), key=lambda g: (g[0], -g[2]))
    return (T, factor, loss, ece, float(right.mean())), flattest


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(os.path.dirname(here))
    parser = argparse.ArgumentParser(description="Fits Weights/emotion.tsv's cue rows on the dev part.")
    parser.add_argument("--set", default=os.path.join(root, ".emotion-bench"))
    parser.add_argument("--mood", default=os.path.join(root, ".build", "release", "mood"))
    parser.add_argument("--table", default=os.path.join(root, "Weights", "emotion.tsv"))
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    with open(os.path.join(args.set, "manifest.csv")) as f:
        manifest = list(csv.DictReader(f))
    rows = [r for r in manifest if r["part"] == "dev"]
    extra_rows = [r for r in manifest if r["part"] in CALIBRATION_PARTS and r["expected_mood"]]
    files = [os.path.abspath(os.path.join(args.set, r["file"])) for r in rows + extra_rows]
    by_file = cues_of(args.mood, files)
    data = [by_file[f] for f in files[:len(rows)]]
    extra = ([by_file[f] for f in files[len(rows):]], extra_rows)
    table = read_table(args.table)
    values = table_values(table)

    best = None
    for m in MUSIC_WEIGHTS:
        cues, biases, loss = fit(data, rows, values, m)
        print(f"music context weight {m}: loss {loss:.4f}")
        if best is None or loss < best[3]:
            best = (m, cues, biases, loss)
    music_weight, cues, biases, loss = best
    values.update({k: [v] for k, v in biases.items()})
    (T, factor, log_loss, ece, accuracy), flattest = calibrate(data, rows, values, music_weight, extra, cues)
    print("lowest calibration-set corner ECE, not chosen: temperature {:g}, factor {:g}, ECE {:.3f}".format(*flattest))
    print(f"chosen: music context weight {music_weight}, loss {loss:.4f}; temperature {T:g}, no-YAMNet confidence factor "
          f"{factor:g} (corner log loss {log_loss:.3f}, ECE {ece:.3f}, corner accuracy {accuracy:.2f} on dev out of fold "
          f"and {'+'.join(CALIBRATION_PARTS)})")
    for (c, dim, name), (m, s, w) in sorted(cues.items()):
        if (c, dim) in FITTED:
            print(f"cue/{c}/{dim}/{name}\t{m:.4g} {s:.4g} {w:.3f}")
    for k, v in sorted(biases.items()):
        print(f"{k}\t{v:.3f}")
    if not args.write:
        return
    provenance = "fitted by Scripts/emotion-bench/fit.py on the emotion bench's development part"
    calibration = ("fitted by Scripts/emotion-bench/fit.py on the emotion bench's corner clips of the development part (out of fold) and of "
                   + " and ".join(CALIBRATION_PARTS) + " (predicted by the development fit, never fitted on)")
    out = []
    for line, cols in table:
        if cols and cols[0].startswith("cue/") and tuple(cols[0].split("/")[1:3]) in FITTED:
            key = tuple(cols[0].split("/")[1:4])
            m, s, w = cues[key]
            cols = [cols[0], f"{m:.4g} {s:.4g} {w:.3f}", "fit, " + cols[2].replace("fit, ", ""),
                    cols[3].split(" [fit:")[0] + f" [fit: weight {provenance}" + ("; mean and scale: median and sd of its dev music clips" if key[0] == "music" and key[2] in DEV_SCALED else "")
                    + "; the weight's sign is held to the finding]"]
        elif cols and cols[0] in biases:
            cols = [cols[0], f"{biases[cols[0]]:.3f}", "fit", cols[3].split(" [fit:")[0] + f" [fit: {provenance}, an intercept with the weights]"]
        elif cols and cols[0] == "context/no_yamnet/music":
            cols = [cols[0], f"{music_weight:g}", "fit, design", cols[3].split(" [fit:")[0] + f" [fit: {provenance}, grid {'/'.join(f'{m:g}' for m in MUSIC_WEIGHTS)}]"]
        elif cols and cols[0] == "calibration/temperature":
            cols = [cols[0], f"{T:g}", "fit", cols[3].split(" [fit:")[0] + f" [fit: {calibration}, jointly with rule/no_yamnet_confidence: "
                    f"the log loss of the corner moods' confidence (Platt's targets; the warmest T within one standard error of the lowest), grid 0.002–0.6 log-spaced]"]
        elif cols and cols[0] == "rule/no_yamnet_confidence":
            cols = [cols[0], f"{factor:g}", "fit, design, AFFECT.md", cols[3].split(" [fit:")[0] + f" [fit: {calibration}, jointly with "
                    f"calibration/temperature: the log loss of the corner moods' confidence, grid 0.5–1]"]
        out.append("\t".join(cols) if cols else line)
    with open(args.table, "w") as f:
        f.write("\n".join(out) + "\n")
    table = os.path.relpath(args.table, root)
    print(f"wrote {table}: re-export with Scripts/export_emotion.py {table} Weights/emotion.bin")


if __name__ == "__main__":
    sys.exit(main())
