"""Reference YAMNet in TensorFlow / tf_keras, written from the architecture of Google's
models/research/audioset/yamnet (params.py, features.py, yamnet.py).

It is the oracle for the Swift port: `run_yamnet(model, waveform)` returns what the official
`yamnet_frames_model` returns (scores, embeddings, log-mel spectrogram) plus the logits. The Keras
layers carry the official names, so `save_weights(path, save_format="h5")` writes the same layout
as the official `yamnet.h5`.
"""

import dataclasses

import numpy as np
import tensorflow as tf
import tf_keras as keras
from tf_keras import layers


@dataclasses.dataclass(frozen=True)
class Params:
    """ref: params.py, Params."""
    sample_rate: float = 16000.0
    stft_window_seconds: float = 0.025
    stft_hop_seconds: float = 0.010
    mel_bands: int = 64
    mel_min_hz: float = 125.0
    mel_max_hz: float = 7500.0
    log_offset: float = 0.001
    patch_window_seconds: float = 0.96
    patch_hop_seconds: float = 0.48
    num_classes: int = 521
    conv_padding: str = "same"
    batchnorm_center: bool = True
    batchnorm_scale: bool = False
    batchnorm_epsilon: float = 1e-4
    classifier_activation: str = "sigmoid"

    @property
    def patch_frames(self):
        return int(round(self.patch_window_seconds / self.stft_hop_seconds))  # 96

    @property
    def patch_bands(self):
        return self.mel_bands  # 64

    # ref: features.py, waveform_to_log_mel_spectrogram_patches
    @property
    def window_length_samples(self):
        return int(round(self.sample_rate * self.stft_window_seconds))  # 400

    @property
    def hop_length_samples(self):
        return int(round(self.sample_rate * self.stft_hop_seconds))  # 160

    @property
    def fft_length(self):
        return 2 ** int(np.ceil(np.log(self.window_length_samples) / np.log(2.0)))  # 512

    @property
    def num_spectrogram_bins(self):
        return self.fft_length // 2 + 1  # 257

    @property
    def patch_window_length_frames(self):
        return int(round(self.sample_rate / self.hop_length_samples * self.patch_window_seconds))

    @property
    def patch_hop_length_frames(self):
        return int(round(self.sample_rate / self.hop_length_samples * self.patch_hop_seconds))


# ref: yamnet.py, _YAMNET_LAYER_DEFS: (kind, kernel, stride, filters)
LAYER_DEFS = [
    ("conv", (3, 3), 2, 32),
    ("separable", (3, 3), 1, 64),
    ("separable", (3, 3), 2, 128),
    ("separable", (3, 3), 1, 128),
    ("separable", (3, 3), 2, 256),
    ("separable", (3, 3), 1, 256),
    ("separable", (3, 3), 2, 512),
    ("separable", (3, 3), 1, 512),
    ("separable", (3, 3), 1, 512),
    ("separable", (3, 3), 1, 512),
    ("separable", (3, 3), 1, 512),
    ("separable", (3, 3), 1, 512),
    ("separable", (3, 3), 2, 1024),
    ("separable", (3, 3), 1, 1024),
]


def pad_waveform(waveform, params):
    """ref: features.py, pad_waveform. Zero-pads at the end to at least one patch (15600
    samples), then to a whole number of patch hops (7680 samples) after the first patch."""
    min_waveform_seconds = (params.patch_window_seconds + params.stft_window_seconds
                            - params.stft_hop_seconds)
    min_num_samples = tf.cast(min_waveform_seconds * params.sample_rate, tf.int32)
    num_samples = tf.shape(waveform)[0]
    num_padding_samples = tf.maximum(0, min_num_samples - num_samples)
    num_samples = tf.maximum(num_samples, min_num_samples)
    num_samples_after_first_patch = num_samples - min_num_samples
    hop_samples = tf.cast(params.patch_hop_seconds * params.sample_rate, tf.int32)
    num_hops_after_first_patch = tf.cast(
        tf.math.ceil(tf.cast(num_samples_after_first_patch, tf.float32)
                     / tf.cast(hop_samples, tf.float32)), tf.int32)
    num_padding_samples += hop_samples * num_hops_after_first_patch - num_samples_after_first_patch
    return tf.pad(waveform, [[0, num_padding_samples]], mode="CONSTANT", constant_values=0.0)


def mel_matrix(params):
    """[257, 64] float32 mel weights, ref: features.py (tf.signal.linear_to_mel_weight_matrix)."""
    return tf.signal.linear_to_mel_weight_matrix(
        num_mel_bins=params.mel_bands,
        num_spectrogram_bins=params.num_spectrogram_bins,
        sample_rate=params.sample_rate,
        lower_edge_hertz=params.mel_min_hz,
        upper_edge_hertz=params.mel_max_hz)


def waveform_to_log_mel_spectrogram_patches(waveform, params):
    """ref: features.py. waveform [samples] -> (log_mel [frames, 64], patches [N, 96, 64])."""
    magnitude = tf.abs(tf.signal.stft(
        signals=waveform,
        frame_length=params.window_length_samples,
        frame_step=params.hop_length_samples,
        fft_length=params.fft_length))  # periodic Hann window, no end padding
    mel = tf.matmul(magnitude, mel_matrix(params))
    log_mel = tf.math.log(mel + params.log_offset)
    patches = tf.signal.frame(
        signal=log_mel,
        frame_length=params.patch_window_length_frames,
        frame_step=params.patch_hop_length_frames,
        axis=0)
    return log_mel, patches


