#!/usr/bin/env bash
# Generates WAV test vectors for Scripts/audio-vectors/check-decoders.
#
#   Scripts/audio-vectors/make_wav_vectors.sh OUTDIR        # 116 files, ~4 s
#
# Writes OUTDIR/NAME.wav and OUTDIR/index.tsv (NAME, sample type: int or float). Integer samples
# (PCM, and A-law/µ-law, which expand to 16-bit integers) decode to value × 2^-(bits-1); float
# samples are passed through. There are no references here: the checker decodes each file with
# ffmpeg itself.
#
# - Every rate (8, 11.025, 22.05, 32, 44.1, 48, 96, 192 kHz) × every encoding (u8, s16, s24,
#   s32, f32, f64, A-law, µ-law), written by sox; channel counts 1, 2, 6, 8 rotate through the
#   grid so that each rate and each encoding meets every count. sox writes
#   WAVE_FORMAT_EXTENSIBLE for PCM over 16 bits or 2 channels, plain headers with a `fact` chunk
#   for float and G.711.
# - The same encodings written by ffmpeg: plain RIFF (with a LIST chunk; extensible over 16
#   bits, 2 channels or 48 kHz, also for float and G.711), RF64 (`-rf64 always`: ds64, sizes
#   0xFFFFFFFF), BW64 (RF64 with the BS.2088 magic), and streamed to a pipe (RIFF and data sizes
#   left at 0xFFFFFFFF).
# - Layouts the tools do not write, by the helper below: odd-sized unknown chunks before `fmt `,
#   between `fmt ` and `data` and after an odd-sized `data` chunk (each with its pad byte); a
#   data size of 0 (a streaming header); `data` before `fmt `; 20 valid bits in a 24-bit
#   container (decoded as the container). Not 24 in 32: ffmpeg 5.1 reads that as pcm_f24le.
#   A file cut inside its last frame.
# - Full scale (clipped squares: −2^(bits-1) and 2^(bits-1) − 1), every code of u8, s16, A-law
#   and µ-law, s32 rounding ties and limits, and espeak-ng speech.
#
# Needs: sox, ffmpeg, espeak-ng, python3 (apt-get install -y sox ffmpeg espeak-ng).
set -euo pipefail

out=${1:?usage: $0 OUTDIR}
for tool in sox soxi ffmpeg espeak-ng python3; do
    command -v "$tool" >/dev/null || { echo "error: $tool is needed (apt-get install -y sox ffmpeg espeak-ng)" >&2; exit 1; }
done
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
: > "$out/index.tsv"

helper="$work/helper.py"
cat > "$helper" <<'PY'
import struct, sys

def chunks(data):
    """The (id, body) chunks of a RIFF/WAVE file with honest sizes."""
    pos, result = 12, []
    while pos + 8 <= len(data):
        size = struct.unpack_from('<I', data, pos + 4)[0]
        result.append((data[pos:pos + 4], data[pos + 8:pos + 8 + size]))
        pos += 8 + size + (size & 1)
    return result

def chunk(cid, body, size=None):
    return cid + struct.pack('<I', len(body) if size is None else size) + body + b'\0' * (len(body) & 1)

def riff(parts, size=None):
    body = b'WAVE' + b''.join(parts)
    return b'RIFF' + struct.pack('<I', len(body) if size is None else size) + body

def odd(src, dst):
    """Odd-sized unknown chunks before fmt, after fmt and after data."""
    parts = [chunk(b'odd1', b'abc')]
    for cid, body in chunks(open(src, 'rb').read()):
        parts.append(chunk(cid, body))
        if cid == b'fmt ':
            parts.append(chunk(b'odd2', b'x'))
    parts.append(chunk(b'odd3', b'12345'))
    open(dst, 'wb').write(riff(parts))

def unsized(src, dst):
    """RIFF and data sizes 0, as a writer that streams and never seeks back leaves them."""
    cs = chunks(open(src, 'rb').read())
    assert cs[-1][0] == b'data'
    parts = [chunk(cid, body, 0 if cid == b'data' else None) for cid, body in cs]
    open(dst, 'wb').write(riff(parts, 0))

def datafirst(src, dst):
    """The data chunk before fmt (allowed: RIFF fixes no order)."""
    cs = chunks(open(src, 'rb').read())
    open(dst, 'wb').write(riff([chunk(cid, body) for cid, body in sorted(cs, key=lambda c: c[0] != b'data')]))

