#!/usr/bin/env python3
"""Cold start of `mood analyze` on a 10 s clip with YAMNet: many fresh processes, interleaved, medians.

    python3 Scripts/bench/cold_start.py [--mood .build/release/mood] [--before OTHER/mood]
        [--rounds 31] [--seconds 10] [--steps] [--json-out PATH]

Standard library only, plus numpy for Scripts/deploy/make_test_weights.py. In a temporary directory
it writes the golden tests' seeded full-size YAMNet (15 MB, the official model's shapes and work)
with Weights/yamnet_class_map.csv and Weights/emotion.bin beside it (the image's layout), and a
speech clip (Scripts/bench/make_clip.py). Each timed run is a new process, `mood analyze CLIP
--weights W` (text result to a pipe), timed from just before spawn to its exit; wait4 gives its user
and system CPU time, peak RSS (ru_maxrss, KiB: what `/usr/bin/time -v` calls "Maximum resident set
size") and minor page faults.

"Cold process, warm page cache": nothing is dropped from the page cache (the binary, its libraries
and the weights are read from memory, as on a server that has run mood before); what is measured is
a process's own start: loading, relocation, library constructors, mapping and checking the weights,
first touches of its memory, the analysis and the output.

One untimed warm-up per command, then --rounds rounds; each round runs every command once, the order
rotated each round, so a slow spell of a shared machine hits all of them. Commands: `analyze` for
--mood and, with --before, for that binary too (the ratio before / after is the figure to trust on
a loaded machine); with --steps also `mood --help` (process start, dynamic loading, argument
parsing) and `analyze --no-yamnet` (everything but YAMNet), for where the time goes.
Prints the machine (CPU model, flags, cores, load average before and after) and a table of medians
(and the fastest run: on a loaded machine, the nearest to an idle one).
"""

import argparse
import json
import os
import platform
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def run_once(cmd, cwd):
    """(wall s, user s, sys s, peak RSS KiB, minor faults) of one fresh process; fails loudly."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        process = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=cwd)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            out.seek(0)
            sys.exit(f"{shlex.join(cmd)} failed:\n{out.read().decode(errors='replace')}")
    return wall, usage.ru_utime, usage.ru_stime, usage.ru_maxrss, usage.ru_minflt


def machine():
    info = open("/proc/cpuinfo").read()
    model = re.search(r"model name\s*:\s*(.*)", info)
    flags = sorted(set(re.findall(r"\b(avx512[a-z]*|avx2|fma)\b", info)))
    return {"cpu": model.group(1) if model else platform.processor(), "flags": flags, "cpus": os.cpu_count(),
            "kernel": platform.release()}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mood", default=os.path.join(REPO, ".build", "release", "mood"))
    ap.add_argument("--before", help="another build of mood, run interleaved with --mood")
    ap.add_argument("--rounds", type=int, default=31)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--steps", action="store_true", help="also time `mood --help` and `analyze --no-yamnet`")
    ap.add_argument("--json-out", metavar="PATH")
    a = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="mood-cold-")
    try:
        weights, clip = os.path.join(tmp, "yamnet.bin"), os.path.join(tmp, "clip.wav")
        subprocess.run([sys.executable, os.path.join(REPO, "Scripts", "deploy", "make_test_weights.py"), weights],
                       check=True, stdout=subprocess.DEVNULL)
        subprocess.run([sys.executable, os.path.join(HERE, "make_clip.py"), clip, "--seconds", f"{a.seconds:g}"],
                       check=True, stdout=subprocess.DEVNULL)
        for name in ("yamnet_class_map.csv", "emotion.bin"):
            subprocess.run(["cp", os.path.join(REPO, "Weights", name), tmp], check=True)
        commands = {}
        for label, binary in [("after", a.mood)] + ([("before", a.before)] if a.before else []):
            name = "analyze" if not a.before else f"analyze ({label})"
            commands[name] = [os.path.abspath(binary), "analyze", clip, "--weights", weights]
            if a.steps:
                commands[f"--help ({label})" if a.before else "--help"] = [os.path.abspath(binary), "--help"]
                commands[f"--no-yamnet ({label})" if a.before else "analyze --no-yamnet"] = \
                    [os.path.abspath(binary), "analyze", clip, "--no-yamnet"]
        host, load0 = machine(), os.getloadavg()
        names = list(commands)
        for name in names:
            run_once(commands[name], tmp)
        runs = {name: [] for name in names}
        for r in range(a.rounds):
            order = names[r % len(names):] + names[:r % len(names)]
            if r % 2:
                order.reverse()
            for name in order:
                runs[name].append(run_once(commands[name], tmp))
        load1 = os.getloadavg()

        print(f"mood analyze cold start: {a.rounds} interleaved rounds, a {a.seconds:g} s speech clip, "
              f"seeded full-size YAMNet (class map and emotion.bin beside it); cold process, warm page cache")
        print(f"machine: {host['cpu']}, {host['cpus']} CPUs, flags {' '.join(host['flags'])}, kernel {host['kernel']}; "
              f"load average {load0[0]:.1f} before, {load1[0]:.1f} after\n")
        print("| command | wall (median) | wall p25–p75 | wall (fastest) | user + sys CPU | peak RSS (median) | minor faults |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        result = {"machine": host, "load": [load0[0], load1[0]], "rounds": a.rounds, "seconds": a.seconds,
                  "commands": {}}
        for name in names:
            rs = runs[name]
            wall = sorted(x[0] for x in rs)
            q = statistics.quantiles(wall, n=4) if len(wall) > 1 else [wall[0]] * 3
            row = {"command": shlex.join(commands[name]), "wall_s": statistics.median(wall),
                   "wall_p25_s": q[0], "wall_p75_s": q[2], "wall_min_s": wall[0],
                   "cpu_s": statistics.median(x[1] + x[2] for x in rs),
                   "rss_mib": statistics.median(x[3] for x in rs) / 1024,
                   "rss_max_mib": max(x[3] for x in rs) / 1024,
                   "minflt": statistics.median(x[4] for x in rs)}
            result["commands"][name] = row
            print(f"| `{name}` | {row['wall_s']:.3f} s | {q[0]:.3f}–{q[2]:.3f} s | {wall[0]:.3f} s | {row['cpu_s']:.3f} s | "
                  f"{row['rss_mib']:.1f} MiB (max {row['rss_max_mib']:.1f}) | {row['minflt']:.0f} |")
        if a.before:
            b, f = result["commands"]["analyze (before)"], result["commands"]["analyze (after)"]
            print(f"\nbefore / after: wall {b['wall_s'] / f['wall_s']:.2f}×, CPU {b['cpu_s'] / f['cpu_s']:.2f}×, "
                  f"peak RSS {b['rss_mib'] - f['rss_mib']:+.1f} MiB saved")
        print("\ncommands (run in the temporary directory):")
        for name in names:
            print(f"  {name}: {result['commands'][name]['command'].replace(tmp, '$TMP')}")
        if a.json_out:
            with open(a.json_out, "w") as out:
                json.dump(result, out, indent=2)
    finally:
        subprocess.run(["rm", "-rf", tmp])


if __name__ == "__main__":
    main()