def _batch_norm(name, params):
    return layers.BatchNormalization(
        name=name, center=params.batchnorm_center, scale=params.batchnorm_scale,
        epsilon=params.batchnorm_epsilon)


def build_yamnet(params=Params(), with_activations=False):
    """ref: yamnet.py, yamnet(). Keras model: patches [N, 96, 64] -> (scores [N, 521],
    embeddings [N, 1024], logits [N, 521]); with_activations adds every ReLU output."""
    patches = layers.Input(shape=(params.patch_frames, params.patch_bands), dtype=tf.float32,
                           name="patches")
    net = layers.Reshape((params.patch_frames, params.patch_bands, 1))(patches)
    relus = []
    for i, (kind, kernel, stride, filters) in enumerate(LAYER_DEFS, start=1):
        name = f"layer{i}"
        if kind == "conv":
            net = layers.Conv2D(filters, kernel, strides=stride, padding=params.conv_padding,
                                use_bias=False, activation=None, name=f"{name}/conv")(net)
            net = _batch_norm(f"{name}/conv/bn", params)(net)
            net = layers.ReLU(name=f"{name}/relu")(net)
            relus.append(net)
        else:
            net = layers.DepthwiseConv2D(kernel, strides=stride, depth_multiplier=1,
                                         padding=params.conv_padding, use_bias=False,
                                         activation=None, name=f"{name}/depthwise_conv")(net)
            net = _batch_norm(f"{name}/depthwise_conv/bn", params)(net)
            net = layers.ReLU(name=f"{name}/depthwise_conv/relu")(net)
            relus.append(net)
            net = layers.Conv2D(filters, (1, 1), strides=1, padding=params.conv_padding,
                                use_bias=False, activation=None,
                                name=f"{name}/pointwise_conv")(net)
            net = _batch_norm(f"{name}/pointwise_conv/bn", params)(net)
            net = layers.ReLU(name=f"{name}/pointwise_conv/relu")(net)
            relus.append(net)
    embeddings = layers.GlobalAveragePooling2D(name="embeddings")(net)
    logits = layers.Dense(params.num_classes, use_bias=True, name="logits")(embeddings)
    scores = layers.Activation(params.classifier_activation, name="scores")(logits)
    outputs = [scores, embeddings, logits]
    if with_activations:
        outputs += relus
    return keras.Model(inputs=patches, outputs=outputs, name="yamnet")


def activation_names():
    """Names of the ReLU outputs that build_yamnet(with_activations=True) appends, in order."""
    names = []
    for i, (kind, _kernel, _stride, _filters) in enumerate(LAYER_DEFS, start=1):
        if kind == "conv":
            names.append(f"layer{i}/relu")
        else:
            names += [f"layer{i}/depthwise_conv/relu", f"layer{i}/pointwise_conv/relu"]
    return names


def canonical_weight_names(model):
    """FORMAT.md name of each model weight, in model.weights order (`layer1/conv/kernel`, ...)."""
    names = []
    for layer in model.layers:
        for w in layer.weights:
            leaf = w.name.split(":")[0].rsplit("/", 1)[-1]
            names.append(f"{layer.name}/{leaf}")
    return names


def set_weights_by_name(model, tensors):
    """Loads {FORMAT.md name: array} into the model; every model weight must be given."""
    missing = []
    for layer in model.layers:
        if not layer.weights:
            continue
        values = []
        for w in layer.weights:
            name = f"{layer.name}/{w.name.split(':')[0].rsplit('/', 1)[-1]}"
            if name not in tensors:
                missing.append(name)
                continue
            value = np.asarray(tensors[name], dtype=np.float32)
            if tuple(value.shape) != tuple(w.shape):
                raise ValueError(f"{name}: shape {value.shape}, model wants {tuple(w.shape)}")
            values.append(value)
        if len(values) == len(layer.weights):
            layer.set_weights(values)
    if missing:
        raise ValueError(f"no value for model weights: {missing}")


def run_yamnet_detailed(model, waveform, params=Params()):
    """ref: yamnet.py, yamnet_frames_model, with all patches of the clip in one batch.
    waveform: float32 [samples] at 16 kHz in [-1, 1]. Returns a dict of numpy arrays: scores
    [N, 521], embeddings [N, 1024], logits [N, 521], log_mel [frames, 64] of the padded waveform,
    padded_samples, and `activations` (the model's extra outputs, if any)."""
    waveform = tf.convert_to_tensor(np.asarray(waveform, dtype=np.float32))
    padded = pad_waveform(waveform, params)
    log_mel, patches = waveform_to_log_mel_spectrogram_patches(padded, params)
    outputs = model(patches, training=False)
    scores, embeddings, logits = (o.numpy() for o in outputs[:3])
    return {
        "scores": scores,
        "embeddings": embeddings,
        "logits": logits,
        "log_mel": log_mel.numpy(),
        "padded_samples": int(padded.shape[0]),
        "activations": [o.numpy() for o in outputs[3:]],
    }


def run_yamnet(model, waveform, params=Params()):
    """(scores [N, 521], embeddings [N, 1024], logits [N, 521], log_mel [frames, 64])."""
    out = run_yamnet_detailed(model, waveform, params)
    return out["scores"], out["embeddings"], out["logits"], out["log_mel"]
