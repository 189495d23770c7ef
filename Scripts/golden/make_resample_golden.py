#!/usr/bin/env python3
"""Writes resampy's 16 kHz resampling of a few inputs into Tests/Golden/resample/.

The Swift ResamplerTests compare our resampler (Sources/DSP/Resampler.swift) with these outputs.

Run with a Python that has pyproject.toml's `golden` extra installed (resampy pulls in numba),
and espeak-ng on the PATH (Debian: apt-get install espeak-ng):

    Scripts/venv golden && .venv/bin/python Scripts/golden/make_resample_golden.py

(Scripts/golden/regenerate runs it the same way; any Python with those packages will do.)

It clears Tests/Golden/resample/ first and is deterministic for a given espeak-ng (the speech is
synthesized anew; everything else is seeded).

Layout (all arrays raw little-endian float32, one channel):
  resample/manifest.json           {generator, versions, filter, output_rate, cases: [...]}
  resample/<name>.input.f32        the input at case.input_rate
  resample/<name>.resampy.f32      resampy.resample(input as float64, input_rate, 16000,
                                   filter="kaiser_best"), computed in float64, stored as float32
Each case: {name, input_rate, content, input: {file, shape}, resampy: {file, shape}}; file paths
are relative to Tests/Golden (as in Tests/Golden/manifest.json). resampy's output has
floor(n·16000/input_rate) samples, output j at input time j·input_rate/16000 (ref: resampy 0.4.3
core.py, resample).

Cases:
  speech_44100, speech_48000  1 s of espeak-ng speech (en-us, 22.05 kHz; "She sells sea shells…",
                              fricatives give it content up to ~10 kHz), brought to 44.1 / 48 kHz
                              with resampy kaiser_best and scaled to peak 0.5
  lowband_44100, lowband_48000  0.125 s of white noise (default_rng(16000)) with every FFT bin
                              above 6 kHz zeroed, 10 ms raised-cosine fade-in and fade-out, peak
                              0.5: inside both resamplers' passbands
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import wave

import numba
import numpy as np
import resampy

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
OUT_DIR = os.path.join(REPO, "Tests", "Golden", "resample")
OUTPUT_RATE = 16000
MAX_TOTAL_BYTES = 600 * 1024
TEXT = "She sells sea shells by the sea shore."


def espeak_speech():
    """(samples as float64 in [-1, 1), rate, espeak-ng version line) of TEXT."""
    if shutil.which("espeak-ng") is None:
        raise SystemExit("espeak-ng not found (Debian: apt-get install espeak-ng)")
    version = subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True,
                             check=True).stdout.strip()
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "speech.wav")
        subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", path, TEXT], check=True)
        with wave.open(path, "rb") as w:
            if w.getnchannels() != 1 or w.getsampwidth() != 2:
                raise SystemExit("espeak-ng wrote an unexpected WAV format")
            rate = w.getframerate()
            pcm = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    x = pcm.astype(np.float64) / 32768
    start = int(np.argmax(np.abs(x) > 0.01))      # skip the leading silence
    return x[start:], rate, version


def speech_case(speech, speech_rate, rate):
    """1 s of `speech` at `rate`, peak 0.5, float32."""
    x = resampy.resample(speech, speech_rate, rate, filter="kaiser_best")[:rate]
    if len(x) < rate:
        raise SystemExit("espeak-ng speech is shorter than 1 s")
    return (0.5 * x / np.max(np.abs(x))).astype(np.float32)


def lowband_case(rate, seconds=0.125, edge_hz=6000.0, fade_s=0.01):
    n = int(rate * seconds)
    noise = np.random.default_rng(16000).standard_normal(n)
    spectrum = np.fft.rfft(noise)
    spectrum[np.fft.rfftfreq(n, 1 / rate) > edge_hz] = 0
    x = np.fft.irfft(spectrum, n)
    fade = int(rate * fade_s)
    ramp = 0.5 - 0.5 * np.cos(np.pi * np.arange(fade) / fade)
    x[:fade] *= ramp
    x[n - fade:] *= ramp[::-1]
    return (0.5 * x / np.max(np.abs(x))).astype(np.float32)


def main():
    shutil.rmtree(OUT_DIR, ignore_errors=True)
    os.makedirs(OUT_DIR)
    total = 0

    def write(rel, array):
        nonlocal total
        array = np.ascontiguousarray(array, dtype="<f4")
        with open(os.path.join(OUT_DIR, os.path.basename(rel)), "wb") as f:
            f.write(array.tobytes())
        total += array.nbytes
        return {"file": rel, "shape": list(array.shape)}

    speech, speech_rate, espeak_version = espeak_speech()
    inputs = [
        ("speech_44100", 44100, speech_case(speech, speech_rate, 44100),
         f"1 s of espeak-ng speech ({TEXT!r}), {speech_rate} Hz → 44100 Hz by resampy kaiser_best, peak 0.5"),
        ("speech_48000", 48000, speech_case(speech, speech_rate, 48000),
         f"1 s of espeak-ng speech ({TEXT!r}), {speech_rate} Hz → 48000 Hz by resampy kaiser_best, peak 0.5"),
        ("lowband_44100", 44100, lowband_case(44100),
         "0.125 s white noise, default_rng(16000), FFT bins > 6 kHz zeroed, 10 ms fades, peak 0.5"),
        ("lowband_48000", 48000, lowband_case(48000),
         "0.125 s white noise, default_rng(16000), FFT bins > 6 kHz zeroed, 10 ms fades, peak 0.5"),
    ]
    cases = []
    for name, rate, x, content in inputs:
        y = resampy.resample(x.astype(np.float64), rate, OUTPUT_RATE, filter="kaiser_best")
        assert len(y) == len(x) * OUTPUT_RATE // rate
        cases.append({
            "name": name, "input_rate": rate, "content": content,
            "input": write(f"resample/{name}.input.f32", x),
            "resampy": write(f"resample/{name}.resampy.f32", y),
        })
        print(f"{name}: {len(x)} samples at {rate} Hz → {len(y)} at {OUTPUT_RATE} Hz")

    manifest = {
        "generator": "Scripts/golden/make_resample_golden.py",
        "versions": {"resampy": resampy.__version__, "numpy": np.__version__,
                     "numba": numba.__version__, "espeak-ng": espeak_version.split("  Data at")[0]},
        "filter": "kaiser_best",
        "output_rate": OUTPUT_RATE,
        "cases": cases,
    }
    with open(os.path.join(OUT_DIR, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, ensure_ascii=False)
        f.write("\n")
    if total > MAX_TOTAL_BYTES:
        raise SystemExit(f"resample golden data is {total} bytes, over {MAX_TOTAL_BYTES}")
    print(f"wrote {total} bytes to {OUT_DIR}")


if __name__ == "__main__":
    sys.exit(main())
