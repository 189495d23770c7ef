#!/usr/bin/env python3
"""Full `mood analyze` time of two builds on the same clip, rounds interleaved (A, B, A, B, …)
so that a slow spell of a shared machine hits both; prints each side's median wall and CPU
(user + system) time and B/A. CPU time is the steadier figure on a loaded machine.

    Scripts/bench/analyze_ab.py MOOD_A MOOD_B WEIGHTS.bin [--seconds 60] [--rounds 7] [--plot]

`--plot` adds `--plot OUT.svg` to both (the log-mel spectrogram drawn beside the timeline).

The clip is Scripts/bench/make_clip.py's (speech, 16 kHz mono WAV); each side gets one untimed
warm-up run; prints whether both JSON results are identical (the emotion context weights are
summed in dictionary order, so the last digit may differ between any two runs).
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("a")
    parser.add_argument("b")
    parser.add_argument("weights")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--plot", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        clip = os.path.join(work, "clip.wav")
        subprocess.run([sys.executable, os.path.join(ROOT, "Scripts/bench/make_clip.py"), clip,
                        "--seconds", str(args.seconds)], check=True, stdout=subprocess.DEVNULL)

        def run(mood):
            command = [mood, "analyze", "--json", "--weights", args.weights,
                       "--class-map", os.path.join(ROOT, "Weights/yamnet_class_map.csv"),
                       "--emotion-weights", os.path.join(ROOT, "Weights/emotion.bin"), clip]
            if args.plot:
                command[2:2] = ["--plot", os.path.join(work, "plot.svg")]
            before, start = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
            out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            return (time.perf_counter() - start, cpu), out

        _, out_a = run(args.a)
        _, out_b = run(args.b)
        print("same result:", out_a == out_b)
        times = {args.a: [], args.b: []}
        for _ in range(args.rounds):
            for mood in (args.a, args.b):
                times[mood].append(run(mood)[0])
        for kind, i in (("wall", 0), ("cpu", 1)):
            a = statistics.median(t[i] for t in times[args.a])
            b = statistics.median(t[i] for t in times[args.b])
            print(f"{args.seconds:g} s clip, {kind}, median of {args.rounds}: A {a:.3f} s, B {b:.3f} s, B/A {b / a:.3f}")
            print(f"  A {kind} runs:", " ".join(f"{t[i]:.3f}" for t in times[args.a]))
            print(f"  B {kind} runs:", " ".join(f"{t[i]:.3f}" for t in times[args.b]))


if __name__ == "__main__":
    main()
