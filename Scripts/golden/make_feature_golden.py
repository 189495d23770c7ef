#!/usr/bin/env python3
"""Writes librosa's frame features of the golden clips into Tests/Golden/features/.

Tests/EmotionTests/GoldenFeatureTests.swift compares Sources/Emotion's RMS, zero-crossing rate,
spectral centroid, roll-off, flatness and chroma with these. Run it through
Scripts/golden/regenerate (pinned librosa in pyproject.toml's `golden` extra), or with any Python
that has those packages:

    Scripts/venv golden && .venv/bin/python Scripts/golden/make_feature_golden.py

Inputs: the waveforms of Tests/Golden/clips/ that make_golden.py wrote (all but `empty`), and two
music-like clips synthesized here (float64, then float32):
  chords   3 s: C major, F major, G major, C major triads (0.75 s each), every note with
           six harmonics at 1/h amplitude, 10 ms fades, plus a bass root an octave below
  melody   3 s: a 220 Hz → 440 Hz sawtooth-like tone with 5.5 Hz vibrato (±30 cents) over
           white noise at −40 dB (default_rng(23)), amplitude 0.3

Every feature is framed as the Swift extractor frames it: sr 16000, hop 160, centred frames
(center=True, zeros outside the signal except where a function pads otherwise):
  rms        librosa.feature.rms(frame_length=400, hop_length=160, center=True, pad_mode="constant")
  zcr        librosa.feature.zero_crossing_rate(frame_length=400, hop_length=160, center=True)
             (edge padding, threshold 1e-10, zero counts as positive)
  centroid, rolloff (roll_percent 0.85), flatness (amin 1e-10, power 2):
             n_fft=512, win_length=400, window="hann" (periodic), center=True, pad_mode="constant";
             centroid and roll-off on the magnitude spectrogram, flatness on power
  chroma     librosa.feature.chroma_stft(n_fft=1024, hop_length=160, window="hann", center=True,
             pad_mode="constant", tuning=0.0, norm=inf), i.e. power spectrogram, default
             filterbank (ctroct 5, octwidth 2, norm 2, base_c)

Layout (raw little-endian float32, C order):
  features/manifest.json   {generator, versions, params, clips: [...]}
  features/<clip>.input.f32 (new clips only; others point at clips/<clip>.input.f32)
  features/<clip>.<feature>.f32   [frames] per feature, chroma [frames, 12]
Each clip: {name, num_samples, frames, input: {file, shape}, <feature>: {file, shape}}, paths
relative to Tests/Golden. Deterministic: a rerun writes identical bytes.
"""

import json
import os
import shutil
import sys

import librosa
import numpy as np
import scipy

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
GOLDEN = os.path.join(REPO, "Tests", "Golden")
OUT_DIR = os.path.join(GOLDEN, "features")
SR = 16000
HOP = 160
MAX_TOTAL_BYTES = 1024 * 1024
PARAMS = {"sr": SR, "hop_length": HOP, "frame_length": 400, "n_fft": 512, "win_length": 400,
          "window": "hann", "roll_percent": 0.85, "flatness_amin": 1e-10, "chroma_n_fft": 1024,
          "tuning": 0.0, "chroma_norm": "inf"}


def _notes(freqs, n, amp):
    t = np.arange(n) / SR
    x = np.zeros(n)
    for f in freqs:
        for h in range(1, 7):
            if h * f < SR / 2:
                x += amp / h * np.sin(2 * np.pi * h * f * t)
    fade = int(0.01 * SR)
    ramp = np.minimum(1.0, np.minimum(np.arange(n), np.arange(n)[::-1]) / fade)
    return x * ramp


def chords():
    """I-IV-V-I in C: 0.75 s per chord."""
    midi = lambda m: 440.0 * 2 ** ((m - 69) / 12)   # noqa: E731
    n = int(0.75 * SR)
    progression = [[60, 64, 67], [65, 69, 72], [67, 71, 74], [60, 64, 67]]
    return np.concatenate([_notes([midi(m) for m in chord] + [midi(chord[0] - 12)], n, 0.08)
                           for chord in progression])


