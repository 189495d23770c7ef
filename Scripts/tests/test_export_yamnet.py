"""Tests of Scripts/export_yamnet.py that need no TensorFlow (numpy, h5py and pytest only).

The input is a Keras-2 legacy `save_weights` HDF5 file written here with h5py, the way tf_keras's
`hdf5_format.save_weights_to_hdf5_group` writes it (the layout of the official `yamnet.h5`): root
attributes `layer_names`, `backend`, `keras_version`; one group per layer in sorted order (a '/' in
a layer name nests groups), each with `weight_names`, the datasets named by the full weight name;
weightless layers with an empty `weight_names`; a `top_level_model_weights` group. The exporter
runs as a subprocess, as users run it, and its output is read back by a small reader of
Weights/FORMAT.md written here, independent of the exporter.

Run: Scripts/venv test && .venv/bin/python -m pytest -q Scripts/tests   (the `test` extra of pyproject.toml)
"""

import struct
import subprocess
import sys
import zlib
from pathlib import Path

import h5py
import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
EXPORTER = REPO / "Scripts" / "export_yamnet.py"
CLASS_MAP = REPO / "Weights" / "yamnet_class_map.csv"

# YAMNet: layer 1 is a 3x3 conv (stride 2, 32 filters, 1 input channel); layers 2...14 are
# separable (3x3 depthwise + 1x1 pointwise) with these (stride, filters); dense 1024 -> 521.
SEPARABLE = [(1, 64), (2, 128), (1, 128), (2, 256), (1, 256), (2, 512),
             (1, 512), (1, 512), (1, 512), (1, 512), (1, 512), (2, 1024), (1, 1024)]
BN = ("beta", "moving_mean", "moving_variance")


def format_tensors():
    """The `yamnet` tensors of Weights/FORMAT.md, in file order: [(name, shape)]."""
    def bn(prefix, channels):
        return [(f"{prefix}/bn/{leaf}", (channels,)) for leaf in BN]

    out = [("layer1/conv/kernel", (3, 3, 1, 32))] + bn("layer1/conv", 32)
    channels = 32
    for n, (_stride, filters) in enumerate(SEPARABLE, start=2):
        out += [(f"layer{n}/depthwise_conv/depthwise_kernel", (3, 3, channels, 1))]
        out += bn(f"layer{n}/depthwise_conv", channels)
        out += [(f"layer{n}/pointwise_conv/kernel", (1, 1, channels, filters))]
        out += bn(f"layer{n}/pointwise_conv", filters)
        channels = filters
    return out + [("logits/kernel", (1024, 521)), ("logits/bias", (521,))]


FORMAT_TENSORS = format_tensors()


def keras_layers(values, dense_name="logits"):
    """YAMNet's Keras layers in model order, as tf_keras lists them: [(layer, {leaf: array})]."""
    def w(layer, *leaves, key=None):
        return (layer, {leaf: values[f"{key or layer}/{leaf}"] for leaf in leaves})

    layers = [("patches", {}), ("reshape", {}),
              w("layer1/conv", "kernel"), w("layer1/conv/bn", *BN), ("layer1/relu", {})]
    for n in range(2, 15):
        for kind, leaf in (("depthwise_conv", "depthwise_kernel"), ("pointwise_conv", "kernel")):
            prefix = f"layer{n}/{kind}"
            layers += [w(prefix, leaf), w(f"{prefix}/bn", *BN), (f"{prefix}/relu", {})]
    return layers + [("embeddings", {}), w(dense_name, "kernel", "bias", key="logits"),
                     ("scores", {})]


def write_keras_h5(path, layers):
    """Writes `layers` like tf_keras's legacy save_weights(..., save_format="h5")."""
    with h5py.File(path, "w") as f:
        # tf_keras assigns the plain lists: h5py stores bytes as variable-length strings and
        # an empty list as a float64 array of shape [0]
        f.attrs["layer_names"] = [name.encode("utf8") for name, _ in layers]
        f.attrs["backend"] = b"tensorflow"
        f.attrs["keras_version"] = b"2.20.1"
        for name, weights in sorted(layers, key=lambda layer: layer[0]):
            group = f.create_group(name)
            names = [f"{name}/{leaf}:0".encode("utf8") for leaf in weights]
            group.attrs["weight_names"] = names
            for wname, value in zip(names, weights.values()):
                group.create_dataset(wname, value.shape, dtype=value.dtype)[...] = value
        f.create_group("top_level_model_weights").attrs["weight_names"] = []


def _align(n):
    return (n + 63) // 64 * 64


def read_weight_file(data):
    """Reads a Weights/FORMAT.md v1 file, checking its layout: (model, [(name, shape, bytes)])."""
    assert data[:8] == b"MOODWGT\x00"
    version, header_size, count, reserved, file_size = struct.unpack_from("<IIIIQ", data, 8)
    assert (version, reserved, file_size) == (1, 0, len(data))
    assert struct.unpack_from("<I", data, len(data) - 4)[0] == zlib.crc32(data[:-4])
    (length,) = struct.unpack_from("<H", data, 32)
    model = data[34:34 + length].decode("utf-8")
    pos = 34 + length
    records = []
    end = header_size  # end of the previous block; the gaps after it must be zero
    for _ in range(count):
        (length,) = struct.unpack_from("<H", data, pos)
        name = data[pos + 2:pos + 2 + length].decode("utf-8")
        pos += 2 + length
        dtype, rank = struct.unpack_from("<BB", data, pos)
        dims = struct.unpack_from(f"<{rank}I", data, pos + 2)
        offset, nbytes = struct.unpack_from("<QQ", data, pos + 2 + 4 * rank)
        pos += 2 + 4 * rank + 16
        assert dtype == 0, name
        assert offset % 64 == 0 and offset == _align(end), name  # record order, next boundary
        assert nbytes == 4 * int(np.prod(dims, dtype=np.int64)), name
        assert not any(data[end:offset]), name
        records.append((name, tuple(dims), data[offset:offset + nbytes]))
        end = offset + nbytes
    assert pos == header_size
    assert end == len(data) - 4
    return model, records


