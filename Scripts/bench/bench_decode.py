#!/usr/bin/env python3
"""Whole-process decode time of `mood decode FILE --native --out /dev/null` against
`ffmpeg -nostdin -threads 1 -i FILE -f f32le -y /dev/null`, in interleaved rounds.

Each round runs both commands once (the order alternates between rounds), each pinned to one
core with taskset when it is there; wall time comes from the clock, user and system time and
peak RSS from os.wait4. Reports the medians and the ratios ffmpeg time / our time (above 1: we
are faster), plus the CPU model and flags, so the numbers go with the machine they came from.

    Scripts/bench/make_decode_inputs.sh /tmp/decbench
    Scripts/bench/bench_decode.py /tmp/decbench/* --rounds 7 [--verify-md5]

With --verify-md5, FLAC files get a second row with ours checking the STREAMINFO MD5 too
(`mood decode --verify-md5`), work ffmpeg does not do.

Standard library only.
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time


def cpu_description():
    model, flags = "unknown CPU", set()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name") and model == "unknown CPU":
                    model = line.split(":", 1)[1].strip()
                if line.startswith("flags"):
                    flags.update(re.findall(r"\b(avx512[a-z0-9_]*|avx2|fma|sse4_2)\b", line))
    except OSError:
        pass
    return model, " ".join(sorted(flags)) or "none of avx2/fma/avx512"


def run_once(command, pin):
    """(wall s, user s, sys s, max RSS MiB) of one run of `command`, its output discarded."""
    argv = (["taskset", "-c", pin] if pin is not None else []) + command
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    error = process.stderr.read().decode(errors="replace")
    process.stderr.close()
    if process.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({process.returncode}): {error.strip()[-400:]}")
    return wall, usage.ru_utime, usage.ru_stime, usage.ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--mood", default=".build/release/mood")
    parser.add_argument("--ffmpeg", default=shutil.which("ffmpeg") or "ffmpeg")
    parser.add_argument("--cpu", default="1", help="core for taskset (default 1); 'none' to not pin")
    parser.add_argument("--verify-md5", action="store_true", help="a second row for FLAC files with ours checking the MD5")
    args = parser.parse_args()
    pin = None if args.cpu == "none" or not shutil.which("taskset") else args.cpu

    model, flags = cpu_description()
    version = subprocess.run([args.ffmpeg, "-version"], capture_output=True, text=True).stdout.split("\n")[0]
    print(f"CPU: {model}; flags: {flags}; {os.cpu_count()} logical CPUs; load average {os.getloadavg()[0]:.2f}")
    print(f"{version}; pinned to core {pin}" if pin is not None else f"{version}; not pinned")
    print(f"medians of {args.rounds} interleaved rounds; ratio = ffmpeg time / our time (> 1: ours is faster)\n")
    print("| file | ours wall | ours user+sys (sys) | ours RSS | ffmpeg wall | ffmpeg user+sys | ratio wall | ratio CPU |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    theirs_of = lambda f: [args.ffmpeg, "-nostdin", "-v", "error", "-threads", "1", "-i", f, "-f", "f32le", "-y", "/dev/null"]
    cases = [(f, []) for f in args.files]
    if args.verify_md5:
        cases += [(f, ["--verify-md5"]) for f in args.files if f.endswith(".flac")]
    for file, flags in cases:
        ours_of = lambda f: [args.mood, "decode", f, "--native", "--out", "/dev/null"] + flags
        ours, theirs = [], []
        for r in range(args.rounds):
            if r % 2 == 0:
                ours.append(run_once(ours_of(file), pin))
                theirs.append(run_once(theirs_of(file), pin))
            else:
                theirs.append(run_once(theirs_of(file), pin))
                ours.append(run_once(ours_of(file), pin))
        med = lambda runs, k: statistics.median(run[k] for run in runs)
        cpu = lambda runs: statistics.median(run[1] + run[2] for run in runs)
        print(f"| {' '.join([os.path.basename(file)] + flags)} | {med(ours, 0):.3f} s | {cpu(ours):.3f} s ({med(ours, 2):.3f}) | "
              f"{med(ours, 3):.0f} MiB | {med(theirs, 0):.3f} s | {cpu(theirs):.3f} s | "
              f"{med(theirs, 0) / med(ours, 0):.2f} | {cpu(theirs) / cpu(ours):.2f} |", flush=True)


if __name__ == "__main__":
    main()
