#!/usr/bin/env python3
"""Writes the golden reference data of the Swift tests into Tests/Golden/.

Run it through Scripts/golden/regenerate (pinned TensorFlow: pyproject.toml's `golden` extra).
Outputs, all raw little-endian arrays in C order plus manifest.json (README.md beside this file has
the details):
  frontend/  Hann window, mel matrix, an FFT check (TF rfft and float64 numpy rfft)
  clips/     test waveforms and TF YAMNet's log-mel, scores, embeddings and logits for each
The YAMNet weights are the seeded ones of seeded_weights.py (the Swift tests regenerate them);
manifest.json records their scales, offsets, CRC-32 and size so both sides can check.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"  # plain Eigen kernels: same bits on every run

import argparse  # noqa: E402
import json  # noqa: E402
import shutil  # noqa: E402
import struct  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import zlib  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(REPO, "Scripts"))

import h5py  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import tf_keras as keras  # noqa: E402

tf.config.threading.set_intra_op_parallelism_threads(1)
tf.config.threading.set_inter_op_parallelism_threads(1)
tf.config.experimental.enable_op_determinism()

import export_yamnet  # noqa: E402  (FORMAT.md's tensor list and order)
import seeded_weights  # noqa: E402
import yamnet_tf  # noqa: E402

GOLDEN_DIR = os.path.join(REPO, "Tests", "Golden")
EXPORTER = os.path.join(REPO, "Scripts", "export_yamnet.py")
GLOBAL_SEED = 20261129
SR = 16000
MAX_TOTAL_BYTES = 4 * 1024 * 1024

# Per-tensor generator settings (value = scale * u + offset, u uniform in [-1, 1)); checked on
# the golden clips to keep every layer alive (see the activation stats in manifest.json).
LOGITS_KERNEL_SCALE = 0.1   # logits std ~1.4 over the clips; scores span ~0.01...0.99
LOGITS_BIAS_SCALE = 0.5
BETA_SCALE = 0.1
MOVING_MEAN_SCALE = 0.1
MOVING_VARIANCE_SCALE, MOVING_VARIANCE_OFFSET = 0.5, 1.0   # variance in [0.5, 1.5)


def tensor_specs():
    """[{name, shape, scale, offset}] in FORMAT.md order; scale/offset are float32 values."""
    specs = []
    for name, shape, _layer in export_yamnet.expected_tensors():
        leaf = name.rsplit("/", 1)[1]
        if name == "logits/kernel":
            scale, offset = LOGITS_KERNEL_SCALE, 0.0
        elif name == "logits/bias":
            scale, offset = LOGITS_BIAS_SCALE, 0.0
        elif leaf == "kernel":  # conv [3,3,1,32] or pointwise [1,1,in,out]: He-uniform
            scale, offset = np.sqrt(6.0 / (shape[0] * shape[1] * shape[2])), 0.0
        elif leaf == "depthwise_kernel":  # one 3x3 filter per channel: fan_in 9
            scale, offset = np.sqrt(6.0 / (shape[0] * shape[1])), 0.0
        elif leaf == "beta":
            scale, offset = BETA_SCALE, 0.0
        elif leaf == "moving_mean":
            scale, offset = MOVING_MEAN_SCALE, 0.0
        elif leaf == "moving_variance":
            scale, offset = MOVING_VARIANCE_SCALE, MOVING_VARIANCE_OFFSET
        else:
            raise AssertionError(name)
        specs.append({"name": name, "shape": list(shape),
                      "scale": seeded_weights.f32(scale), "offset": seeded_weights.f32(offset)})
    return specs


def generate_weights(specs):
    tensors = {}
    for spec in specs:
        tensors[spec["name"]] = seeded_weights.generate(
            spec["name"], tuple(spec["shape"]), spec["scale"], spec["offset"], GLOBAL_SEED)
    # The vectorised generator against the spec written out with Python integers.
    for spec in specs[:6] + specs[-2:]:
        flat = tensors[spec["name"]].reshape(-1)
        for i in sorted({0, 1, 2, flat.size // 2, flat.size - 1}):
            u = seeded_weights.uniform_reference(spec["name"], i, GLOBAL_SEED)
            ref = np.float32(np.float32(spec["scale"]) * u) + np.float32(spec["offset"])
            if ref.view(np.uint32) != flat[i].view(np.uint32):
                raise SystemExit(f"generator mismatch at {spec['name']}[{i}]")
    return tensors


# --- weight file: exported by the real exporter, read back by an independent reader -----------

def read_weight_file(data):
    """Minimal FORMAT.md v1 reader: returns (model name, [(name, array)])."""
    if data[:8] != b"MOODWGT\x00":
        raise SystemExit("weight file: bad magic")
    version, header_size, count, reserved, file_size = struct.unpack_from("<IIIIQ", data, 8)
    if (version, reserved, file_size) != (1, 0, len(data)):
        raise SystemExit(f"weight file: header {version, reserved, file_size}")
    if struct.unpack("<I", data[-4:])[0] != zlib.crc32(data[:-4]) & 0xFFFFFFFF:
        raise SystemExit("weight file: CRC-32 mismatch")
    pos = 32
    (name_len,) = struct.unpack_from("<H", data, pos)
    model = data[pos + 2:pos + 2 + name_len].decode("utf-8")
    pos += 2 + name_len
    tensors = []
    end_of_previous = None
    for _ in range(count):
        (length,) = struct.unpack_from("<H", data, pos)
        name = data[pos + 2:pos + 2 + length].decode("utf-8")
        pos += 2 + length
        dtype, rank = struct.unpack_from("<BB", data, pos)
        pos += 2
        dims = struct.unpack_from(f"<{rank}I", data, pos)
        pos += 4 * rank
        offset, nbytes = struct.unpack_from("<QQ", data, pos)
        pos += 16
        if dtype != 0 or offset % 64 or nbytes != 4 * int(np.prod(dims, dtype=np.int64)):
            raise SystemExit(f"weight file: bad record for {name}")
        if end_of_previous is not None and any(data[end_of_previous:offset]):
            raise SystemExit(f"weight file: non-zero padding before {name}")
        array = np.frombuffer(data, dtype="<f4", count=nbytes // 4, offset=offset)
        tensors.append((name, array.reshape(dims)))
        end_of_previous = offset + nbytes
    if pos != header_size or end_of_previous != len(data) - 4:
        raise SystemExit("weight file: header size or payload end mismatch")
    return model, tensors


def export_and_check(model, specs, tensors):
    """save_weights -> h5 -> Scripts/export_yamnet.py -> .bin; returns (size, crc32)."""
    with tempfile.TemporaryDirectory(prefix="golden-weights-") as tmp:
        h5_path = os.path.join(tmp, "yamnet_golden.h5")
        bin_path = os.path.join(tmp, "yamnet_golden.bin")
        model.save_weights(h5_path, save_format="h5")
        result = subprocess.run([sys.executable, EXPORTER, h5_path, bin_path],
                                capture_output=True, text=True)
        if result.returncode != 0:
            raise SystemExit(f"exporter failed:\n{result.stdout}{result.stderr}")
        print(f"  exporter: {result.stdout.strip()}")
        with open(bin_path, "rb") as f:
            data = f.read()
    name, read_back = read_weight_file(data)
    if name != "yamnet" or [n for n, _ in read_back] != [s["name"] for s in specs]:
        raise SystemExit("weight file: model name or tensor order differs from FORMAT.md")
    for tensor_name, array in read_back:
        expected = tensors[tensor_name]
        if array.shape != expected.shape or not np.array_equal(array.view(np.uint32),
                                                               expected.view(np.uint32)):
            raise SystemExit(f"weight file: {tensor_name} differs from the generated values")
    return len(data), struct.unpack("<I", data[-4:])[0]


# --- clips ---------------------------------------------------------------------------------

def _t(n):
    return np.arange(n, dtype=np.float64) / SR


def _tone(n, freq, amp):
    return amp * np.sin(2.0 * np.pi * freq * _t(n))


def _chirp(n, f0, f1, amp):
    """Linear chirp from f0 to f1 Hz over n samples."""
    t = _t(n)
    duration = n / SR
    return amp * np.sin(2.0 * np.pi * (f0 * t + (f1 - f0) * t * t / (2.0 * duration)))


def _long_mixture():
    """10.3 s: tone bursts, noise segments, a chirp, a chord with noise bursts; |x| <= 0.8."""
    n = 164800
    rng = np.random.default_rng(17)
    x = np.zeros(n)
    # 0-2 s: eight 200 ms tone bursts (50 ms gaps, 5 ms ramps), 220/880/1760/3520 Hz
    on, period = int(0.2 * SR), int(0.25 * SR)
    ramp = np.minimum(1.0, np.minimum(np.arange(on), np.arange(on)[::-1]) / 80.0)
    for k in range(8):
        start = k * period
        x[start:start + on] += _tone(on, [220.0, 880.0, 1760.0, 3520.0][k % 4], 0.5) * ramp
    # 2-4 s: white noise 0.2, silence, white noise 0.05, low-passed noise
    seg, base = SR // 2, 2 * SR
    x[base:base + seg] = 0.2 * rng.standard_normal(seg)
    x[base + 2 * seg:base + 3 * seg] = 0.05 * rng.standard_normal(seg)
    x[base + 3 * seg:base + 4 * seg] = 0.15 * np.convolve(rng.standard_normal(seg + 15),
                                                          np.ones(16) / 4.0, mode="valid")
    # 4-7 s: chirp 200 -> 6000 Hz
    base = 4 * SR
    x[base:base + 3 * SR] = _chirp(3 * SR, 200.0, 6000.0, 0.6)
    # 7-10.3 s: 440 + 660 Hz chord with six 100 ms noise bursts
    base = 7 * SR
    x[base:] = _tone(n - base, 440.0, 0.25) + _tone(n - base, 660.0, 0.2)
    for k in range(6):
        start = base + k * int(0.55 * SR)
        x[start:start + 1600] += 0.3 * rng.standard_normal(1600)
    return np.clip(x, -0.8, 0.8)


def make_clips():
    """[(name, float32 waveform)]; computed in float64, then cast."""
    def noise(seed, n, std):
        return std * np.random.default_rng(seed).standard_normal(n)

    clips = [
        ("empty", np.zeros(0)),
        ("tiny", _tone(200, 1000.0, 0.3)),                      # shorter than one STFT window
        ("silence", np.zeros(SR)),
        ("sine440", _tone(2 * SR, 440.0, 0.5)),
        ("noise", noise(7, 2 * SR, 0.1)),
        ("chirp", _chirp(3 * SR, 100.0, 7900.0, 0.5)),
        ("short", _tone(SR // 2, 1000.0, 0.3) + noise(11, SR // 2, 0.01)),
        ("exact", _tone(15600, 300.0, 0.4) + noise(13, 15600, 0.02)),  # exactly one patch
        ("long", _long_mixture()),
    ]
    return [(name, x.astype(np.float32)) for name, x in clips]


# --- output --------------------------------------------------------------------------------

class Writer:
    def __init__(self, root):
        self.root = root
        self.total = 0

    def array(self, rel, array, dtype="<f4"):
        array = np.ascontiguousarray(array, dtype=dtype)
        path = os.path.join(self.root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(array.tobytes())
        self.total += array.nbytes
        entry = {"file": rel, "shape": list(array.shape)}
        if dtype != "<f4":
            entry["dtype"] = "f64"
        return entry


def clear_golden(root):
    """Removes what an earlier run wrote (keeps anything else, such as a README)."""
    for name in ("frontend", "clips"):
        shutil.rmtree(os.path.join(root, name), ignore_errors=True)
    for name in os.listdir(root) if os.path.isdir(root) else []:
        if name == "manifest.json" or name.endswith((".f32", ".f64")):
            os.remove(os.path.join(root, name))
    os.makedirs(root, exist_ok=True)


def sig(x):
    """A float rounded to 6 significant digits for the manifest's informational stats."""
    return float(f"{float(x):.6g}")


