#!/usr/bin/env python3
"""End-to-end YAMNet speed: ours (`mood bench yamnet`) against TensorFlow and TFLite.

usage: bench_yamnet.py [--seconds 60] [--repeats 5] [--rounds 3] [--batch 32] [--mood .build/release/mood] [--json-out PATH]

Ours and TensorFlow run waveform -> pad -> log-mel -> patches -> network -> scores; TFLite
(ai-edge-litert's interpreter with its default XNNPACK delegate) runs the network alone on the
same patches (model only: TF computes its input, outside the timing). All use the same seeded
weights (make_golden.py's generator, saved as legacy HDF5 and converted by the real exporter for
ours, and by tf.lite.TFLiteConverter from the same Keras model for TFLite), the same length of
the same kind of synthetic audio, at 1 and 2 threads; each is warmed up once and the median of
--repeats runs is reported, every case once per round, rounds interleaved. The sgemm limit is
`mood bench frontend`'s 1024³ sgemm rate in the same run: the network's multiply-adds at that
rate. The FMA peak is `fma_peak.c` (compiled here with the system's C compiler, x86-64 only) in
the same rounds: the machine's vector multiply-add rate, which no kernel can beat; the last
columns say what 1.15× TFLite's time would ask of ours, as a share of it. Every TF/TFLite measurement and the weight creation run in their own subprocess (this
script with --worker), so thread settings are applied before any op. See README.md beside this file.
"""

import argparse
import json
import os
import re
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
GOLDEN = os.path.join(REPO, "Scripts", "golden")
EXPORTER = os.path.join(REPO, "Scripts", "export_yamnet.py")
THREADS = (1, 2)
SR = 16000


def bench_audio(seconds):
    """The generator of Sources/mood/Bench.swift `benchAudio`: 0.2/0.1/0.05 tones at
    440/1234/3000 Hz plus 0.05 * (uniform - 0.5) from a 32-bit LCG (seed 12345), float64 then
    float32. Meant to be the same audio; bit equality with Swift's sin is not guaranteed."""
    import numpy as np

    n = int(seconds * SR)
    state = 12345
    noise = np.empty(n, dtype=np.float64)
    for i in range(n):
        state = (state * 1664525 + 1013904223) & 0xFFFFFFFF
        noise[i] = (state >> 8) / float(1 << 24) - 0.5
    t = np.arange(n, dtype=np.float64) / SR
    tones = (0.2 * np.sin(2 * np.pi * 440 * t) + 0.1 * np.sin(2 * np.pi * 1234 * t)
             + 0.05 * np.sin(2 * np.pi * 3000 * t))
    return (tones + 0.05 * noise).astype(np.float32)


# --- workers (subprocesses) ----------------------------------------------------------------

def worker_weights(tmp):
    """Seeded weights -> tmp/yamnet.h5 (tf_keras legacy HDF5) -> tmp/yamnet.bin (exporter)."""
    sys.path.insert(0, GOLDEN)
    sys.path.insert(0, os.path.join(REPO, "Scripts"))
    import make_golden  # noqa: E402  (tensor_specs/generate_weights; its TF settings stay here)
    import yamnet_tf  # noqa: E402

    tensors = make_golden.generate_weights(make_golden.tensor_specs())
    model = yamnet_tf.build_yamnet(yamnet_tf.Params())
    yamnet_tf.set_weights_by_name(model, tensors)
    h5_path, bin_path = os.path.join(tmp, "yamnet.h5"), os.path.join(tmp, "yamnet.bin")
    model.save_weights(h5_path, save_format="h5")
    # TFLite: the same Keras model, patches [N, 96, 64] -> scores, N fixed to the bench's count.
    import tensorflow as tf
    n = int(os.environ.get("BENCH_PATCHES", "0"))
    infer = tf.function(lambda x: model(x, training=False)[0],
                        input_signature=[tf.TensorSpec([n, 96, 64], tf.float32)])
    converter = tf.lite.TFLiteConverter.from_concrete_functions([infer.get_concrete_function()], model)
    tflite_path = os.path.join(tmp, "yamnet.tflite")
    with open(tflite_path, "wb") as f:
        f.write(converter.convert())
    result = subprocess.run([sys.executable, EXPORTER, h5_path, bin_path],
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"exporter failed:\n{result.stdout}{result.stderr}")
    return {"h5": h5_path, "bin": bin_path, "tflite": tflite_path, "exporter": result.stdout.strip()}


