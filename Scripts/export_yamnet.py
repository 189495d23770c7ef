#!/usr/bin/env python3
"""Export YAMNet weights from a Keras HDF5 file to the flat weight format v1.

usage: Scripts/export_yamnet.py INPUT.h5 OUTPUT.bin [--class-map PATH]

INPUT.h5 is a weights file in the legacy Keras-2 `save_weights` layout, such as the official
`yamnet.h5` (https://storage.googleapis.com/audioset/yamnet.h5); a whole-model HDF5 save (with a
`model_weights` group) works too. OUTPUT.bin is written in the layout of `Weights/FORMAT.md`:
110 float32 tensors, batch norm unfolded, Keras shapes kept. The class map CSV is installed next to
OUTPUT.bin. Layers are matched by name, else (Keras's auto-generated names: conv2d,
batch_normalization_3, ...) by Keras's by-topology order; OUTPUT.bin.json records the source,
its SHA-256 and the matching used. Needs only numpy and h5py.
"""

import argparse
import json
import os
import shutil
import struct
import sys
import tempfile
import zlib

import numpy as np

MODEL_NAME = "yamnet"
MAGIC = b"MOODWGT\x00"
VERSION = 1
ALIGN = 64
NUM_CLASSES = 521
EMBEDDING_SIZE = 1024
DTYPE_FLOAT32 = 0

# ref: yamnet.py, _YAMNET_LAYER_DEFS -- (stride, filters) of the 14 layers; layer 1 is a full 3x3
# conv, layers 2...14 are depthwise-separable (3x3 depthwise, then 1x1 pointwise).
LAYER_DEFS = [(2, 32), (1, 64), (2, 128), (1, 128), (2, 256), (1, 256), (2, 512),
              (1, 512), (1, 512), (1, 512), (1, 512), (1, 512), (2, 1024), (1, 1024)]

BN_LEAVES = ("beta", "moving_mean", "moving_variance")


def expected_tensors():
    """The yamnet tensors of FORMAT.md, in file order: list of (name, shape, keras_layer)."""
    out = []

    def bn(prefix, channels):
        for leaf in BN_LEAVES:
            out.append((f"{prefix}/bn/{leaf}", (channels,), f"{prefix}/bn"))

    in_ch = 1
    for n, (_stride, filters) in enumerate(LAYER_DEFS, start=1):
        if n == 1:
            out.append((f"layer{n}/conv/kernel", (3, 3, in_ch, filters), f"layer{n}/conv"))
            bn(f"layer{n}/conv", filters)
        else:
            dw = f"layer{n}/depthwise_conv"
            out.append((f"{dw}/depthwise_kernel", (3, 3, in_ch, 1), dw))
            bn(dw, in_ch)
            pw = f"layer{n}/pointwise_conv"
            out.append((f"{pw}/kernel", (1, 1, in_ch, filters), pw))
            bn(pw, filters)
        in_ch = filters
    out.append(("logits/kernel", (EMBEDDING_SIZE, NUM_CLASSES), "logits"))
    out.append(("logits/bias", (NUM_CLASSES,), "logits"))
    return out


class ExportError(Exception):
    pass


def _text(value):
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _leaf(weight_name):
    """`layer1/conv/layer1/conv/kernel:0` or `kernel:0` -> `kernel`."""
    name = weight_name
    if name.endswith(":0"):
        name = name[:-2]
    return name.rsplit("/", 1)[-1]


def read_h5_tensors(path):
    """Reads every weight of the HDF5 file: {layer_name: {leaf: float32 array}}."""
    import h5py

    layers = {}
    with h5py.File(path, "r") as f:
        root = f
        if "layer_names" not in root.attrs and "model_weights" in f:
            root = f["model_weights"]  # a whole-model save keeps its weights here
        if "layer_names" not in root.attrs:
            raise ExportError(f"{path}: no 'layer_names' attribute; not a Keras HDF5 weights file")
        for layer_name in (_text(x) for x in root.attrs["layer_names"]):
            if layer_name not in root:
                raise ExportError(f"{path}: layer '{layer_name}' is listed but has no group")
            group = root[layer_name]  # '/' in the layer name nests groups; h5py walks the path
            weight_names = [_text(x) for x in group.attrs.get("weight_names", [])]
            if not weight_names:
                continue
            weights = {}
            for wname in weight_names:
                if wname not in group:
                    raise ExportError(f"{path}: weight '{wname}' of layer '{layer_name}' is missing")
                data = group[wname][()]
                if not np.issubdtype(data.dtype, np.floating):
                    raise ExportError(f"{path}: tensor '{layer_name}/{_leaf(wname)}' has dtype "
                                      f"{data.dtype}, expected float32")
                leaf = _leaf(wname)
                if leaf in weights:
                    raise ExportError(f"{path}: layer '{layer_name}' has two weights named '{leaf}'")
                weights[leaf] = np.asarray(data, dtype=np.float32)
            layers[layer_name] = weights
    return layers


