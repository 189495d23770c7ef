#!/usr/bin/env python3
"""Jobs per minute of `mood worker` against the local stack, and the per-stage split of a job.

    Scripts/venv bench
    .venv/bin/python Scripts/bench/worker_throughput.py [--jobs 60] [--seconds 10] [--workers 1,2]

Starts its own stack (Scripts/dev-stack, state in .dev-stack-bench/, free ports) and stops it at
the end; writes the golden tests' seeded YAMNet (full size, random values: the real model's work,
meaningless scores) and a clip of Samples/speech.wav repeated to --seconds; for each worker count,
empties the tables, queues --jobs uploads of that clip and runs that many `mood worker --drain
--log-format json` processes (--threads 1 each). Throughput = jobs / (last job's finished_at −
first job's started_at), from the database; the wall time includes the processes' start-up.
Stages: the median of each `stages_ms` field over the completed jobs' JSON log lines.
Needs .build/release/mood (MOOD_BIN overrides) and pyproject.toml's `bench` extra (psycopg, numpy).
"""
import argparse, json, os, shutil, socket, statistics, subprocess, sys, tempfile, time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, "Scripts", "worker_e2e"))

ap = argparse.ArgumentParser()
ap.add_argument("--jobs", type=int, default=60)
ap.add_argument("--seconds", type=float, default=10)
ap.add_argument("--workers", default="1,2")
a = ap.parse_args()

ports = []
for _ in range(2):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); ports.append(s.getsockname()[1]); s.close()
env = dict(os.environ, DEV_STACK_DIR=os.path.join(REPO, ".dev-stack-bench"),
           DEV_STACK_API_PORT=str(ports[0]), DEV_STACK_DB_PORT=str(ports[1]))
os.environ.update(env)
import e2e  # noqa: E402  (reads the ports)
import psycopg  # noqa: E402

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
    with open(clip, "rb") as f:
        path = e2e.put_object(f.read(), "clip.wav")
    print(f"mood worker throughput: {a.jobs} jobs of a {a.seconds:g} s clip (16 kHz mono WAV, "
          f"{os.path.getsize(clip)} bytes), seeded full-size YAMNet, {os.cpu_count()} CPUs\n")
    print("| workers | jobs | jobs/min (first claim → last finish) | wall incl. start-up |")
    print("|---|---|---|---|")
    stage_rows = []
    with psycopg.connect(e2e.DATABASE_URL, autocommit=True) as db:
        for n in [int(x) for x in a.workers.split(",")]:
            db.execute("truncate uploads cascade")
            db.execute("insert into uploads (user_id, audio_file_path) select %s, %s from generate_series(1, %s)",
                       (path.split("/")[0], path, a.jobs))
            t = time.monotonic()
            procs = [subprocess.Popen([e2e.MOOD, "worker", "--drain", "--log-format", "json", "--weights", weights,
                                       "--worker-id", f"bench{i}", "--poll-interval", "0.2"],
                                      env=e2e.worker_env(), cwd=tmp, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                      text=True) for i in range(n)]
            outs = [p.communicate()[0] for p in procs]
            wall = time.monotonic() - t
            assert all(p.returncode == 0 for p in procs), outs
            done, span = db.execute("select count(*) filter (where status = 'completed'), "
                                    "extract(epoch from max(finished_at) - min(started_at)) from jobs").fetchone()
            assert done == a.jobs, f"{done} of {a.jobs} completed"
            print(f"| {n} | {a.jobs} | {a.jobs / float(span) * 60:.0f} ({float(span):.1f} s) | "
                  f"{a.jobs / wall * 60:.0f} ({wall:.1f} s) |")
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
            stage_rows.append((n, {k: statistics.median(v) for k, v in stages.items()}))
    order = ["claim", "upload", "download", "analyze", "save", "finish"]
    names = [k for k in order if k in stage_rows[0][1]] + \
        [k for k in stage_rows[0][1] if k not in order and k != "total"] + ["total"]
    print("\nMedian per-stage time of a job, ms (the worker's `stages_ms`):\n")
    print("| workers | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for n, med in stage_rows:
        print(f"| {n} | " + " | ".join(f"{med.get(k, float('nan')):.1f}" for k in names) + " |")
finally:
    shutil.rmtree(tmp, ignore_errors=True)
    subprocess.run([stack, "down"], env=env, stdout=subprocess.DEVNULL)
