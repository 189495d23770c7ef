#!/usr/bin/env python3
"""Decodes every vector in DIR/{wav,flac,mp3} with `mood decode --native` and with ffmpeg, and
compares the two (Scripts/audio-vectors/check-decoders makes DIR and calls this).

    compare_decoders.py DIR MOOD

mood writes float32 at the file's own rate and channel count. ffmpeg decodes WAV and MP3 files
here to float64 (`-c:a pcm_f64le`), which holds every integer sample of up to 32 bits, and every
float32 one, exactly. FLAC files come with their reference decodes from make_flac_vectors.sh:
ffmpeg's (`-f s32le`, cross-checked there against flac -d), or flac -d's for 32-bit files, which
ffmpeg 5 cannot decode (index.tsv names the tool). Rate, channel count and frame count must
match, and then:

- WAV and FLAC: bit-exact. Our float32 must equal ffmpeg's value rounded to float32: for
  integer samples of up to 24 bits that is the integer × 2^-(bits-1) exactly; 32-bit integers
  round to float32's 24-bit significand, and values that would round up to 1.0 stay just below it
  (0x1.fffffep-1), as WAVDecoder and FLACDecoder document. Float samples pass through (float64
  rounded to nearest).
- MP3: SNR ≥ 80 dB (over all samples and channels) against ffmpeg's float decoder
  (`-c:a mp3float`), and exactly its frame count: both trim the encoder delay and padding that
  the LAME header declares. Two correct float decoders differ only in rounding order (IMDCT,
  synthesis filterbank); 80 dB, the issue's bar, leaves ~30 dB of margin under the worst SNR
  measured on this set (110.6 dB).

Prints one line per failure and a table per format; exits 1 if anything failed.
"""
import math
import os
import struct
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np

MP3_MIN_SNR_DB = 80.0
BELOW_ONE = np.float32(1 - 2.0 ** -24)      # 0x1.fffffep-1


