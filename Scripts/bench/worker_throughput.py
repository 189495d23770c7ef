#!/usr/bin/env python3
"""Jobs per minute of `mood worker` against the local stack, the per-stage split of a job, and the
cost of each job's analysis process.

    Scripts/venv bench
    .venv/bin/python Scripts/bench/worker_throughput.py [--jobs 40] [--seconds 10] [--concurrency 1,2]
        [--workers 1] [--rounds 3] [--before OTHER/mood] [--worker-args ARGS]

Starts its own stack (Scripts/dev-stack, state in .dev-stack-bench/, free ports) and stops it at
the end; writes the golden tests' seeded YAMNet (full size, random values: the real model's work,
meaningless scores) and a clip of Samples/speech.wav repeated to --seconds. A configuration is
--workers `mood worker --drain --log-format json --threads C --concurrency C` processes (one thread
per job in flight, as on a machine with a core per job); for each, the tables are emptied, --jobs
uploads of the clip are queued and the workers drain them. Throughput = jobs / (last job's
finished_at − first job's started_at), from the database; the wall time includes the processes'
start-up. Stages: the median of each `stages_ms` field of the completed jobs' JSON log lines
(claim, upload, download, analyze, save, finish); `analyze` is the job's child `mood analyze-job`.

Each job's child is split further by timing the child's command line alone (fresh processes, as the
worker spawns them): on the clip, and on a 0.2 s clip (process start, dynamic loading, the models'
load and checks: what every job pays before its audio), and `--no-yamnet` on the clip.

Everything runs --rounds times, interleaved (each round runs every configuration and the child
timings, the order rotated), and the tables give medians over the rounds, with the machine's CPU
flags and load. With --before, every configuration and child timing runs for that build too, in
the same rounds (compare the ratios). Needs .build/release/mood (MOOD_BIN overrides) and
pyproject.toml's `bench` extra.
"""
import argparse, json, os, re, shlex, shutil, socket, statistics, subprocess, sys, tempfile, time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, "Scripts", "worker_e2e"))
STAGES = ["claim", "upload", "download", "analyze", "save", "finish"]

ap = argparse.ArgumentParser()
ap.add_argument("--jobs", type=int, default=40)
ap.add_argument("--seconds", type=float, default=10)
ap.add_argument("--concurrency", default="1,2", help="jobs in flight per worker, one configuration each")
ap.add_argument("--workers", type=int, default=1, help="worker processes per configuration")
ap.add_argument("--rounds", type=int, default=3)
ap.add_argument("--child-runs", type=int, default=5, help="timed child processes of each kind per round")
ap.add_argument("--before", help="another build of mood, run interleaved with MOOD_BIN")
ap.add_argument("--worker-args", default="", help="more `mood worker` options, e.g. '--metrics-port 0'")
a = ap.parse_args()

ports = []
for _ in range(2):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); ports.append(s.getsockname()[1]); s.close()
env = dict(os.environ, DEV_STACK_DIR=os.path.join(REPO, ".dev-stack-bench"),
           DEV_STACK_API_PORT=str(ports[0]), DEV_STACK_DB_PORT=str(ports[1]))
os.environ.update(env)
import e2e  # noqa: E402  (reads the ports)
import psycopg  # noqa: E402


def machine():
    info = open("/proc/cpuinfo").read()
    model = re.search(r"model name\s*:\s*(.*)", info)
    flags = " ".join(sorted(set(re.findall(r"\b(avx512[a-z]*|avx2|fma)\b", info))))
    return f"{model.group(1) if model else '?'}, {os.cpu_count()} CPUs, flags {flags}"


def drain(db, path, binary, concurrency, weights, tmp):
    """One configuration: (jobs/min over the database span, jobs/min over the wall, stage lists)."""
    db.execute("truncate uploads cascade")
    db.execute("insert into uploads (user_id, audio_file_path) select %s, %s from generate_series(1, %s)",
               (path.split("/")[0], path, a.jobs))
    t = time.monotonic()
    procs = [subprocess.Popen([binary, "worker", "--drain", "--log-format", "json", "--weights", weights,
                               "--worker-id", f"bench{i}", "--poll-interval", "0.2",
                               "--concurrency", str(concurrency), "--threads", str(concurrency),
                               *shlex.split(a.worker_args)],
                              env=e2e.worker_env(), cwd=tmp, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True) for i in range(a.workers)]
    outs = [p.communicate()[0] for p in procs]
    wall = time.monotonic() - t
    assert all(p.returncode == 0 for p in procs), outs
    done, span = db.execute("select count(*) filter (where status = 'completed'), "
                            "extract(epoch from max(finished_at) - min(started_at)) from jobs").fetchone()
    assert done == a.jobs, f"{done} of {a.jobs} completed"
    stages = {}
    for line in "\n".join(outs).splitlines():
        try:
            rec = json.loads(line)
        except ValueError:
            continue
        if rec.get("event") == "completed" and "stages_ms" in rec:
            for k, v in rec["stages_ms"].items():
                stages.setdefault(k, []).append(v)
            stages.setdefault("total", []).append(rec.get("total_ms", sum(rec["stages_ms"].values())))
    return a.jobs / float(span) * 60, a.jobs / wall * 60, {k: statistics.median(v) for k, v in stages.items()}