def melody():
    n = 3 * SR
    t = np.arange(n) / SR
    f0 = 220.0 * 2 ** (t / 3.0) * 2 ** (0.025 * np.sin(2 * np.pi * 5.5 * t))
    phase = 2 * np.pi * np.cumsum(f0) / SR
    x = sum(np.sin(h * phase) / h for h in range(1, 9))
    noise = np.random.default_rng(23).standard_normal(n)
    return 0.3 * x / np.max(np.abs(x)) + 0.3 * 10 ** (-40 / 20) * noise


def features(y):
    spec = dict(sr=SR, n_fft=512, hop_length=HOP, win_length=400, window="hann", center=True,
                pad_mode="constant")
    out = {
        "rms": librosa.feature.rms(y=y, frame_length=400, hop_length=HOP, center=True,
                                   pad_mode="constant")[0],
        "zcr": librosa.feature.zero_crossing_rate(y, frame_length=400, hop_length=HOP,
                                                  center=True)[0],
        "centroid": librosa.feature.spectral_centroid(y=y, **spec)[0],
        "rolloff": librosa.feature.spectral_rolloff(y=y, roll_percent=0.85, **spec)[0],
        "flatness": librosa.feature.spectral_flatness(
            y=y, amin=1e-10, power=2.0, **{k: v for k, v in spec.items() if k != "sr"})[0],
        "chroma": librosa.feature.chroma_stft(y=y, sr=SR, n_fft=1024, hop_length=HOP,
                                              window="hann", center=True, pad_mode="constant",
                                              tuning=0.0, norm=np.inf).T,
    }
    frames = 1 + len(y) // HOP
    for name, value in out.items():
        if value.shape[0] != frames:
            raise SystemExit(f"{name}: {value.shape[0]} frames, expected {frames}")
    return out


def main():
    with open(os.path.join(GOLDEN, "manifest.json")) as f:
        golden = json.load(f)
    shutil.rmtree(OUT_DIR, ignore_errors=True)
    os.makedirs(OUT_DIR)
    total = 0

    def write(rel, array):
        nonlocal total
        array = np.ascontiguousarray(array, dtype="<f4")
        with open(os.path.join(GOLDEN, rel), "wb") as f:
            f.write(array.tobytes())
        total += array.nbytes
        return {"file": rel, "shape": list(array.shape)}

    inputs = []
    for clip in golden["clips"]:
        if clip["num_samples"] == 0:
            continue
        y = np.fromfile(os.path.join(GOLDEN, clip["input"]["file"]), dtype="<f4")
        inputs.append((clip["name"], y, clip["input"]))
    for name, make in (("chords", chords), ("melody", melody)):
        y = make().astype(np.float32)
        inputs.append((name, y, write(f"features/{name}.input.f32", y)))

    clips = []
    for name, y, input_ref in inputs:
        entry = {"name": name, "num_samples": int(len(y)), "frames": 1 + len(y) // HOP,
                 "input": input_ref}
        for feature, value in features(y).items():
            entry[feature] = write(f"features/{name}.{feature}.f32", value)
        clips.append(entry)
        print(f"{name}: {len(y)} samples, {entry['frames']} frames")

    manifest = {
        "generator": "Scripts/golden/make_feature_golden.py",
        "regenerate": "Scripts/golden/regenerate",
        "versions": {"librosa": librosa.__version__, "numpy": np.__version__,
                     "scipy": scipy.__version__},
        "params": PARAMS,
        "clips": clips,
    }
    with open(os.path.join(OUT_DIR, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    if total > MAX_TOTAL_BYTES:
        raise SystemExit(f"feature golden data is {total} bytes, over {MAX_TOTAL_BYTES}")
    print(f"wrote {total} bytes to {OUT_DIR}")


if __name__ == "__main__":
    sys.exit(main())
