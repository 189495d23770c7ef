"""Deterministic seeded YAMNet weights, shared bit for bit with the Swift tests.

Spec (README.md has the same text):
  seed of a tensor:  s = fnv1a64(name as UTF-8) XOR global_seed
  element i (flat C order, i = 0, 1, 2, ...), all arithmetic mod 2^64:
      x = s + (i + 1) * 0x9E3779B97F4A7C15
      z = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9
      z = (z ^ (z >> 27)) * 0x94D049BB133111EB
      z = z ^ (z >> 31)
      u = float32(z >> 40) * float32(2^-23) - float32(1)        exact, in [-1, 1)
      value = float32(scale) * u + float32(offset)               float32, rounded after * and +
"""

import numpy as np

FNV_OFFSET = 0xCBF29CE484222325
FNV_PRIME = 0x100000001B3
GOLDEN_GAMMA = 0x9E3779B97F4A7C15
MIX1 = 0xBF58476D1CE4E5B9
MIX2 = 0x94D049BB133111EB
MASK64 = (1 << 64) - 1


def fnv1a64(text):
    h = FNV_OFFSET
    for byte in text.encode("utf-8"):
        h ^= byte
        h = (h * FNV_PRIME) & MASK64
    return h


def tensor_seed(name, global_seed):
    return fnv1a64(name) ^ (global_seed & MASK64)


def uniform(name, count, global_seed):
    """u in [-1, 1) as float32, `count` elements of the tensor `name`."""
    s = np.uint64(tensor_seed(name, global_seed))
    with np.errstate(over="ignore"):
        x = np.arange(1, count + 1, dtype=np.uint64) * np.uint64(GOLDEN_GAMMA) + s
        z = (x ^ (x >> np.uint64(30))) * np.uint64(MIX1)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(MIX2)
        z = z ^ (z >> np.uint64(31))
    u = (z >> np.uint64(40)).astype(np.float32) * np.float32(2.0 ** -23) - np.float32(1.0)
    return u


def uniform_reference(name, index, global_seed):
    """One element with Python integers; the spec spelled out, to check `uniform`."""
    x = (tensor_seed(name, global_seed) + (index + 1) * GOLDEN_GAMMA) & MASK64
    z = ((x ^ (x >> 30)) * MIX1) & MASK64
    z = ((z ^ (z >> 27)) * MIX2) & MASK64
    z = z ^ (z >> 31)
    return np.float32(np.float32(z >> 40) * np.float32(2.0 ** -23) - np.float32(1.0))


def generate(name, shape, scale, offset, global_seed):
    """float32 array of `shape`: float32(scale) * u + float32(offset), two roundings."""
    count = int(np.prod(shape, dtype=np.int64))
    u = uniform(name, count, global_seed)
    product = np.float32(scale) * u  # float32 * float32 array -> rounded float32
    assert product.dtype == np.float32
    value = product + np.float32(offset)
    assert value.dtype == np.float32
    return value.reshape(shape)


def f32(x):
    """A Python float holding exactly the float32 nearest to x."""
    return float(np.float32(x))