def export(h5, out, cwd, class_map=CLASS_MAP):
    """Runs the exporter like a user would; returns the CompletedProcess."""
    return subprocess.run([sys.executable, str(EXPORTER), str(h5), str(out),
                           "--class-map", str(class_map)],
                          cwd=cwd, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="session")
def values():
    """Seeded small float32 values with the official shapes, {FORMAT.md name: array}."""
    rng = np.random.default_rng(20261129)
    out = {}
    for name, shape in FORMAT_TENSORS:
        value = rng.standard_normal(shape, dtype=np.float32) * np.float32(0.1)
        if name.endswith("moving_variance"):
            value = np.abs(value) + np.float32(0.5)
        out[name] = value
    out["logits/bias"][:3] = [-0.0, 1e-45, np.finfo(np.float32).max]  # -0, subnormal, max
    return out


@pytest.fixture(scope="session")
def exported(tmp_path_factory, values):
    """The official layout exported once: (h5 path, output path, CompletedProcess)."""
    tmp = tmp_path_factory.mktemp("export")
    h5, out = tmp / "yamnet.h5", tmp / "out" / "yamnet.bin"
    write_keras_h5(h5, keras_layers(values))
    result = export(h5, out, cwd=tmp)
    assert result.returncode == 0, result.stderr
    return h5, out, result


def test_output_follows_format(exported, values):
    _h5, out, result = exported
    assert "110 tensors" in result.stdout
    model, records = read_weight_file(out.read_bytes())
    assert model == "yamnet"
    assert len(records) == 110
    assert [(name, shape) for name, shape, _ in records] == FORMAT_TENSORS
    for name, _shape, data in records:
        assert data == values[name].astype("<f4").tobytes(), name  # bit for bit


def test_dense_layer_of_any_name_becomes_logits(exported, values, tmp_path):
    h5, out = tmp_path / "renamed.h5", tmp_path / "renamed.bin"
    write_keras_h5(h5, keras_layers(values, dense_name="dense"))
    result = export(h5, out, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert out.read_bytes() == exported[1].read_bytes()


def test_class_map_installed_beside_output(exported):
    installed = exported[1].parent / "yamnet_class_map.csv"
    assert installed.read_bytes() == CLASS_MAP.read_bytes()


def test_deterministic(exported, tmp_path):
    h5, out, _ = exported
    again = tmp_path / "again.bin"
    assert export(h5, again, cwd=tmp_path).returncode == 0
    assert again.read_bytes() == out.read_bytes()


def _drop_leaf(layers, layer, leaf):
    del dict(layers)[layer][leaf]


def _swap_kernel_io(layers, layer):
    weights = dict(layers)[layer]
    weights["kernel"] = np.swapaxes(weights["kernel"], 2, 3)


def _add_gamma(layers, layer):
    weights = dict(layers)[layer]
    rest = dict(weights)
    weights.clear()
    weights["gamma"] = np.ones_like(rest["beta"])  # Keras lists gamma first
    weights.update(rest)


def _drop_layer(layers, layer):
    layers[:] = [entry for entry in layers if entry[0] != layer]


@pytest.mark.parametrize("mutate, expected", [
    (lambda ls: _drop_leaf(ls, "layer3/depthwise_conv/bn", "moving_variance"),
     ["layer3/depthwise_conv/bn/moving_variance"]),
    (lambda ls: _swap_kernel_io(ls, "layer5/pointwise_conv"),
     ["layer5/pointwise_conv/kernel", "[1, 1, 128, 256]"]),
    (lambda ls: _add_gamma(ls, "layer4/depthwise_conv/bn"),
     ["layer4/depthwise_conv/bn/gamma"]),
    (lambda ls: _drop_layer(ls, "layer7/pointwise_conv/bn"),
     ["layer7/pointwise_conv/bn"]),
], ids=["missing-moving_variance", "wrong-kernel-shape", "unexpected-gamma", "missing-layer"])
def test_bad_input_fails_without_output(values, tmp_path, mutate, expected):
    layers = keras_layers(values)
    mutate(layers)
    h5, out = tmp_path / "bad.h5", tmp_path / "out" / "yamnet.bin"
    write_keras_h5(h5, layers)
    result = export(h5, out, cwd=tmp_path)
    assert result.returncode != 0
    for text in expected:
        assert text in result.stderr
    assert list(tmp_path.iterdir()) == [h5]  # no output, temp file or class map left


def test_bad_class_map_fails_without_output(exported, tmp_path):
    h5 = exported[0]
    bad = tmp_path / "classes.csv"
    bad.write_text("index,mid,display_name\n0,/m/09x0r,Speech\n")
    out = tmp_path / "out" / "yamnet.bin"
    result = export(h5, out, cwd=tmp_path, class_map=bad)
    assert result.returncode != 0
    assert "not a YAMNet class map" in result.stderr
    assert not out.exists()