def valid(src, dst, bits):
    """Fewer valid bits than the container holds (WAVE_FORMAT_EXTENSIBLE's wValidBitsPerSample)."""
    data = bytearray(open(src, 'rb').read())
    at = data.index(b'fmt ') + 8
    assert struct.unpack_from('<H', data, at)[0] == 0xFFFE
    struct.pack_into('<H', data, at + 18, int(bits))
    open(dst, 'wb').write(data)

if __name__ == '__main__':
    src, dst, how, *args = sys.argv[1:]
    {'odd': odd, 'unsized': unsized, 'datafirst': datafirst, 'valid': valid}[how](src, dst, *args)
PY

rates=(8000 11025 22050 32000 44100 48000 96000 192000)
counts=(1 2 6 8)
# name, sox options, ffmpeg codec, sample type
encodings=("u8|-e unsigned -b 8|pcm_u8|int" "s16|-e signed -b 16|pcm_s16le|int" "s24|-e signed -b 24|pcm_s24le|int"
           "s32|-e signed -b 32|pcm_s32le|int" "f32|-e floating-point -b 32|pcm_f32le|float"
           "f64|-e floating-point -b 64|pcm_f64le|float" "alaw|-e a-law|pcm_alaw|int" "ulaw|-e u-law|pcm_mulaw|int")

add() { printf '%s\t%s\n' "$1" "$2" >> "$out/index.tsv"; }

# synth FILE RATE CHANNELS SECONDS SOX-FORMAT...: one waveform per channel, peaks at -1 dBFS.
synth() {
    local file=$1 rate=$2 channels=$3 seconds=$4; shift 4
    local kinds=("sine 220-3520" "pinknoise" "sine 440" "square 110" "brownnoise" "triangle 330" "sine 1000" "whitenoise")
    local specs=()
    for ((c = 0; c < channels; c++)); do specs+=(${kinds[c % 8]}); done
    sox -R -D -r "$rate" -c "$channels" -n "$@" "$file" synth "$seconds" "${specs[@]}" gain -n -1
}

# The rate × encoding grid, by sox.
for i in "${!rates[@]}"; do
    for j in "${!encodings[@]}"; do
        IFS='|' read -r enc sox_format codec type <<< "${encodings[j]}"
        rate=${rates[i]} channels=${counts[(i + j) % 4]}
        synth "$out/sox-$rate-$enc-c$channels.wav" "$rate" "$channels" 0.2 $sox_format
        add "sox-$rate-$enc-c$channels" "$type"
    done
done

# The encodings by ffmpeg, from float64 sources: plain, RF64, BW64, streamed.
for channels in "${counts[@]}"; do synth "$work/src-c$channels.wav" 44100 "$channels" 0.2 -e floating-point -b 64; done
for j in "${!encodings[@]}"; do
    IFS='|' read -r enc sox_format codec type <<< "${encodings[j]}"
    plain=${counts[j % 4]} rf64=${counts[(j + 1) % 4]} piped=${counts[(j + 2) % 4]}
    ffmpeg -v error -nostdin -y -i "$work/src-c$plain.wav" -c:a "$codec" "$out/ffmpeg-$enc-c$plain.wav"
    ffmpeg -v error -nostdin -y -i "$work/src-c$rf64.wav" -c:a "$codec" -rf64 always "$out/rf64-$enc-c$rf64.wav"
    ffmpeg -v error -nostdin -y -i "$work/src-c$piped.wav" -c:a "$codec" -f wav - > "$out/piped-$enc-c$piped.wav"
    add "ffmpeg-$enc-c$plain" "$type"; add "rf64-$enc-c$rf64" "$type"; add "piped-$enc-c$piped" "$type"
done
for spec in "s16 int" "f32 float"; do
    set -- $spec
    rf64=("$out/rf64-$1-c"*.wav)
    { printf BW64; tail -c +5 "${rf64[0]}"; } > "$out/bw64-$1.wav"
    add "bw64-$1" "$2"
done
# WAVE_FORMAT_EXTENSIBLE for 8 and 16 bits, mono and stereo (ffmpeg's choice above 48 kHz).
ffmpeg -v error -nostdin -y -i "$work/src-c2.wav" -ar 96000 -c:a pcm_s16le "$out/extensible-s16-96k-c2.wav"
ffmpeg -v error -nostdin -y -i "$work/src-c1.wav" -ar 192000 -c:a pcm_u8 "$out/extensible-u8-192k-c1.wav"
add extensible-s16-96k-c2 int; add extensible-u8-192k-c1 int