def find_logits_layer(layers):
    """The dense classifier: the layer whose weights are a [1024, 521] kernel and a [521] bias."""
    found = [name for name, w in layers.items()
             if set(w) == {"kernel", "bias"}
             and w["kernel"].shape == (EMBEDDING_SIZE, NUM_CLASSES)
             and w["bias"].shape == (NUM_CLASSES,)]
    if not found:
        raise ExportError(f"tensor 'logits/kernel': no layer has a kernel of shape "
                          f"[{EMBEDDING_SIZE}, {NUM_CLASSES}] and a bias of shape [{NUM_CLASSES}]")
    if len(found) > 1:
        raise ExportError(f"tensor 'logits/kernel': several candidate dense layers: {found}")
    return found[0]


def collect(layers):
    """Maps the HDF5 layers onto FORMAT.md's tensor list; returns [(name, float32 array)]."""
    logits_layer = find_logits_layer(layers)
    if logits_layer != "logits" and "logits" in layers:
        raise ExportError(f"tensor 'logits/kernel': both a layer 'logits' and the dense layer "
                          f"'{logits_layer}' exist")
    source = dict(layers)
    source["logits"] = source.pop(logits_layer)
    expected = expected_tensors()
    known_layers = {layer for _, _, layer in expected}

    used = set()
    tensors = []
    for name, shape, layer in expected:
        leaf = name.rsplit("/", 1)[1]
        if layer not in source:
            raise ExportError(f"tensor '{name}': layer '{layer}' not found in the HDF5 file")
        weights = source[layer]
        if leaf not in weights:
            extra = " (batch norm must have center=True)" if leaf == "beta" else ""
            raise ExportError(f"tensor '{name}': missing; layer '{layer}' has "
                              f"{sorted(weights)}{extra}")
        array = weights[leaf]
        if array.shape != shape:
            raise ExportError(f"tensor '{name}': shape {list(array.shape)}, "
                              f"expected {list(shape)}")
        if not np.all(np.isfinite(array)):
            raise ExportError(f"tensor '{name}': contains NaN or infinity")
        used.add((layer, leaf))
        tensors.append((name, array))

    for layer, weights in source.items():
        for leaf in weights:
            if (layer, leaf) in used:
                continue
            if leaf == "gamma" and layer.endswith("/bn"):
                raise ExportError(f"tensor '{layer}/gamma': unexpected; YAMNet's batch norm has "
                                  f"scale=False (no gamma)")
            if layer in known_layers:
                raise ExportError(f"tensor '{layer}/{leaf}': unexpected weight in layer '{layer}'")
            print(f"export_yamnet: warning: ignoring weight '{layer}/{leaf}' "
                  f"(not part of YAMNet)", file=sys.stderr)
    return tensors


def collect_by_topology(layers):
    """Keras's by-topology matching (ref: tf_keras legacy `load_weights_from_hdf5_group`): the
    HDF5's layers that have weights, in file order (`layer_names`), paired in order with YAMNet's
    layers that have weights; each layer's weights taken in `weight_names` order, matched by
    shape. For files whose layer names are Keras's auto-generated ones (conv2d, dense, ...).
    Returns [(name, float32 array)] in FORMAT.md order."""
    expected_layers = []
    for name, shape, layer in expected_tensors():
        if not expected_layers or expected_layers[-1][0] != layer:
            expected_layers.append((layer, []))
        expected_layers[-1][1].append((name, shape))
    found = [(name, weights) for name, weights in layers.items() if weights]
    if len(found) != len(expected_layers):
        raise ExportError(f"by topology: the HDF5 has {len(found)} layers with weights, "
                          f"YAMNet {len(expected_layers)}")
    tensors = []
    for (h5_layer, weights), (layer, wanted) in zip(found, expected_layers):
        arrays = list(weights.values())
        shapes = [tuple(a.shape) for a in arrays]
        if shapes != [shape for _, shape in wanted]:
            raise ExportError(f"by topology: layer '{h5_layer}' (YAMNet's '{layer}') has weights of "
                              f"shapes {[list(x) for x in shapes]}, expected "
                              f"{[list(shape) for _, shape in wanted]}")
        for (name, _shape), array in zip(wanted, arrays):
            if not np.all(np.isfinite(array)):
                raise ExportError(f"tensor '{name}': contains NaN or infinity")
            tensors.append((name, array))
    return tensors


def match(layers):
    """The tensors by layer name, else (the names differ) by Keras's topology order; and which
    matching was used ("by name" / "by topology")."""
    try:
        return collect(layers), "by name"
    except ExportError as by_name:
        try:
            tensors = collect_by_topology(layers)
        except ExportError as by_topology:
            raise ExportError(f"{by_name} (and {by_topology})") from None
        print(f"export_yamnet: layer names differ ({by_name}): matched by topology",
              file=sys.stderr)
        return tensors, "by topology"


def sha256_of(path):
    import hashlib
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _align(n):
    return (n + ALIGN - 1) // ALIGN * ALIGN


