#!/usr/bin/env python3
"""Cold start: a fresh `mood analyze` process against a fresh TensorFlow YAMNet process.

usage: cold_start_tf.py [--runs 7] [--seconds 10] [--mood .build-static/release/mood] [--json-out PATH]

Run it with a Python that has TensorFlow, tf_keras, numpy and h5py (pyproject.toml's `golden` extra:
Scripts/venv golden, then .venv/bin/python). Each run is a new process, timed from just before it is spawned to
its exit with the result printed, and its peak RSS taken from wait4 (what `/usr/bin/time -v` calls
"Maximum resident set size"):

- TF: `python cold_start_tf.py --child H5 CLIP CLASS_MAP`: imports TensorFlow and tf_keras, builds
  YAMNet (Scripts/golden/yamnet_tf.py, the reference model of the golden tests), loads the weights
  from HDF5, reads the WAV, runs pad -> log-mel -> patches -> network eagerly (one call, as a
  one-shot script would), averages the scores and prints the top 5 classes. The seed's Python
  worker did this through TF Hub, which also downloads the model on first use; that is left out.
- ours: `mood analyze --weights BIN CLIP`: the same YAMNet, plus the acoustic features and the
  emotion model (more work than the TF side), printing the full text result.

Both use the golden tests' seeded full-size weights (Scripts/bench/bench_yamnet.py --worker
weights: HDF5 for TF, the exporter's .bin for us), so the work is the official model's. The clip is
Scripts/bench/make_clip.py's (speech). TF runs with its default threads; mood with its default
(--threads 1). After --warmup untimed runs each (files in the page cache, as on a server that has
run the program before), runs alternate between the two so a slow spell of a shared machine hits
both; the table reports medians. Also prints the size of TF's environment (the distributions
tensorflow, tf_keras, numpy and h5py need, the whole site-packages, and Python's standard
library) and of our binary.
"""

import argparse
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
GOLDEN = os.path.join(REPO, "Scripts", "golden")


def child(h5_path, clip_path, class_map_path):
    """The TF side: everything a one-shot Python classifier does after the interpreter starts."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import csv
    import wave

    import numpy as np
    import tensorflow as tf  # noqa: F401  (the import is part of the cost)

    sys.path.insert(0, GOLDEN)
    import yamnet_tf

    params = yamnet_tf.Params()
    model = yamnet_tf.build_yamnet(params)
    model.load_weights(h5_path)
    with wave.open(clip_path, "rb") as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, 16000)
        pcm = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    waveform = pcm.astype(np.float32) / 32768.0
    scores, _embeddings, _logits, _log_mel = yamnet_tf.run_yamnet(model, waveform, params)
    mean = scores.mean(axis=0)
    with open(class_map_path, newline="") as f:
        names = [row[2] for row in list(csv.reader(f))[1:]]
    for rank, i in enumerate(np.argsort(-mean)[:5], 1):
        print(f"{rank}. {names[i]:40s} {mean[i]:.4f}")


def timed_rss(cmd, env=None):
    """(seconds from spawn to exit, peak RSS in MiB, stdout) of one fresh process, via wait4."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(cmd, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(map(shlex.quote, cmd))} failed ({process.returncode}):\n{stdout}{stderr}")
    return elapsed, usage.ru_maxrss / 1024.0, stdout


def closure_bytes(roots):
    """(bytes, distribution names) of the installed distributions `roots` need: their Requires-Dist
    followed recursively (requirements behind an `extra` marker skipped; others counted when
    installed), each distribution's files summed as listed in its RECORD."""
    import re
    from importlib import metadata

    def norm(name):
        return re.sub(r"[-_.]+", "-", name).lower()

    seen, queue, total = set(), [norm(r) for r in roots], 0
    while queue:
        name = queue.pop()
        if name in seen:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        seen.add(name)
        for f in dist.files or []:
            path = dist.locate_file(f)
            if os.path.isfile(path):
                total += os.path.getsize(path)
        for requirement in dist.requires or []:
            if "extra ==" in requirement.replace('extra==', 'extra =='):
                continue
            queue.append(norm(re.match(r"[A-Za-z0-9._-]+", requirement).group(0)))
    return total, sorted(seen)


