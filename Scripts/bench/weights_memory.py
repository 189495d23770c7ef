#!/usr/bin/env python3
"""Memory and time of YAMNet's shared weights against its per-runner buffers, two builds side by side.

    Scripts/bench/weights_memory.py --mood .build/release/mood [--before OTHER/mood] [--rounds 5]

Run from the repository root (the class map and Weights/emotion.bin are found there). Standard
library only, plus numpy for Scripts/deploy/make_test_weights.py. In a temporary directory it makes
the golden tests' seeded full-size YAMNet and speech clips (Scripts/bench/make_clip.py), then, for
each build, round by round (interleaved, the order swapped every round, so a slow spell of the
shared machine hits both):

1. `mood worker --concurrency N` (N = 1, 4) once its analyzers are loaded: it is pointed at a closed
   local port, so it loads the models, fails to reach Supabase and waits to retry; VmRSS is read
   from /proc while it waits, then the process is ended.
2. cold start of `mood analyze` on a 10 s clip: wall time and peak RSS (/usr/bin/time).
3. `mood bench yamnet --seconds 60 --repeats 5`: its median wall time of one run, and the user +
   system CPU time of the whole process (load, warm-up and 5 runs), steadier on a shared machine.

and once, for `--mood` only, `mood bench memory --runners N` (N = 1, 4) on a 20 s clip: the worker's
analyzers, each run once, so every runner's buffers are resident. Prints medians over the rounds.
"""

import argparse
import json
import os
import re
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def worker_rss(mood, weights, concurrency, env_file):
    """VmRSS (KiB) of `mood worker` once it waits to retry an unreachable Supabase."""
    env = dict(os.environ, SUPABASE_SERVICE_ROLE_KEY="bench-not-a-key")
    env.pop("SUPABASE_URL", None)
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen([mood, "worker", "--weights", weights, "--supabase-url", "http://127.0.0.1:9",
                                 "--env-file", env_file, "--concurrency", str(concurrency), "--threads", "1"],
                                stdout=log, stderr=subprocess.STDOUT, env=env)
        try:
            deadline = time.time() + 120
            while time.time() < deadline:
                log.seek(0)
                if b"retrying" in log.read():
                    with open(f"/proc/{proc.pid}/status") as status:
                        return int(re.search(r"VmRSS:\s+(\d+) kB", status.read()).group(1))
                if proc.poll() is not None:
                    log.seek(0)
                    sys.exit(f"worker exited early: {log.read().decode(errors='replace')}")
                time.sleep(0.05)
            sys.exit("worker never reached its Supabase retry")
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait()


def cold_start(mood, weights, clip):
    """(wall s, peak RSS KiB) of one `mood analyze` process."""
    result = subprocess.run(["/usr/bin/time", "-f", "%e %M", mood, "analyze", "--weights", weights, clip],
                            capture_output=True, text=True, check=True)
    wall, peak = result.stderr.strip().splitlines()[-1].split()
    return float(wall), int(peak)


def bench_yamnet(mood, weights):
    """(median wall s of one 60 s run, user + system CPU s of the whole process: load, warm-up, 5 runs)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run([mood, "bench", "yamnet", "--weights", weights, "--seconds", "60", "--repeats", "5", "--json"],
                         capture_output=True, text=True, check=True).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return json.loads(out.strip().splitlines()[-1])["median_s"], cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mood", required=True)
    parser.add_argument("--before")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    builds = {"after": os.path.abspath(args.mood)}
    if args.before:
        builds["before"] = os.path.abspath(args.before)
    with tempfile.TemporaryDirectory() as tmp:
        weights, clip10, clip20, env_file = (os.path.join(tmp, n) for n in ("yamnet.bin", "clip10.wav", "clip20.wav", "empty.env"))
        open(env_file, "w").close()
        subprocess.run([sys.executable, os.path.join(REPO, "Scripts/deploy/make_test_weights.py"), weights], check=True)
        for path, seconds in ((clip10, 10), (clip20, 20)):
            subprocess.run([sys.executable, os.path.join(REPO, "Scripts/bench/make_clip.py"), path, "--seconds", str(seconds)], check=True)
        results = {name: {"rss1": [], "rss4": [], "wall": [], "peak": [], "yamnet": [], "yamnet_cpu": []} for name in builds}
        for name, mood in builds.items():          # warm-up: page cache, first-run costs
            cold_start(mood, weights, clip10)
        for r in range(args.rounds):
            order = list(builds.items())
            for name, mood in (order if r % 2 == 0 else order[::-1]):      # ABBA: no side always first
                res = results[name]
                res["rss1"].append(worker_rss(mood, weights, 1, env_file))
                res["rss4"].append(worker_rss(mood, weights, 4, env_file))
                wall, peak = cold_start(mood, weights, clip10)
                res["wall"].append(wall)
                res["peak"].append(peak)
                wall, cpu = bench_yamnet(mood, weights)
                res["yamnet"].append(wall)
                res["yamnet_cpu"].append(cpu)
            print(f"round {r + 1}: " + json.dumps(results), flush=True)
        print("build  | worker RSS c=1 | c=4 | c=4 − c=1 | analyze 10 s wall | peak RSS | yamnet 60 s wall | its process CPU")
        for name, res in results.items():
            m = {k: statistics.median(v) for k, v in res.items()}
            print(f"{name:6} | {m['rss1'] / 1024:.1f} MiB | {m['rss4'] / 1024:.1f} MiB | {(m['rss4'] - m['rss1']) / 1024:.1f} MiB"
                  f" | {m['wall']:.2f} s | {m['peak'] / 1024:.1f} MiB | {m['yamnet']:.3f} s | {m['yamnet_cpu']:.2f} s")
        for runners in (1, 4):
            out = subprocess.run([builds["after"], "bench", "memory", "--weights", weights, "--runners", str(runners), clip20],
                                 capture_output=True, text=True, check=True).stdout
            print(out.strip())


if __name__ == "__main__":
    main()