def network_flops():
    """Multiply-adds × 2 of one patch through the network (conv, depthwise, pointwise, logits),
    from yamnet.py's layer table: the work an ideal sgemm-rate engine would do."""
    sys.path.insert(0, GOLDEN)
    import yamnet_tf  # noqa: E402
    h, w, c, flops = 96, 64, 1, 0
    for kind, _kernel, stride, filters in yamnet_tf.LAYER_DEFS:
        h, w = -(-h // stride), -(-w // stride)
        if kind == "conv":
            flops += 2 * h * w * 9 * c * filters
        else:
            flops += 2 * h * w * 9 * c + 2 * h * w * c * filters
        c = filters
    return flops + 2 * c * 521


def patches_for(seconds):
    """YAMNet's patch count for `seconds` of 16 kHz audio (padding rule of yamnet_tf.pad_waveform)."""
    sys.path.insert(0, GOLDEN)
    import yamnet_tf  # noqa: E402
    import numpy as np
    import tensorflow as tf
    params = yamnet_tf.Params()
    padded = yamnet_tf.pad_waveform(tf.constant(np.zeros(int(seconds * SR), np.float32)), params)
    _, patches = yamnet_tf.waveform_to_log_mel_spectrogram_patches(padded, params)
    return int(patches.shape[0])


def worker_tflite(tflite_path, threads, seconds, repeats):
    """TFLite model-only time: the patches (from TF's front end) set once, invoke() timed."""
    import numpy as np
    import tensorflow as tf
    from ai_edge_litert.interpreter import Interpreter
    sys.path.insert(0, GOLDEN)
    import yamnet_tf  # noqa: E402
    import ai_edge_litert

    params = yamnet_tf.Params()
    padded = yamnet_tf.pad_waveform(tf.constant(bench_audio(seconds)), params)
    _, patches = yamnet_tf.waveform_to_log_mel_spectrogram_patches(padded, params)
    interpreter = Interpreter(model_path=tflite_path, num_threads=threads)
    interpreter.allocate_tensors()
    inp, out = interpreter.get_input_details()[0], interpreter.get_output_details()[0]
    interpreter.set_tensor(inp["index"], patches.numpy().astype(np.float32))
    interpreter.invoke()                       # warm-up (XNNPACK packs its weights here)
    times = []
    for _ in range(max(repeats, 1)):
        start = time.perf_counter()
        interpreter.invoke()
        scores = interpreter.get_tensor(out["index"])
        times.append(time.perf_counter() - start)
    return {"threads": threads, "seconds": seconds, "patches": int(scores.shape[0]),
            "median_s": float(np.median(times)), "times_s": times, "repeats": len(times),
            "litert": getattr(ai_edge_litert, "__version__", "?")}


def sgemm_rate(mood, threads):
    """GFLOP/s of OpenBLAS's 1024³ sgemm at `threads` threads, from `mood bench frontend`."""
    out = subprocess.run([mood, "bench", "frontend", "--threads", str(threads), "--repeats", "5"],
                         capture_output=True, text=True, check=True).stdout
    m = re.search(r"sgemm\s+1024×1024×1024.*?([\d.]+) GFLOP/s", out)
    return float(m.group(1))


def build_fma_peak(directory):
    """`fma_peak.c` compiled into `directory`, or None (not x86-64, or no C compiler)."""
    compiler = shutil.which("cc") or shutil.which("clang") or shutil.which("gcc")
    if platform.machine() not in ("x86_64", "AMD64") or compiler is None:
        return None
    binary = os.path.join(directory, "fma_peak")
    built = subprocess.run([compiler, "-O2", "-pthread", os.path.join(HERE, "fma_peak.c"), "-o", binary],
                           capture_output=True, text=True)
    return binary if built.returncode == 0 else None


def fma_peak(binary, threads):
    """GFLOP/s of the FMA peak at `threads` threads (None without the probe)."""
    if binary is None:
        return None
    out = subprocess.run([binary, str(threads)], capture_output=True, text=True, check=True).stdout
    return float(out.split()[0])


def worker_tf(h5_path, threads, seconds, repeats):
    import numpy as np
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    sys.path.insert(0, GOLDEN)
    import tf_keras as keras  # noqa: E402
    import yamnet_tf  # noqa: E402

    params = yamnet_tf.Params()
    model = yamnet_tf.build_yamnet(params)
    model.load_weights(h5_path)

    @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
    def infer(waveform):
        # What the TF Hub model computes: (scores, embeddings, log_mel) of the padded waveform.
        padded = yamnet_tf.pad_waveform(waveform, params)
        log_mel, patches = yamnet_tf.waveform_to_log_mel_spectrogram_patches(padded, params)
        scores, embeddings, _logits = model(patches, training=False)
        return scores, embeddings, log_mel

    waveform = tf.constant(bench_audio(seconds))
    scores, _, _ = infer(waveform)             # warm-up: traces and compiles the graph
    scores.numpy()
    times = []
    for _ in range(max(repeats, 1)):
        start = time.perf_counter()
        scores, embeddings, log_mel = infer(waveform)
        scores.numpy()                         # results on the host, as ours returns them
        times.append(time.perf_counter() - start)
    return {
        "threads": threads,
        "seconds": seconds,
        "patches": int(scores.shape[0]),
        "median_s": float(np.median(times)),
        "times_s": times,
        "repeats": len(times),
        "tensorflow": tf.__version__,
        "tf_keras": keras.__version__,
        "onednn_env": os.environ.get("TF_ENABLE_ONEDNN_OPTS", "(unset: TF default)"),
        "intra_op": tf.config.threading.get_intra_op_parallelism_threads(),
        "inter_op": tf.config.threading.get_inter_op_parallelism_threads(),
    }


def run_worker(args, env=None):
    """Runs this script with --worker ARGS; returns (its JSON result, its stderr lines)."""
    cmd = [sys.executable, os.path.abspath(__file__), "--worker"] + [str(a) for a in args]
    result = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise SystemExit(f"worker {args} failed ({result.returncode}):\n"
                         f"{result.stdout}{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1]), result.stderr.splitlines()


def tf_env(threads):
    env = dict(os.environ)
    env.update({"OMP_NUM_THREADS": str(threads), "TF_NUM_INTRAOP_THREADS": str(threads),
                "TF_NUM_INTEROP_THREADS": "1"})
    return env


# --- main ----------------------------------------------------------------------------------

def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="seconds of audio (60)")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per case (5)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="interleaved rounds of every case; the median over rounds is reported (3)")
    parser.add_argument("--mood", default=os.path.join(REPO, ".build", "release", "mood"),
                        help="our binary (.build/release/mood)")
    parser.add_argument("--batch", type=int, default=32, help="our patches per batch (32)")
    parser.add_argument("--json-out", metavar="PATH", help="also write the results as JSON")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        kind = args.worker[0]
        if kind == "weights":
            out = worker_weights(args.worker[1])
        elif kind == "tflite":
            out = worker_tflite(args.worker[1], int(args.worker[2]), float(args.worker[3]),
                                int(args.worker[4]))
        elif kind == "tf":
            out = worker_tf(args.worker[1], int(args.worker[2]), float(args.worker[3]),
                            int(args.worker[4]))
        else:
            raise SystemExit(f"unknown worker {kind}")
        print(json.dumps(out))
        return

    import numpy as np

    command = " ".join(shlex.quote(a) for a in [sys.executable] + sys.argv)
    if not os.access(args.mood, os.X_OK):
        raise SystemExit(f"{args.mood}: not found; build with `swift build -c release`")
    started = time.perf_counter()
    tmp = tempfile.mkdtemp(prefix="bench-yamnet-")
    try:
        patches = patches_for(args.seconds)
        weights, _ = run_worker(["weights", tmp], dict(os.environ, BENCH_PATCHES=str(patches)))
        print(f"weights: {weights['exporter']}", flush=True)

        # Rounds interleave TF and ours for each thread count, so a slow spell of this shared
        # machine hits both sides; the reported figure is the median over rounds.
        tf_rounds, our_rounds, tf_logs, mood_cmds = {n: [] for n in THREADS}, {n: [] for n in THREADS}, [], {}
        lite_rounds, gemm_rounds = {n: [] for n in THREADS}, {n: [] for n in THREADS}
        peak_binary, peak_rounds = build_fma_peak(tmp), {n: [] for n in THREADS}
        for r in range(args.rounds):
            for n in THREADS:
                res, log = run_worker(["tf", weights["h5"], n, args.seconds, args.repeats], tf_env(n))
                tf_rounds[n].append(res)
                for line in log:  # drop the timestamp, keep each message once
                    line = re.sub(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+: ", "", line)
                    if line.strip() and line not in tf_logs:
                        tf_logs.append(line)
                lite, _ = run_worker(["tflite", weights["tflite"], n, args.seconds, args.repeats], tf_env(n))
                lite_rounds[n].append(lite)
                gemm_rounds[n].append(sgemm_rate(args.mood, n))
                peak_rounds[n].append(fma_peak(peak_binary, n))
                cmd = [args.mood, "bench", "yamnet", "--weights", weights["bin"],
                       "--seconds", f"{args.seconds:g}", "--threads", str(n), "--batch", str(args.batch),
                       "--repeats", str(args.repeats), "--json"]
                mood_cmds[n] = " ".join(shlex.quote(c) for c in cmd)
                result = subprocess.run(cmd, capture_output=True, text=True)
                if result.returncode != 0:
                    raise SystemExit(f"{mood_cmds[n]} failed:\n{result.stdout}{result.stderr}")
                our_rounds[n].append(json.loads(result.stdout.strip().splitlines()[-1]))
                print(f"round {r + 1} threads={n}: tf {res['median_s']:.3f} s, "
                      f"tflite (model only) {lite['median_s']:.3f} s, "
                      f"ours {our_rounds[n][-1]['median_s']:.3f} s, sgemm {gemm_rounds[n][-1]:.1f} GFLOP/s",
                      flush=True)
        tf_results = {n: dict(tf_rounds[n][0], median_s=statistics.median(x["median_s"] for x in tf_rounds[n]))
                      for n in THREADS}
        ours = {n: dict(our_rounds[n][0], median_s=statistics.median(x["median_s"] for x in our_rounds[n]))
                for n in THREADS}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    elapsed = time.perf_counter() - started

    tf_version = tf_results[THREADS[0]]["tensorflow"]
    flops = network_flops()
    rows = []
    for n in THREADS:
        t_tf, t_ours = tf_results[n]["median_s"], ours[n]["median_s"]
        t_lite = statistics.median(x["median_s"] for x in lite_rounds[n])
        gflops = statistics.median(gemm_rounds[n])
        limit = flops * ours[n]["patches"] / (gflops * 1e9)
        peak = statistics.median(peak_rounds[n]) if None not in peak_rounds[n] else None
        # The network's work in 1 / 1.15 of TFLite's time: the rate the goal asks of ours.
        goal_gflops = flops * ours[n]["patches"] / (t_lite / 1.15) / 1e9
        rows.append({"threads": n, "tf_median_s": t_tf, "tflite_median_s": t_lite, "ours_median_s": t_ours,
                     "tf_x_realtime": args.seconds / t_tf, "ours_x_realtime": args.seconds / t_ours,
                     "ratio_tf_over_ours": t_tf / t_ours, "ratio_tflite_over_ours": t_lite / t_ours,
                     "sgemm_gflops": gflops, "sgemm_limit_s": limit, "ours_pct_of_limit": 100 * limit / t_ours,
                     "fma_peak_gflops": peak, "goal_gflops": goal_gflops,
                     "goal_pct_of_fma_peak": 100 * goal_gflops / peak if peak else None,
                     "tflite_pct_of_fma_peak": 100 * flops * ours[n]["patches"] / t_lite / 1e9 / peak if peak else None,
                     "patches_tf": tf_results[n]["patches"], "patches_ours": ours[n]["patches"],
                     "patches_tflite": lite_rounds[n][0]["patches"], "kernels": ours[n].get("kernels")})

    print()
    print(f"command:    {command}")
    print(f"cpu:        {cpu_model()} ({os.cpu_count()} logical CPUs)")
    print(f"versions:   tensorflow {tf_version}, tf_keras {tf_results[THREADS[0]]['tf_keras']}, "
          f"numpy {np.__version__}, python {platform.python_version()}")
    print(f"tf:         tf.function, TF_ENABLE_ONEDNN_OPTS={tf_results[THREADS[0]]['onednn_env']}, "
          f"inter_op 1")
    blas_env = {k: v for k, v in os.environ.items() if k.startswith("OPENBLAS")}
    print(f"env:        {blas_env or 'no OPENBLAS_* set'}")
    print(f"audio:      {args.seconds:g} s synthetic, {rows[0]['patches_tf']} patches (TF) / "
          f"{rows[0]['patches_ours']} (ours); warm-up 1, median of {args.repeats} runs, "
          f"median over {args.rounds} interleaved rounds")
    print()
    flags = sorted({f for f in open("/proc/cpuinfo").read().split() if re.fullmatch(r"avx2|fma|avx512\w*", f)}) \
        if os.path.exists("/proc/cpuinfo") else []
    print(f"cpu flags:  {' '.join(flags) or '(none of avx2/fma/avx512)'}; our kernels: {rows[0]['kernels']}, batch {args.batch}")
    print(f"network:    {flops / 1e6:.1f} MFLOP per patch")
    print()
    print(f"{'threads':>7}  {'TF s':>7}  {'TFLite s':>8}  {'ours s':>7}  {'TF/ours':>7}  {'TFLite/ours':>11}  "
          f"{'sgemm GFLOP/s':>13}  {'limit s':>7}  {'% of limit':>10}")
    for r in rows:
        print(f"{r['threads']:>7}  {r['tf_median_s']:>7.3f}  {r['tflite_median_s']:>8.3f}  {r['ours_median_s']:>7.3f}  "
              f"{r['ratio_tf_over_ours']:>7.2f}  {r['ratio_tflite_over_ours']:>11.2f}  "
              f"{r['sgemm_gflops']:>13.1f}  {r['sgemm_limit_s']:>7.3f}  {r['ours_pct_of_limit']:>10.0f}")
    if len(rows) == 2:
        print(f"2-thread scaling: ours {rows[0]['ours_median_s'] / rows[1]['ours_median_s']:.2f}×, "
              f"TFLite {rows[0]['tflite_median_s'] / rows[1]['tflite_median_s']:.2f}×, "
              f"TF {rows[0]['tf_median_s'] / rows[1]['tf_median_s']:.2f}×")
    print("(X/ours > 1: ours is faster; TF and ours end to end, TFLite the network alone)")
    if rows[0]["fma_peak_gflops"]:
        print()
        print(f"{'threads':>7}  {'FMA peak GFLOP/s':>16}  {'TFLite, % of peak':>17}  "
              f"{'1.15× TFLite needs GFLOP/s':>26}  {'= % of peak':>11}")
        for r in rows:
            print(f"{r['threads']:>7}  {r['fma_peak_gflops']:>16.1f}  {r['tflite_pct_of_fma_peak']:>17.0f}  "
                  f"{r['goal_gflops']:>26.1f}  {r['goal_pct_of_fma_peak']:>11.0f}")
        print("(the network's multiply-adds only; ours also computes the log-mel in that time)")
    if tf_logs:
        print()
        print("TF stderr (deduplicated):")
        for line in tf_logs:
            print(f"  {line}")
    print(f"\ntotal wall time {elapsed:.1f} s")

    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump({"command": command, "cpu": cpu_model(), "cpus": os.cpu_count(),
                       "versions": {"tensorflow": tf_version, "numpy": np.__version__,
                                    "tf_keras": tf_results[THREADS[0]]["tf_keras"]},
                       "seconds": args.seconds, "repeats": args.repeats, "rounds": args.rounds,
                       "rows": rows, "tf": [tf_rounds[n] for n in THREADS],
                       "ours": [our_rounds[n] for n in THREADS],
                       "tflite": [lite_rounds[n] for n in THREADS], "sgemm_gflops": [gemm_rounds[n] for n in THREADS],
                       "fma_peak_gflops": [peak_rounds[n] for n in THREADS],
                       "mood_commands": [mood_cmds[n] for n in THREADS],
                       "openblas_env": blas_env, "wall_s": elapsed}, f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