def activation_stats(results, names):
    """Stats over every patch of every clip: does each layer stay alive, do scores spread?"""
    layers = []
    for i, name in enumerate(names):
        acts = np.concatenate([r["activations"][i].reshape(-1, r["activations"][i].shape[-1])
                               for r in results])
        layers.append({
            "name": name,
            "active_fraction": sig(np.mean(acts > 0)),
            "mean": sig(acts.mean()),
            "max": sig(acts.max()),
            "dead_channel_fraction": sig(np.mean(acts.max(axis=0) <= 0)),
        })
    emb = np.concatenate([r["embeddings"] for r in results])
    logits = np.concatenate([r["logits"] for r in results])
    scores = np.concatenate([r["scores"] for r in results])
    top = -np.sort(-scores, axis=1)[:, :10]
    gaps = top[:, :-1] - top[:, 1:]
    return {
        "patches": int(scores.shape[0]),
        "layers": layers,
        "embeddings": {"mean": sig(emb.mean()), "max": sig(emb.max()),
                       "mean_l2_norm": sig(np.linalg.norm(emb, axis=1).mean())},
        "logits": {"mean": sig(logits.mean()), "std": sig(logits.std()),
                   "min": sig(logits.min()), "max": sig(logits.max())},
        "scores": {"min": sig(scores.min()), "max": sig(scores.max()),
                   "mean": sig(scores.mean())},
        "top10_gaps": {"min": sig(gaps.min()), "median": sig(np.median(gaps)),
                       "fraction_above_1e-4": sig(np.mean(gaps > 1e-4))},
    }