def du(path):
    """Bytes on disk under path (as du -sb: apparent sizes), or None."""
    if not os.path.isdir(path):
        return None
    result = subprocess.run(["du", "-sb", path], capture_output=True, text=True)
    return int(result.stdout.split()[0]) if result.returncode == 0 else None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="fresh processes per side (7)")
    parser.add_argument("--warmup", type=int, default=1,
                        help="untimed runs per side first, so both start with the files in the page cache (1)")
    parser.add_argument("--seconds", type=float, default=10.0, help="clip length (10)")
    parser.add_argument("--mood", default=os.path.join(REPO, ".runtime-root", "bin", "mood"),
                        help="our binary (default: the stripped static one Scripts/verify-runtime-root "
                             "puts in its root, as the image's)")
    parser.add_argument("--json-out", metavar="PATH")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    if not os.access(args.mood, os.X_OK):
        raise SystemExit(f"{args.mood}: not found; run Scripts/verify-runtime-root (or pass --mood)")

    tmp = tempfile.mkdtemp(prefix="cold-start-")
    clip = os.path.join(tmp, "clip.wav")
    subprocess.run([sys.executable, os.path.join(HERE, "make_clip.py"), clip, "--seconds", f"{args.seconds:g}"],
                   check=True, capture_output=True)
    made = subprocess.run([sys.executable, os.path.join(HERE, "bench_yamnet.py"), "--worker", "weights", tmp],
                          capture_output=True, text=True)
    if made.returncode != 0:
        raise SystemExit(f"making the weights failed:\n{made.stdout}{made.stderr}")
    weights = json.loads(made.stdout.strip().splitlines()[-1])
    class_map = os.path.join(REPO, "Weights", "yamnet_class_map.csv")
    # Ours: the emotion model beside nothing else; class map and emotion.bin from Weights/.
    ours_cmd = [args.mood, "analyze", "--weights", weights["bin"], "--class-map", class_map,
                "--emotion-weights", os.path.join(REPO, "Weights", "emotion.bin"), clip]
    tf_cmd = [sys.executable, os.path.abspath(__file__), "--child", weights["h5"], clip, class_map]
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")

    for _ in range(args.warmup):
        timed_rss(tf_cmd, env)
        timed_rss(ours_cmd, env)
    tf_runs, our_runs = [], []
    for r in range(args.runs):
        tf_runs.append(timed_rss(tf_cmd, env))
        our_runs.append(timed_rss(ours_cmd, env))
        print(f"run {r + 1}: TF {tf_runs[-1][0]:.3f} s ({tf_runs[-1][1]:.0f} MiB), "
              f"ours {our_runs[-1][0]:.3f} s ({our_runs[-1][1]:.0f} MiB)", flush=True)
    tf_out, our_out = tf_runs[-1][2], our_runs[-1][2]
    subprocess.run(["rm", "-rf", tmp])

    import site
    site_packages = [p for p in site.getsitepackages() if os.path.isdir(p)]
    sp_bytes = sum(du(p) or 0 for p in site_packages)
    stdlib = os.path.dirname(os.__file__)
    stdlib_bytes = (du(stdlib) or 0) - sum(du(os.path.join(stdlib, d)) or 0 for d in ("site-packages", "test"))
    needed_bytes, needed = closure_bytes(["tensorflow", "tf_keras", "numpy", "h5py"])
    tf_version = subprocess.run([sys.executable, "-c", "import tensorflow as tf; print(tf.__version__)"],
                                capture_output=True, text=True, env=env).stdout.strip()
    result = {
        "clip_seconds": args.seconds,
        "runs": args.runs,
        "tf": {"median_s": statistics.median(t for t, _, _ in tf_runs), "times_s": [t for t, _, _ in tf_runs],
               "peak_rss_mib": max(m for _, m, _ in tf_runs), "command": " ".join(map(shlex.quote, tf_cmd)),
               "tensorflow": tf_version, "python": platform.python_version(),
               "site_packages": site_packages, "site_packages_bytes": sp_bytes,
               "needed_distributions": needed, "needed_bytes": needed_bytes,
               "stdlib": stdlib, "stdlib_bytes": stdlib_bytes},
        "ours": {"median_s": statistics.median(t for t, _, _ in our_runs), "times_s": [t for t, _, _ in our_runs],
                 "peak_rss_mib": max(m for _, m, _ in our_runs), "command": " ".join(map(shlex.quote, ours_cmd)),
                 "binary_bytes": os.path.getsize(args.mood)},
    }
    print()
    print(f"TF:   median {result['tf']['median_s']:.3f} s of {args.runs}, peak RSS {result['tf']['peak_rss_mib']:.0f} MiB"
          f"  (tensorflow {tf_version}, python {platform.python_version()})")
    print(f"ours: median {result['ours']['median_s']:.3f} s of {args.runs}, peak RSS {result['ours']['peak_rss_mib']:.0f} MiB")
    print(f"TF / ours: {result['tf']['median_s'] / result['ours']['median_s']:.1f}x")
    print(f"TF environment: what tensorflow, tf_keras, numpy and h5py need: {needed_bytes / 2**20:.0f} MiB in "
          f"{len(needed)} distributions; the whole site-packages {sp_bytes / 2**20:.0f} MiB "
          f"({', '.join(site_packages)}); Python's standard library {stdlib_bytes / 2**20:.0f} MiB "
          f"(without site-packages/ and test/; {stdlib})")
    print(f"our binary: {result['ours']['binary_bytes'] / 2**20:.1f} MiB ({args.mood})")
    print("\nTF's result:\n" + tf_out.rstrip())
    print("\nours:\n" + our_out.rstrip())
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump(result, f, indent=2)


if __name__ == "__main__":
    main()
