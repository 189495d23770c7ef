#!/usr/bin/env bash
# Generates FLAC test vectors and their reference decodes.
#
#   Scripts/audio-vectors/make_flac_vectors.sh OUTDIR           # the full set (210 files, ~2 min)
#   Scripts/audio-vectors/make_flac_vectors.sh --tiny OUTDIR    # the few small ones committed
#                                                               # under Tests/Vectors/flac
#
# For every NAME.flac it writes NAME.s32: the reference decode as signed 32-bit little-endian
# integers, interleaved and left-justified (a b-bit sample v is stored as v << (32 - b)), which is
# what `ffmpeg -i NAME.flac -f s32le -c:a pcm_s32le` writes. ffmpeg 5.x cannot decode 32-bit
# FLAC; for those the reference is `flac -d` (its WAV output, converted to the same layout). Every
# reference is cross-checked against the other decoder where both can decode; index.tsv lists the
# files as NAME, bits per sample, channels, sample rate, reference tool. Check a set with
#   FLAC_VECTOR_DIR=OUTDIR swift test --filter FLACDecoderTests/generatedVectorsAreBitExact
#
# Sources (all repeatable: sox -R, no dither) are sox syntheses (tones, sweeps, noise),
# espeak-ng speech and WAVE_FORMAT_EXTENSIBLE files with 4/12/20/28/32 valid bits written by the
# helper below. Encoders: flac (levels 0/5/8, block sizes, --lax LPC order 32, mid/side), ffmpeg's
# flac encoder (LPC types, channel modes, prediction orders up to 32, partition orders), and a
# variable-block-size stream spliced from fixed-block-size encodes (neither encoder writes one):
# its frames get the variable blocking bit, sample numbers and recomputed CRCs.
#
# Needs: flac (with metaflac), ffmpeg, sox, python3; espeak-ng optional (apt-get install -y flac ffmpeg sox espeak-ng).
set -euo pipefail

tiny=0
if [[ "${1:-}" == "--tiny" ]]; then tiny=1; shift; fi
out=${1:?usage: $0 [--tiny] OUTDIR}
for tool in flac metaflac ffmpeg sox soxi python3; do
    command -v "$tool" >/dev/null || { echo "error: $tool is needed (apt-get install -y flac ffmpeg sox)" >&2; exit 1; }
done
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
: > "$out/index.tsv"

helper="$work/helper.py"
cat > "$helper" <<'PY'
import hashlib, math, random, struct, sys

def crc8(data):
    crc = 0
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = ((crc << 1) ^ 0x07) & 0xFF if crc & 0x80 else (crc << 1) & 0xFF
    return crc

def crc16(data):
    crc = 0
    for b in data:
        crc ^= b << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x8005) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
    return crc