def check_stats(stats):
    """The seeded weights must give a live network, or the goldens test little."""
    problems = []
    for layer in stats["layers"]:
        if not 0.05 <= layer["active_fraction"] <= 0.95:
            problems.append(f"{layer['name']}: active fraction {layer['active_fraction']}")
    emb = stats["embeddings"]
    if not (0.1 <= emb["mean"] and emb["max"] <= 10.0):
        problems.append(f"embeddings: {emb}")
    if not (stats["scores"]["min"] < 0.1 and stats["scores"]["max"] > 0.9):
        problems.append(f"scores do not spread: {stats['scores']}")
    if stats["top10_gaps"]["fraction_above_1e-4"] < 0.9:
        problems.append(f"top-10 scores too close: {stats['top10_gaps']}")
    if problems:
        raise SystemExit("activation check failed:\n  " + "\n  ".join(problems))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=GOLDEN_DIR, help="output folder (default Tests/Golden)")
    args = parser.parse_args()
    params = yamnet_tf.Params()

    print("weights: seeded, global seed", GLOBAL_SEED)
    specs = tensor_specs()
    tensors = generate_weights(specs)
    model = yamnet_tf.build_yamnet(params, with_activations=True)
    yamnet_tf.set_weights_by_name(model, tensors)
    for name, value in zip(yamnet_tf.canonical_weight_names(model), model.get_weights()):
        if not np.array_equal(value, tensors[name]):
            raise SystemExit(f"model weight {name} differs after set_weights")
    weights_size, weights_crc = export_and_check(model, specs, tensors)
    print(f"  {len(specs)} tensors, {weights_size} bytes, crc32 {weights_crc:08x}")

    clear_golden(args.out)
    out = Writer(args.out)

    print("frontend")
    fft_in = np.random.default_rng(20261129).standard_normal((8, 512)).astype(np.float32)
    fft_tf = tf.signal.rfft(tf.constant(fft_in)).numpy()
    fft_np = np.fft.rfft(fft_in.astype(np.float64), axis=-1)
    frontend = {
        "window": out.array("frontend/window.f32",
                            tf.signal.hann_window(params.window_length_samples,
                                                  periodic=True).numpy()),
        "mel_matrix": out.array("frontend/mel_matrix.f32", yamnet_tf.mel_matrix(params).numpy()),
        "fft": {
            "input": out.array("frontend/fft_in.f32", fft_in),
            "tf": out.array("frontend/fft_tf.f32", np.stack([fft_tf.real, fft_tf.imag], -1)),
            "numpy": out.array("frontend/fft_np.f64", np.stack([fft_np.real, fft_np.imag], -1),
                               dtype="<f8"),
        },
    }

    clips = []
    results = []
    for name, waveform in make_clips():
        r = yamnet_tf.run_yamnet_detailed(model, waveform, params)
        results.append(r)
        entry = {
            "name": name,
            "num_samples": int(waveform.shape[0]),
            "padded_samples": r["padded_samples"],
            "frames": int(r["log_mel"].shape[0]),
            "patches": int(r["scores"].shape[0]),
            "input": out.array(f"clips/{name}.input.f32", waveform),
            "log_mel": out.array(f"clips/{name}.log_mel.f32", r["log_mel"]),
            "scores": out.array(f"clips/{name}.scores.f32", r["scores"]),
            "embeddings": out.array(f"clips/{name}.embeddings.f32", r["embeddings"]),
            "logits": out.array(f"clips/{name}.logits.f32", r["logits"]),
        }
        clips.append(entry)
        print(f"  {name:8s} samples {entry['num_samples']:6d}  padded {entry['padded_samples']:6d}"
              f"  frames {entry['frames']:4d}  patches {entry['patches']:2d}")

    stats = activation_stats(results, yamnet_tf.activation_names())
    for layer in stats["layers"]:
        print(f"  {layer['name']:28s} active {layer['active_fraction']:.3f}  "
              f"mean {layer['mean']:7.3f}  max {layer['max']:7.3f}")
    for key in ("embeddings", "logits", "scores", "top10_gaps"):
        print(f"  {key}: {stats[key]}")
    check_stats(stats)

    manifest = {
        "generator": "Scripts/golden/make_golden.py",
        "regenerate": "Scripts/golden/regenerate",
        "versions": {"tensorflow": tf.__version__, "tf_keras": keras.__version__,
                     "numpy": np.__version__, "h5py": h5py.__version__},
        "frontend": frontend,
        "clips": clips,
        "yamnet": {
            "global_seed": GLOBAL_SEED,
            "weights_crc32": weights_crc,
            "weights_size": weights_size,
            "tensors": specs,
            "activation_stats": stats,
        },
    }
    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    if out.total > MAX_TOTAL_BYTES:
        raise SystemExit(f"golden data is {out.total} bytes, over {MAX_TOTAL_BYTES}")
    print(f"wrote {args.out}: {out.total} bytes of arrays")


if __name__ == "__main__":
    main()