def read_float_wav(path):
    """(rate, channels, samples [frames, channels] as float64) of a float32/float64 WAV file."""
    data = open(path, 'rb').read()
    if data[:4] != b'RIFF' or data[8:12] != b'WAVE':
        raise ValueError(f'{path}: not a RIFF/WAVE file')
    pos, fmt, body = 12, None, None
    while pos + 8 <= len(data):
        cid, size = data[pos:pos + 4], struct.unpack_from('<I', data, pos + 4)[0]
        if cid == b'fmt ':
            code, channels, rate = struct.unpack_from('<HHI', data, pos + 8)
            bits = struct.unpack_from('<H', data, pos + 22)[0]
            if code == 0xFFFE:                      # WAVE_FORMAT_EXTENSIBLE: the subformat's code
                code = struct.unpack_from('<H', data, pos + 32)[0]
            fmt = (code, channels, rate, bits)
        elif cid == b'data':
            body = data[pos + 8:pos + 8 + size]
            break
        pos += 8 + size + (size & 1)
    if fmt is None or body is None or fmt[0] != 3 or fmt[3] not in (32, 64):
        raise ValueError(f'{path}: not a float32/float64 WAV file')
    code, channels, rate, bits = fmt
    samples = np.frombuffer(body, '<f4' if bits == 32 else '<f8').astype(np.float64)
    return rate, channels, samples[:len(samples) // channels * channels].reshape(-1, channels)


def snr_db(ours, reference):
    noise, signal = np.sum((ours - reference) ** 2), np.sum(reference ** 2)
    return math.inf if noise == 0 else -math.inf if signal == 0 else 10 * math.log10(signal / noise)


class Vector:
    def __init__(self, kind, path, clamp=True, reference=None, tool='ffmpeg'):
        self.kind, self.path, self.clamp, self.tool = kind, path, clamp, tool
        self.name = os.path.basename(path)
        self.reference = reference                  # (s32 path, rate, channels), else ffmpeg here


def vectors(root):
    found = []
    for line in open(os.path.join(root, 'wav', 'index.tsv')):
        name, sample_type = line.split()
        found.append(Vector('WAV', os.path.join(root, 'wav', name + '.wav'), clamp=sample_type == 'int'))
    for line in open(os.path.join(root, 'flac', 'index.tsv')):
        name, bits, channels, rate, tool = line.split()
        base = os.path.join(root, 'flac', name)
        found.append(Vector('FLAC', base + '.flac', reference=(base + '.s32', int(rate), int(channels)), tool=tool))
    mp3 = os.path.join(root, 'mp3')
    found += [Vector('MP3', os.path.join(mp3, f)) for f in sorted(os.listdir(mp3)) if f.endswith('.mp3')]
    return found


def run(args, env=None):
    result = subprocess.run(args, stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env)
    return result.returncode, (result.stderr.strip().splitlines() or ['exit code %d' % result.returncode])[-1]


def check(vector, mood, scratch):
    """(snr in dB, None) when the decodes agree, else (snr or None, reason)."""
    ours_path = os.path.join(scratch, vector.kind + '-' + vector.name + '.mood.wav')
    ref_path = os.path.join(scratch, vector.kind + '-' + vector.name + '.ffmpeg.wav')
    try:
        # An empty PATH keeps mood from handing a file it does not recognise to ffmpeg.
        code, message = run([mood, 'decode', '--native', vector.path, '--out', ours_path], env={'PATH': ''})
        if code != 0:
            return None, 'mood: ' + message
        if vector.reference:
            s32, ref_rate, ref_channels = vector.reference
            ref = (np.fromfile(s32, '<i4').astype(np.float64) * 2.0 ** -31).reshape(-1, ref_channels)
        else:
            decoder = ['-c:a', 'mp3float'] if vector.kind == 'MP3' else []
            code, message = run(['ffmpeg', '-v', 'error', '-nostdin', '-y', *decoder, '-i', vector.path,
                                 '-c:a', 'pcm_f64le', ref_path])
            if code != 0:
                return None, 'ffmpeg: ' + message
            ref_rate, ref_channels, ref = read_float_wav(ref_path)
        rate, channels, ours = read_float_wav(ours_path)
    except ValueError as error:
        return None, str(error)
    finally:
        for path in (ours_path, ref_path):
            if os.path.exists(path):
                os.remove(path)
    if (rate, channels) != (ref_rate, ref_channels):
        return None, f'{rate} Hz × {channels} channels, reference {ref_rate} Hz × {ref_channels}'
    if len(ours) != len(ref):
        return None, f'{len(ours)} frames, reference {len(ref)}'
    if vector.kind == 'MP3':
        snr = snr_db(ours, ref)
        return snr, None if snr >= MP3_MIN_SNR_DB else f'SNR {snr:.1f} dB < {MP3_MIN_SNR_DB:.0f} dB'
    expected = ref.astype(np.float32)
    if vector.clamp:
        expected = np.minimum(expected, BELOW_ONE)
    snr = snr_db(ours, expected.astype(np.float64))
    differ = ours.astype(np.float32).view(np.uint32) != expected.view(np.uint32)
    if not differ.any():
        return snr, None
    frame, channel = np.argwhere(differ)[0]
    return snr, (f'{int(differ.sum())} samples differ (SNR {snr:.1f} dB), first at frame {frame} channel {channel}: '
                 f'{float(ours[frame, channel])!r} vs {float(expected[frame, channel])!r}')


def main():
    root, mood = sys.argv[1], os.path.abspath(sys.argv[2])
    scratch = os.path.join(root, 'decoded')
    os.makedirs(scratch, exist_ok=True)
    todo = vectors(root)
    with ThreadPoolExecutor(os.cpu_count()) as pool:
        results = list(pool.map(lambda v: check(v, mood, scratch), todo))
    failures = [(v, reason) for v, (_, reason) in zip(todo, results) if reason]
    for v, reason in failures:
        print(f'FAIL {v.kind} {v.name}: {reason}')
    checks = {'WAV': 'bit-exact', 'FLAC': 'bit-exact', 'MP3': f'SNR ≥ {MP3_MIN_SNR_DB:.0f} dB, exact frame count'}
    print(f'{"format":<6} {"files":>5} {"failed":>6}  {"worst SNR (dB)":>14}  check')
    for kind in checks:
        rows = [r for v, r in zip(todo, results) if v.kind == kind]
        snrs = [snr for snr, _ in rows if snr is not None]
        print(f'{kind:<6} {len(rows):>5} {sum(1 for _, reason in rows if reason):>6}  '
              f'{min(snrs, default=math.nan):>14.1f}  {checks[kind]}')
    by_flac = sum(1 for v in todo if v.tool == 'flac')
    print(f'FLAC references: {len([v for v in todo if v.kind == "FLAC"]) - by_flac} by ffmpeg, '
          f'{by_flac} by flac -d (32-bit: ffmpeg 5 cannot decode them)')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