# layout NAME TYPE HOW CHANNELS SOX-FORMAT...: a 16 kHz synthesis (1001 frames: an odd u8 mono data
# chunk), rewritten by the helper (HOW: odd, unsized, datafirst, "valid BITS") or cut 1 byte into
# its last frame (cut).
layout() {
    local name=$1 type=$2 how=$3 channels=$4; shift 4
    synth "$work/$name.wav" 16000 "$channels" 1001s "$@"
    case $how in
        cut) head -c -"$(($(soxi -b "$work/$name.wav") / 8 * channels - 1))" "$work/$name.wav" > "$out/$name.wav" ;;
        *) python3 "$helper" "$work/$name.wav" "$out/$name.wav" $how ;;
    esac
    add "$name" "$type"
}
layout odd-chunks-u8-c1 int odd 1 -e unsigned -b 8
layout odd-chunks-s24-c1 int odd 1 -e signed -b 24
layout odd-chunks-f32-c6 float odd 6 -e floating-point -b 32
layout size0-s16-c8 int unsized 8 -e signed -b 16
layout size0-s32-c1 int unsized 1 -e signed -b 32
layout cut-s16-c1 int cut 1 -e signed -b 16
layout cut-s24-c2 int cut 2 -e signed -b 24
layout data-first-s16-c2 int datafirst 2 -e signed -b 16
layout valid20-s24-c2 int "valid 20" 2 -e signed -b 24

# Full scale: clipped squares reach both integer limits.
for spec in "u8|-e unsigned -b 8|1" "s16|-e signed -b 16|2" "s24|-e signed -b 24|1" "s32|-e signed -b 32|2"; do
    IFS='|' read -r enc sox_format channels <<< "$spec"
    sox -V1 -R -D -r 48000 -c "$channels" -n $sox_format "$out/fullscale-$enc-c$channels.wav" synth 0.05 square 100 vol 2
    add "fullscale-$enc-c$channels" int
done

# Every value: all 256 codes of u8, A-law and µ-law, all 65536 of s16; s32 round-to-nearest-even
# ties (low byte 0x80), the values next to both limits (the largest round up to 2^31) and noise.
# raw RATE FORMAT NAME TYPE PYTHON-EXPRESSION: the expression's bytes, wrapped by ffmpeg as they
# are (stream copy; sox would re-encode, turning µ-law's negative zero 0x7F into 0xFF).
raw() {
    python3 -c "import random, struct, sys; random.seed(1); sys.stdout.buffer.write($5)" |
        ffmpeg -v error -y -f "$2" -ar "$1" -ac 1 -i - -c:a copy "$out/$3.wav"
    add "$3" "$4"
}
raw 8000 u8 every-u8 int "bytes(range(256))"
raw 8000 alaw every-alaw int "bytes(range(256))"
raw 8000 mulaw every-ulaw int "bytes(range(256))"
raw 48000 s16le every-s16 int "struct.pack('<65536h', *range(-32768, 32768))"
raw 48000 s32le edges-s32 int "struct.pack('<3000i', *[v << 8 | 0x80 for v in range(-500, 500)],
    *range(2**31 - 500, 2**31), *range(-2**31, -2**31 + 500), *[random.getrandbits(32) - 2**31 for _ in range(1000)])"

# Speech: espeak-ng's own file (22.05 kHz s16 mono), and telephone and studio formats of it.
espeak-ng -w "$out/speech-espeak.wav" "The quick brown fox jumps over the lazy dog. WAV holds it all." 2>/dev/null
add speech-espeak int
sox -R -D "$out/speech-espeak.wav" -r 8000 -e a-law "$out/speech-8k-alaw.wav"; add speech-8k-alaw int
sox -R -D "$out/speech-espeak.wav" -r 8000 -e u-law "$out/speech-8k-ulaw.wav"; add speech-8k-ulaw int
sox -R -D "$out/speech-espeak.wav" -r 16000 "$out/speech-16k-s16.wav"; add speech-16k-s16 int
sox -R -D "$out/speech-espeak.wav" -r 44100 -b 24 -c 2 "$out/speech-44k-s24-c2.wav"; add speech-44k-s24-c2 int
sox -R -D "$out/speech-espeak.wav" -r 48000 -e floating-point -b 32 "$out/speech-48k-f32.wav"; add speech-48k-f32 float
echo "$(wc -l < "$out/index.tsv") vectors in $out"