def wav(path, rate, channels, container, valid, seconds, seed=1):
    """A WAVE_FORMAT_EXTENSIBLE file: tones plus a little noise, `valid` significant bits."""
    rng = random.Random(seed)
    n = int(rate * seconds)
    amp = (1 << (valid - 1)) - 1
    data = bytearray()
    for i in range(n):
        for c in range(channels):
            v = int(amp * 0.7 * math.sin(2 * math.pi * (220 + 110 * c) * i / rate)
                    + amp * 0.2 * math.sin(2 * math.pi * 3100 * i / rate)) + rng.randint(-2, 2)
            v = max(-amp - 1, min(amp, v)) << (container - valid)
            if container == 8:
                data += struct.pack('<B', (v + 128) & 0xFF)
            else:
                data += struct.pack('<q', v)[:container // 8]
    block = channels * container // 8
    fmt = struct.pack('<HHIIHHHHI', 0xFFFE, channels, rate, rate * block, block, container, 22, valid, 0)
    fmt += bytes([1, 0, 0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xAA, 0, 0x38, 0x9B, 0x71])
    body = b'WAVE' + b'fmt ' + struct.pack('<I', len(fmt)) + fmt + b'data' + struct.pack('<I', len(data)) + bytes(data)
    open(path, 'wb').write(b'RIFF' + struct.pack('<I', len(body)) + body)

def frames(data):
    """(metadata bytes incl. fLaC, list of frame byte strings) by sync code, CRC-8 and CRC-16."""
    pos = 4
    while True:
        last, length = data[pos] & 0x80, int.from_bytes(data[pos + 1:pos + 4], 'big')
        pos += 4 + length
        if last:
            break
    meta, result, start = data[:pos], [], pos
    def header_ok(p):
        if p + 6 > len(data) or data[p] != 0xFF or data[p + 1] & 0xFE != 0xF8:
            return False
        n = header_length(data, p)
        return n is not None and p + n < len(data) and crc8(data[p:p + n]) == data[p + n]
    while start < len(data):
        end = start + 8
        while end <= len(data):
            if (end == len(data) or header_ok(end)) and crc16(data[start:end - 2]) == int.from_bytes(data[end - 2:end], 'big'):
                break
            end += 1
        result.append(data[start:end])
        start = end
    return meta, result

def header_length(data, p):
    """Header bytes before the CRC-8."""
    lead = data[p + 4]
    count = 1 if lead < 0x80 else next((k for k in range(2, 8) if lead >> (7 - k) == (1 << (k + 1)) - 2), None)
    if count is None:
        return None
    size, rate = data[p + 2] >> 4, data[p + 2] & 15
    return 4 + count + {6: 1, 7: 2}.get(size, 0) + {12: 1, 13: 2, 14: 2}.get(rate, 0)

def block_size(frame):
    code = frame[2] >> 4
    n = header_length(frame, 0)
    if code == 1: return 192
    if 2 <= code <= 5: return 576 << (code - 2)
    if code == 6: return frame[n - 1 - ({12: 1, 13: 2, 14: 2}.get(frame[2] & 15, 0))] + 1
    if code == 7:
        o = n - 2 - ({12: 1, 13: 2, 14: 2}.get(frame[2] & 15, 0))
        return int.from_bytes(frame[o:o + 2], 'big') + 1
    return 256 << (code - 8)

def coded(value):
    if value < 0x80:
        return bytes([value])
    for count in range(2, 8):
        if value < 1 << (5 * count + 1):
            break
    out = []
    for _ in range(count - 1):
        out.append(0x80 | (value & 0x3F))
        value >>= 6
    lead = ((0xFF << (8 - count)) & 0xFF) | value
    return bytes([lead] + out[::-1])

def splice(output, pcm_path, *inputs):
    """Concatenates the frames of fixed-block-size encodes of consecutive pieces into one
    variable-block-size stream: blocking bit set, sample numbers, CRCs recomputed, STREAMINFO
    with the whole length, block size range and the MD5 of `pcm_path` (16-bit mono data)."""
    metas, out_frames, sample, sizes = [], [], 0, []
    for path in inputs:
        meta, fs = frames(open(path, 'rb').read())
        metas.append(meta)
        for f in fs:
            n = header_length(f, 0)
            old_lead = f[4]
            old_count = 1 if old_lead < 0x80 else next(k for k in range(2, 8) if old_lead >> (7 - k) == (1 << (k + 1)) - 2)
            bs = block_size(f)
            header = bytes([0xFF, 0xF9, f[2], f[3]]) + coded(sample) + f[4 + old_count:n]
            header += bytes([crc8(header)])
            body = header + f[n + 1:-2]
            out_frames.append(body + crc16(body).to_bytes(2, 'big'))
            sizes.append(bs)
            sample += bs
    info = bytearray(metas[0][8:8 + 34])
    info[0:2] = min(sizes[:-1] or sizes).to_bytes(2, 'big')
    info[2:4] = max(sizes).to_bytes(2, 'big')
    packed = int.from_bytes(info[10:18], 'big')
    packed = (packed & ~((1 << 36) - 1)) | sample
    info[10:18] = packed.to_bytes(8, 'big')
    data = open(pcm_path, 'rb').read()
    info[18:34] = hashlib.md5(data[data.index(b'data') + 8:]).digest()
    open(output, 'wb').write(b'fLaC' + bytes([0x80, 0, 0, 34]) + bytes(info) + b''.join(out_frames))

def wav_s32(path):
    """The samples of a PCM WAV file as flac -d writes it (left-justified in whole bytes, 8-bit
    unsigned) as left-justified signed 32-bit little-endian bytes, moved byte-wise by slices."""
    data = open(path, 'rb').read()
    pos, bits = 12, None
    while pos + 8 <= len(data):
        cid, size = data[pos:pos + 4], struct.unpack_from('<I', data, pos + 4)[0]
        if cid == b'fmt ':
            bits = struct.unpack_from('<H', data, pos + 8 + 14)[0]
        elif cid == b'data':
            width = bits // 8
            n = size // width
            body, out = data[pos + 8:pos + 8 + n * width], bytearray(4 * n)
            for k in range(width):
                out[4 - width + k::4] = body[k::width]
            if bits == 8:                                   # unsigned: flip the sign bit
                out[3::4] = out[3::4].translate(bytes(b ^ 0x80 for b in range(256)))
            return bytes(out)
        pos += 8 + size + (size & 1)

def compare(reference, decoded_wav):
    """Whether flac -d's WAV decode equals the left-justified s32 reference."""
    return open(reference, 'rb').read() == wav_s32(decoded_wav)

def s32(decoded_wav, output):
    open(output, 'wb').write(wav_s32(decoded_wav))

if __name__ == '__main__':
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == 'wav':
        wav(args[0], int(args[1]), int(args[2]), int(args[3]), int(args[4]), float(args[5]))
    elif cmd == 'splice':
        splice(*args)
    elif cmd == 'compare':
        sys.exit(0 if compare(args[0], args[1]) else 1)
    elif cmd == 's32':
        s32(args[0], args[1])
PY

# source NAME RATE BITS CHANNELS SECONDS: a sox synthesis, one waveform per channel.
source() {
    local name=$1 rate=$2 bits=$3 channels=$4 seconds=$5
    local kinds=("sine 220-3520" "pinknoise" "sine 440" "square 110" "brownnoise" "triangle 330" "sine 1000" "whitenoise")
    local specs=()
    for ((c = 0; c < channels; c++)); do specs+=(${kinds[c % 8]}); done
    sox -R -D -n -r "$rate" -b "$bits" -c "$channels" "$work/$name.wav" synth "$seconds" "${specs[@]}" gain -n -3
}

# reference NAME: writes OUTDIR/NAME.s32 from ffmpeg (or flac -d) and checks the other agrees.
reference() {
    local name=$1 file="$out/$1.flac"
    local bits channels rate
    bits=$(metaflac --show-bps "$file"); channels=$(metaflac --show-channels "$file"); rate=$(metaflac --show-sample-rate "$file")
    local tool=ffmpeg
    flac -d -s -f -o "$work/$name.dec.wav" "$file"
    if ! ffmpeg -v error -nostdin -y -i "$file" -f s32le -c:a pcm_s32le "$out/$name.s32" 2>/dev/null || [[ ! -s "$out/$name.s32" ]]; then
        [[ $bits == 32 ]] || { echo "error: ffmpeg cannot decode $name.flac" >&2; exit 1; }
        python3 "$helper" s32 "$work/$name.dec.wav" "$out/$name.s32"
        tool=flac
    elif ! python3 "$helper" compare "$out/$name.s32" "$work/$name.dec.wav"; then
        echo "error: ffmpeg and flac -d disagree on $name.flac" >&2; exit 1
    fi
    printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$bits" "$channels" "$rate" "$tool" >> "$out/index.tsv"
}

# enc NAME WAV FLAC-OPTIONS...: encodes with flac (small metadata) and writes the reference.
enc() {
    local name=$1 wav=$2; shift 2
    flac -s -f --no-padding --no-seektable "$@" -o "$out/$name.flac" "$wav" 2> >(grep -v "unknown chunk 'fact'" >&2)
    reference "$name"
}

# ffenc NAME WAV FFMPEG-OPTIONS...: encodes with ffmpeg's flac encoder.
ffenc() {
    local name=$1 wav=$2; shift 2
    ffmpeg -v error -nostdin -y -i "$wav" -c:a flac "$@" "$out/$name.flac"
    metaflac --remove --block-type=PADDING --dont-use-padding "$out/$name.flac"    # ffmpeg pads 8 KiB
    reference "$name"
}

# variable NAME WAV BLOCKSIZE...: a variable-block-size stream, one piece per block size.
variable() {
    local name=$1 wav=$2; shift 2
    local total start=0 pieces=() i=0 count=$#
    total=$(soxi -s "$wav")
    for size in "$@"; do
        local length=$(((total - start) / (count - i))) piece="$work/$name-$i"
        if [[ $i == $((count - 1)) ]]; then length=$((total - start)); fi
        sox -R -D "$wav" "$piece.wav" trim "${start}s" "${length}s"
        flac -s -f --no-padding --no-seektable --lax -b "$size" -o "$piece.flac" "$piece.wav"
        pieces+=("$piece.flac")
        start=$((start + length)); i=$((i + 1))
    done
    python3 "$helper" splice "$out/$name.flac" "$wav" "${pieces[@]}"
    reference "$name"
}

xwav() { python3 "$helper" wav "$work/$1.wav" "$2" "$3" "$4" "$5" "$6"; }

speech() {
    command -v espeak-ng >/dev/null || { echo "note: espeak-ng is missing; no speech vectors" >&2; return 1; }
    espeak-ng -w "$work/speech-raw.wav" "The quick brown fox jumps over the lazy dog. FLAC is a lossless codec." 2>/dev/null
}

if [[ $tiny == 1 ]]; then
    # Small enough to commit: about 0.05-0.3 s each.
    source mono16k 16000 16 1 0.25
    enc mono16k-l8 "$work/mono16k.wav" -8 --padding=64 --tag=TITLE=vector
    source stereo44k 44100 16 2 0.05
    enc stereo44k-l5-ms "$work/stereo44k.wav" -5 -b 1152
    source mono8k8 8000 8 1 0.2
    enc mono8k-8bit-l0 "$work/mono8k8.wav" -0
    source surround48k 48000 16 6 0.01
    enc surround48k-l5 "$work/surround48k.wav" -5 -b 256
    source stereo96k24 96000 24 2 0.012
    ffenc stereo96k-24bit-ffmpeg-leftside "$work/stereo96k24.wav" -ch_mode left_side -lpc_type cholesky -compression_level 8
    ffenc stereo96k-24bit-ffmpeg-order32 "$work/stereo96k24.wav" -strict -2 -min_prediction_order 32 -max_prediction_order 32 -lpc_type levinson -frame_size 1000
    xwav x12 16000 1 16 12 0.1; enc mono16k-12bit-l5 "$work/x12.wav" -5
    xwav x4 8000 1 8 4 0.1; enc mono8k-4bit-lax "$work/x4.wav" --lax -5
    xwav x32 16000 2 32 32 0.03; enc stereo16k-32bit-l8 "$work/x32.wav" -8
    source var16k 16000 16 1 0.25
    variable mono16k-variable "$work/var16k.wav" 1152 192 4608 1000 576
    if speech; then
        sox -R -D "$work/speech-raw.wav" -r 16000 "$work/speech16k.wav" trim 0 0.4
        enc speech16k-l8 "$work/speech16k.wav" -8
    fi
    exit 0
fi

# The full set.
for rate in 8000 16000 44100 48000 96000; do
    for bits in 8 16 24; do
        for channels in 1 2 6; do
            base="r${rate}-b${bits}-c${channels}"
            source "$base" "$rate" "$bits" "$channels" 0.5
            for level in 0 5 8; do enc "$base-l$level" "$work/$base.wav" "-$level"; done
        done
    done
done
source bs44k 44100 16 2 1.0
for size in 192 256 512 576 1000 1024 1152 2048 2304 4096 4608 4097 8192 16384 32768 65535 16 17 100; do
    enc "bs$size" "$work/bs44k.wav" --lax -5 -b "$size"
done
enc lax-order32 "$work/bs44k.wav" --lax -l 32 -q 15 -b 4096
enc lax-partitions "$work/bs44k.wav" --lax -8 -r 0,15 -b 16384
enc exhaustive "$work/bs44k.wav" -8 -e -p
enc mid-side "$work/bs44k.wav" -5 -m
enc no-fixed "$work/bs44k.wav" --disable-fixed-subframes -8
enc padding-seektable "$work/bs44k.wav" -5 --padding=4096 -S 10x --tag=ARTIST=someone
for mode in indep left_side right_side mid_side; do ffenc "ff-$mode" "$work/bs44k.wav" -ch_mode "$mode"; done
for lpc in none fixed levinson cholesky; do ffenc "ff-lpc-$lpc" "$work/bs44k.wav" -lpc_type "$lpc" -compression_level 12; done
ffenc ff-order32 "$work/bs44k.wav" -strict -2 -min_prediction_order 32 -max_prediction_order 32 -lpc_passes 3 -lpc_type cholesky
ffenc ff-partitions "$work/bs44k.wav" -min_partition_order 0 -max_partition_order 8 -exact_rice_parameters 1 -multi_dim_quant 1
ffenc ff-precision "$work/bs44k.wav" -lpc_coeff_precision 4 -frame_size 3000
source hi96k 96000 24 2 0.5
ffenc ff-24bit "$work/hi96k.wav" -compression_level 12 -exact_rice_parameters 1
for spec in "8 4 8000 1" "16 12 16000 2" "24 20 48000 2" "32 28 44100 1" "32 32 48000 2" "32 32 8000 1" "16 16 16000 1"; do
    set -- $spec
    xwav "x$2-$4" "$3" "$4" "$1" "$2" 0.5
    for level in 0 5 8; do enc "depth$2-c$4-l$level" "$work/x$2-$4.wav" --lax "-$level"; done
done
source var 16000 16 1 2.0
variable variable-1 "$work/var.wav" 1152 192 4608 1000 576 16384
variable variable-2 "$work/var.wav" 4096 256 4097
if speech; then
    for rate in 8000 16000 22050 44100 48000; do
        sox -R -D "$work/speech-raw.wav" -r "$rate" "$work/speech$rate.wav"
        enc "speech$rate-l5" "$work/speech$rate.wav" -5
        enc "speech$rate-l8" "$work/speech$rate.wav" -8
        sox -R -D "$work/speech$rate.wav" -c 2 "$work/speech$rate-st.wav" remix 1 1v-0.5
        enc "speech$rate-stereo-l8" "$work/speech$rate-st.wav" -8 -M
    done
fi
echo "$(wc -l < "$out/index.tsv") vectors in $out"