def encode(model_name, tensors):
    """Serialises [(name, float32 array)] to the bytes of a FORMAT.md v1 file."""
    name_bytes = model_name.encode("utf-8")
    records_size = 0
    for name, array in tensors:
        records_size += 2 + len(name.encode("utf-8")) + 1 + 1 + 4 * array.ndim + 8 + 8
    header_size = 32 + 2 + len(name_bytes) + records_size

    records = bytearray()
    payload = bytearray()
    offset = _align(header_size)
    data_start = offset
    for name, array in tensors:
        encoded = name.encode("utf-8")
        data = np.ascontiguousarray(array, dtype="<f4").tobytes()
        if array.ndim > 8:
            raise ExportError(f"tensor '{name}': rank {array.ndim} > 8")
        records += struct.pack("<H", len(encoded)) + encoded
        records += struct.pack("<BB", DTYPE_FLOAT32, array.ndim)
        records += struct.pack(f"<{array.ndim}I", *array.shape)
        records += struct.pack("<QQ", offset, len(data))
        payload += b"\x00" * (offset - data_start - len(payload))
        payload += data
        offset = _align(offset + len(data))

    body_size = data_start + len(payload)
    file_size = body_size + 4
    out = bytearray()
    out += MAGIC
    out += struct.pack("<IIIIQ", VERSION, header_size, len(tensors), 0, file_size)
    out += struct.pack("<H", len(name_bytes)) + name_bytes
    out += records
    assert len(out) == header_size
    out += b"\x00" * (data_start - header_size)
    out += payload
    out += struct.pack("<I", zlib.crc32(out) & 0xFFFFFFFF)
    assert len(out) == file_size
    return bytes(out)


def write_atomic(path, data):
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".export-", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def default_class_map():
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for candidate in (os.path.join(repo, "..", "shared", "yamnet", "yamnet_class_map.csv"),
                      os.path.join(repo, "Weights", "yamnet_class_map.csv")):
        if os.path.isfile(candidate):
            return os.path.normpath(candidate)
    return None


def read_class_map(source):
    """The class map's bytes, after checking it is YAMNet's (header and 521 rows)."""
    with open(source, "rb") as f:
        data = f.read()
    rows = data.decode("utf-8").strip().splitlines()
    if not rows or rows[0].strip() != "index,mid,display_name" or len(rows) != NUM_CLASSES + 1:
        raise ExportError(f"{source}: not a YAMNet class map (expected the header "
                          f"'index,mid,display_name' and {NUM_CLASSES} rows)")
    return data


def install_class_map(data, output):
    """Copies the class map next to OUTPUT; returns a short note for the summary line."""
    target = os.path.join(os.path.dirname(os.path.abspath(output)), "yamnet_class_map.csv")
    if os.path.isfile(target):
        with open(target, "rb") as f:
            if f.read() == data:
                return "class map present"
    write_atomic(target, data)
    return f"class map -> {target}"


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Export YAMNet weights from Keras HDF5 to the flat weight format v1 "
                    "(Weights/FORMAT.md).")
    parser.add_argument("input", metavar="INPUT.h5")
    parser.add_argument("output", metavar="OUTPUT.bin")
    parser.add_argument("--class-map", metavar="PATH",
                        help="yamnet_class_map.csv to install next to OUTPUT (default: "
                             "../shared/yamnet/yamnet_class_map.csv beside the repo, else "
                             "Weights/yamnet_class_map.csv)")
    parser.add_argument("--source", metavar="URL_OR_PATH",
                        help="where INPUT.h5 came from, recorded in OUTPUT.bin.json (default: INPUT.h5)")
    args = parser.parse_args(argv)

    try:
        if not os.path.isfile(args.input):
            raise ExportError(f"{args.input}: no such file")
        tensors, matching = match(read_h5_tensors(args.input))
        data = encode(MODEL_NAME, tensors)
        digest = sha256_of(args.input)
        class_map = args.class_map or default_class_map()
        if args.class_map and not os.path.isfile(args.class_map):
            raise ExportError(f"{args.class_map}: no such class map")
        class_map_data = read_class_map(class_map) if class_map else None   # validate before writing
        write_atomic(args.output, data)
        metadata = {"source": args.source or args.input, "sha256": digest, "bytes": os.path.getsize(args.input),
                    "matched": matching, "crc32": f"{zlib.crc32(data[:-4]) & 0xFFFFFFFF:08x}"}
        write_atomic(args.output + ".json", (json.dumps(metadata, indent=2) + "\n").encode())
        if class_map_data is not None:
            note = install_class_map(class_map_data, args.output)
        else:
            note = "no class map found"
            print("export_yamnet: warning: no yamnet_class_map.csv found; pass --class-map",
                  file=sys.stderr)
    except ExportError as e:
        print(f"export_yamnet: error: {e}", file=sys.stderr)
        print("export_yamnet: regenerate with Scripts/fetch-weights (official weights) or "
              "Scripts/export_yamnet.py IN.h5 OUT.bin", file=sys.stderr)
        return 1

    params = sum(int(a.size) for _, a in tensors)
    crc = struct.unpack("<I", data[-4:])[0]
    print(f"{args.output}: {len(tensors)} tensors, {params} parameters, {len(data)} bytes, "
          f"crc32 {crc:08x}, layers matched {matching} ({note})")
    print(f"source sha256 {digest} (recorded in {args.output}.json)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