def child_ms(cmd, cwd):
    """Median wall ms and peak RSS MiB of --child-runs fresh processes of `cmd`."""
    times, rss = [], []
    for _ in range(a.child_runs):
        with open(os.devnull, "wb") as null:
            start = time.perf_counter()
            p = subprocess.Popen(cmd, cwd=cwd, stdout=null, stderr=null)
            _, status, usage = os.wait4(p.pid, 0)
            times.append((time.perf_counter() - start) * 1000)
            rss.append(usage.ru_maxrss / 1024)
        assert os.waitstatus_to_exitcode(status) == 0, shlex.join(cmd)
    return statistics.median(times), statistics.median(rss)


stack = os.path.join(REPO, "Scripts", "dev-stack")
subprocess.run([stack, "reset"], env=env, check=True, stdout=subprocess.DEVNULL)
tmp = tempfile.mkdtemp(prefix="mood-bench-")
try:
    weights = os.path.join(tmp, "yamnet.bin")
    subprocess.run([sys.executable, os.path.join(REPO, "Scripts", "deploy", "make_test_weights.py"), weights],
                   check=True, stdout=subprocess.DEVNULL)
    for name in ("yamnet_class_map.csv", "emotion.bin"):
        shutil.copy(os.path.join(REPO, "Weights", name), tmp)
    clip = e2e.make_wav(os.path.join(tmp, "clip.wav"), a.seconds)
    short = e2e.make_wav(os.path.join(tmp, "short.wav"), 0.2)
    with open(clip, "rb") as f:
        path = e2e.put_object(f.read(), "clip.wav")
    builds = {"after": e2e.MOOD, **({"before": a.before} if a.before else {})}
    label = (lambda b, what: f"{what} ({b})") if a.before else (lambda b, what: str(what))
    # The child as `mood worker --threads 1 --concurrency 1` spawns it (IsolatedJobAnalyzer).
    options = ["--threads", "1", "--weights", weights, "--max-bytes", str(100 << 20), "--max-duration", "14400",
               "--address-space", str(4 << 30), "--cpu-seconds", "600"]
    configs, children = {}, {}
    for b, binary in builds.items():
        for c in [int(x) for x in a.concurrency.split(",")]:
            configs[label(b, c)] = (binary, c)
        job = [binary, "analyze-job", *options, "--"]
        children[label(b, "child, clip")] = job + [clip]
        children[label(b, "child, 0.2 s clip (fixed cost)")] = job + [short]
        children[label(b, "child, clip, --no-yamnet")] = [binary, "analyze-job", "--no-yamnet", *options, "--", clip]
    load0 = os.getloadavg()[0]
    rates = {k: [] for k in configs}
    stage_runs = {k: [] for k in configs}
    child_runs = {k: [] for k in children}
    with psycopg.connect(e2e.DATABASE_URL, autocommit=True) as db:
        for r in range(a.rounds):
            items = [("worker", k) for k in configs] + [("child", k) for k in children]
            items = items[r % len(items):] + items[:r % len(items)]
            for kind, key in items:
                if kind == "worker":
                    span_rate, wall_rate, stages = drain(db, path, *configs[key], weights, tmp)
                    rates[key].append((span_rate, wall_rate))
                    stage_runs[key].append(stages)
                    print(f"round {r + 1}: --concurrency {key}: {span_rate:.0f} jobs/min", flush=True)
                else:
                    child_runs[key].append(child_ms(children[key], tmp))
    load1 = os.getloadavg()[0]

    print(f"\nmood worker throughput: {a.jobs} jobs of a {a.seconds:g} s clip (16 kHz mono WAV, "
          f"{os.path.getsize(clip)} bytes), seeded full-size YAMNet, {a.workers} worker process(es), "
          f"--threads = --concurrency; medians of {a.rounds} interleaved rounds")
    print(f"machine: {machine()}; load average {load0:.1f} before, {load1:.1f} after\n")
    print("| --concurrency | jobs/min (first claim → last finish) | jobs/min (wall, incl. start-up) |")
    print("|---|---:|---:|")
    for k in configs:
        print(f"| {k} | {statistics.median(x[0] for x in rates[k]):.0f} | {statistics.median(x[1] for x in rates[k]):.0f} |")
    names = [k for k in STAGES if any(k in s for runs in stage_runs.values() for s in runs)] + ["total"]
    print("\nMedian per-stage time of a job, ms (the worker's `stages_ms`, median over jobs, then over rounds):\n")
    print("| --concurrency | " + " | ".join(names) + " |")
    print("|---|" + "---:|" * len(names))
    for k in configs:
        med = {n: statistics.median(s.get(n, float("nan")) for s in stage_runs[k]) for n in names}
        print(f"| {k} | " + " | ".join(f"{med[n]:.1f}" for n in names) + " |")
    print("\nThe analysis child alone (fresh `mood analyze-job` processes, as the worker runs them):\n")
    print("| child | wall, ms | peak RSS, MiB |")
    print("|---|---:|---:|")
    for k in children:
        print(f"| {k} | {statistics.median(x[0] for x in child_runs[k]):.1f} | "
              f"{statistics.median(x[1] for x in child_runs[k]):.1f} |")
    print("\ncommands:")
    for b, binary in builds.items():
        print(f"  {b}: " + shlex.join([binary, "worker", "--drain", "--log-format", "json", "--weights", "W",
                                        "--concurrency", "C", "--threads", "C"]))
        print(f"  {b}: " + shlex.join([binary, "analyze-job", *options, "--"]).replace(tmp, "$TMP") + " CLIP")
finally:
    shutil.rmtree(tmp, ignore_errors=True)
    subprocess.run([stack, "down"], env=env, stdout=subprocess.DEVNULL)
