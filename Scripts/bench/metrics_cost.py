#!/usr/bin/env python3
"""The cost of the worker's metrics dependencies (swift-metrics, swift-prometheus, FlyingFox):
binary size, cold start and peak RSS of two `mood` builds side by side, and optionally the build
time of the modules they add.

    python3 Scripts/bench/metrics_cost.py BEFORE_MOOD AFTER_MOOD --weights YAMNET.bin [--runs 15] [--build-time]

BEFORE_MOOD is a build without them (main before the merge), AFTER_MOOD one with them, both
`swift build -c release` (sizes also given stripped). Cold start: `mood --help` (process start,
argument parsing: what the dependencies' static initialisers would slow) and `mood analyze
Samples/speech.wav --weights W` (the product's path), median of --runs alternating runs after a
warm-up each; peak RSS from wait4. --build-time: `swift build -c release --target Worker` and
`--target WorkerMetrics` (Worker + the three packages), each in a fresh scratch path, wall time.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run(argv):
    """(wall seconds, peak RSS KiB) of one run, output discarded."""
    start = time.perf_counter()
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=REPO)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(argv)}")
    return wall, usage.ru_maxrss


def stripped_size(path):
    with tempfile.TemporaryDirectory() as tmp:
        copy = os.path.join(tmp, "mood")
        shutil.copy(path, copy)
        subprocess.run(["strip", copy], check=True)
        return os.path.getsize(copy)


def build_time(target):
    scratch = tempfile.mkdtemp(prefix=".build-cost-", dir=REPO)
    try:
        subprocess.run(["swift", "package", "--scratch-path", scratch, "resolve"], cwd=REPO, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        start = time.perf_counter()
        subprocess.run(["swift", "build", "-c", "release", "--scratch-path", scratch, "--target", target], cwd=REPO,
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return time.perf_counter() - start
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("before")
    ap.add_argument("after")
    ap.add_argument("--weights", required=True, help="a YAMNet weight file (e.g. Scripts/deploy/make_test_weights.py's)")
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--build-time", action="store_true")
    a = ap.parse_args()
    sample = os.path.join(REPO, "Samples", "speech.wav")
    emotion = os.path.join(REPO, "Weights", "emotion.bin")
    classes = os.path.join(REPO, "Weights", "yamnet_class_map.csv")
    builds = {"before": os.path.abspath(a.before), "after": os.path.abspath(a.after)}
    print("| | before | after | after / before |\n|---|---:|---:|---:|")
    sizes = {k: (os.path.getsize(v), stripped_size(v)) for k, v in builds.items()}
    for i, what in enumerate(["binary, bytes", "stripped, bytes"]):
        b, f = sizes["before"][i], sizes["after"][i]
        print(f"| {what} | {b:,} | {f:,} | {f / b:.3f} (+{f - b:,}) |")
    commands = {
        "`mood --help`": lambda exe: [exe, "--help"],
        "`mood analyze` speech.wav (5.5 s)": lambda exe: [exe, "analyze", sample, "--weights", a.weights,
                                                         "--class-map", classes, "--emotion-weights", emotion],
    }
    for name, argv in commands.items():
        for exe in builds.values():
            run(argv(exe))                                       # warm-up: files in the page cache
        results = {k: [] for k in builds}
        for _ in range(a.runs):
            for k, exe in builds.items():
                results[k].append(run(argv(exe)))
        wall = {k: statistics.median(w for w, _ in v) for k, v in results.items()}
        rss = {k: statistics.median(r for _, r in v) for k, v in results.items()}
        print(f"| {name}: median wall, ms | {wall['before'] * 1e3:.1f} | {wall['after'] * 1e3:.1f} | {wall['after'] / wall['before']:.3f} |")
        print(f"| {name}: median peak RSS, KiB | {rss['before']:,.0f} | {rss['after']:,.0f} | {rss['after'] / rss['before']:.3f} |")
    if a.build_time:
        worker, metrics = build_time("Worker"), build_time("WorkerMetrics")
        print(f"| release build, `--target Worker` / `--target WorkerMetrics`, s | {worker:.0f} | {metrics:.0f} | {metrics / worker:.2f} |")
    print(f"\n{a.runs} alternating runs each; load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
