#!/usr/bin/env bash
# Makes MP3 test vectors with LAME and their FFmpeg float decodes (the references MP3DecoderTests
# compares against), from sources synthesized with sox and espeak-ng.
#
#   Scripts/audio-vectors/make_mp3_vectors.sh OUTDIR
#
# Needs: sox, espeak-ng, lame, ffmpeg, python3 (Debian: apt-get install -y sox espeak-ng lame ffmpeg).
# Writes OUTDIR/NAME.mp3 and OUTDIR/NAME.f32 (ffmpeg -f f32le, interleaved float32) for every
# vector; OUTDIR/src holds the sources. Vectors named tiny-* are short enough to commit
# (Tests/Vectors/mp3). Check them all with:
#
#   MP3_VECTOR_DIR=OUTDIR swift test --filter MP3
#
# LAME cannot write intensity stereo or mixed blocks. The is-* and mixed-* vectors are therefore
# derived from LAME files by rewriting header/side-information bits (mode_extension's intensity
# bit; mixed_block_flag of short-block granules): the result is a valid but unusual stream that
# both decoders must decode alike. The cut-* vectors start mid-stream, where main_data_begin
# points before the first byte (granules without data decode as silence).
set -euo pipefail
OUT=${1:?usage: $0 OUTDIR}
mkdir -p "$OUT/src"
S=$OUT/src

# ---- sources -------------------------------------------------------------------------------
# sine sweeps, rising left and falling right
sox -R -r 44100 -c 2 -n "$S/sweep.wav" synth 3 sine 20:20000 sine 20000:20 vol 0.7
# pink and white noise
sox -R -r 44100 -c 2 -n "$S/noise.wav" synth 3 pinknoise whitenoise vol 0.4
# plucked chords (a music-like signal), the right channel delayed
chord() { sox -R -r 44100 -c 1 -n "$S/$1.wav" synth 1 pluck "$2" pluck "$3" pluck "$4" remix - fade 0 1 0.3 vol 0.5; }
chord c1 C3 E3 G3; chord c2 A2 C3 E3; chord c3 F2 A2 C3; chord c4 G2 B2 D3
sox -R "$S/c1.wav" "$S/c2.wav" "$S/c3.wav" "$S/c4.wav" "$S/chords-mono.wav"
sox -R "$S/chords-mono.wav" "$S/chords.wav" remix 1 1 delay 0 0.011
# castanets-like clicks: short noise bursts over a low tone (transients force short blocks)
sox -R -r 44100 -c 2 -n "$S/burst.wav" synth 0.012 whitenoise fade 0 0.012 0.01 pad 0 0.13 repeat 17
sox -R -r 44100 -c 2 -n "$S/tone.wav" synth 2.5 sine 220 sine 330 vol 0.2
sox -R -m "$S/burst.wav" "$S/tone.wav" "$S/castanets.wav"
# speech (espeak-ng writes 22.05 kHz mono)
espeak-ng -w "$S/speech.wav" "The quick brown fox jumps over the lazy dog. Pack my box with five dozen liquor jugs."
sox -R "$S/speech.wav" -r 44100 -c 2 "$S/speech44.wav"
# everything at once
sox -R -m "$S/chords.wav" "$S/castanets.wav" "$S/speech44.wav" "$S/mix.wav" trim 0 3
# tiny sources for the committed vectors
sox -R "$S/castanets.wav" "$S/tiny-castanets.wav" trim 0 0.25
sox -R "$S/castanets.wav" "$S/tiny-clicks.wav" trim 0.1 0.15
sox -R "$S/mix.wav" "$S/tiny-mix.wav" trim 0.5 0.3
sox -R "$S/mix.wav" "$S/tiny-mix2.wav" trim 0.5 0.2
sox -R "$S/speech.wav" "$S/tiny-speech.wav" trim 0.3 0.5

# ---- encodings -----------------------------------------------------------------------------
enc() { local name=$1 src=$2; shift 2; lame --quiet "$@" "$S/$src.wav" "$OUT/$name.mp3"; }
enc cbr32-chords chords -b 32                         # LAME picks a lower sampling frequency
enc cbr32-mpeg1-32k chords -b 32 --resample 32
enc cbr128-sweep sweep -b 128
enc cbr128-noise noise -b 128
enc cbr128-chords chords -b 128
enc cbr128-castanets castanets -b 128
enc cbr320-noise noise -b 320
enc cbr320-castanets castanets -b 320
enc cbr192-48k-castanets castanets --resample 48 -b 192
enc cbr96-32k-castanets castanets --resample 32 -b 96
enc vbr-v2-48k-mix mix --resample 48 -V2
enc vbr-v0-mix mix -V0
enc vbr-v5-mix mix -V5
enc vbr-v9-mix mix -V9
enc vbr-v2-castanets castanets -V2
enc vbr-v5-speech speech -V5
enc mono-128-chords chords -m m -b 128
enc mono-64-speech speech -m m -b 64
enc stereo-simple-128 mix -m s -b 128
enc stereo-joint-128 mix -m j -b 128
enc stereo-forced-ms-128 mix -m f -b 128
enc stereo-dual-128 mix -m d -b 128
enc mpeg2-22k-64 mix --resample 22.05 -b 64
enc mpeg2-24k-48 mix --resample 24 -b 48
enc mpeg2-16k-32-mono mix --resample 16 -b 32 -m m
enc mpeg2-22k-v5 mix --resample 22.05 -V5
enc mpeg2-24k-castanets castanets --resample 24 -b 64
enc mpeg2-22k-castanets castanets --resample 22.05 -b 64
enc mpeg2-16k-castanets castanets --resample 16 -b 48
enc mpeg25-8k-16 mix --resample 8 -b 16
enc mpeg25-11k-24 mix --resample 11.025 -b 24
enc mpeg25-12k-32 mix --resample 12 -b 32
enc mpeg25-8k-mono speech --resample 8 -b 8 -m m
enc mpeg25-8k-castanets castanets --resample 8 -b 24
enc mpeg25-11k-castanets castanets --resample 11.025 -b 32
enc mpeg25-12k-castanets castanets --resample 12 -b 32
enc crc-128 mix -p -b 128
enc notag-128 mix -t -b 128
enc id3-128 mix -b 128 --add-id3v2 --tt "Test title" --ta "Test artist" --tl "Album" --ty 2024
enc tiny-castanets-128 tiny-castanets -b 128
enc tiny-clicks-src tiny-clicks -b 128
enc tiny-mix-v5-32k tiny-mix --resample 32 -V5 -m m
enc tiny-mix-22k tiny-mix2 --resample 22.05 -b 48
enc tiny-speech-8k tiny-speech --resample 8 -b 16 -m m
enc tiny-mix-is-src tiny-mix2 --resample 32 -b 64 -m j

# ---- rewritten streams: intensity stereo and mixed blocks --------------------------------
python3 - "$OUT" <<'PY'
import sys
out = sys.argv[1]
RATES = {3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000]}
BR1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]
BR2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]

def frames(d):
    i = 0
    if d[:3] == b'ID3':
        i = 10 + ((d[6] << 21) | (d[7] << 14) | (d[8] << 7) | d[9])
    while i + 4 <= len(d):
        h = d[i:i + 4]
        if h[0] != 0xFF or h[1] & 0xE0 != 0xE0:
            break
        ver = (h[1] >> 3) & 3
        lsf = ver != 3
        br = (BR2 if lsf else BR1)[h[2] >> 4] * 1000
        sr = RATES[ver][(h[2] >> 2) & 3]
        n = (72 if lsf else 144) * br // sr + ((h[2] >> 1) & 1)
        yield i, lsf, (h[3] >> 6) == 3, h[1] & 1 == 0
        i += n

def intensity(src, dst):
    d = bytearray(open(f'{out}/{src}.mp3', 'rb').read())
    for i, lsf, mono, crc in frames(d):
        if (d[i + 3] >> 6) == 1:               # joint stereo: switch intensity stereo on
            d[i + 3] |= 0x10
    open(f'{out}/{dst}.mp3', 'wb').write(d)

def mixed(src, dst):
    d = bytearray(open(f'{out}/{src}.mp3', 'rb').read())
    for i, lsf, mono, crc in frames(d):
        ch = 1 if mono else 2
        pos = (i + 4 + (2 if crc else 0)) * 8
        def bits(p, n):
            v = 0
            for k in range(n):
                v = v << 1 | (d[(p + k) >> 3] >> (7 - (p + k) % 8)) & 1
            return v
        pos += (8 + ch) if lsf else (9 + (5 if mono else 3) + 4 * ch)
        for _ in range(ch * (1 if lsf else 2)):
            pos += 12 + 9 + 8 + (9 if lsf else 4)
            if bits(pos, 1):                      # window switching
                if bits(pos + 1, 2) == 2:         # short blocks: set mixed_block_flag
                    p = pos + 3
                    d[p >> 3] |= 0x80 >> (p % 8)
                pos += 1 + 2 + 1 + 10 + 9
            else:
                pos += 1 + 15 + 4 + 3
            pos += 2 if lsf else 3
    open(f'{out}/{dst}.mp3', 'wb').write(d)

def cut(src, dst, k):
    # the stream from frame k on (frame 0 being the Info frame): its first frames point into a
    # bit reservoir that is not there
    d = open(f'{out}/{src}.mp3', 'rb').read()
    start = [i for i, *_ in frames(d)][k]
    open(f'{out}/{dst}.mp3', 'wb').write(d[start:])

intensity('cbr128-castanets', 'is-mpeg1-128')
intensity('stereo-joint-128', 'is-ms-mpeg1-128')
intensity('mpeg2-22k-64', 'is-mpeg2-22k')
intensity('mpeg25-12k-32', 'is-mpeg25-12k')
intensity('tiny-mix-is-src', 'tiny-is-mpeg1-32k')
intensity('tiny-mix-22k', 'tiny-is-mpeg2-22k')
intensity('cbr192-48k-castanets', 'is-mpeg1-48k')
mixed('cbr128-castanets', 'mixed-mpeg1-128')
mixed('cbr192-48k-castanets', 'mixed-mpeg1-48k')
mixed('cbr96-32k-castanets', 'mixed-mpeg1-32k')
mixed('mpeg2-24k-castanets', 'mixed-mpeg2-24k')
mixed('mpeg2-22k-castanets', 'mixed-mpeg2-22k')
mixed('mpeg25-12k-castanets', 'mixed-mpeg25-12k')
mixed('tiny-clicks-src', 'tiny-mixed-mpeg1-44k')
cut('cbr128-castanets', 'cut-cbr128-castanets', 6)
cut('vbr-v5-mix', 'cut-vbr-v5-mix', 9)
cut('mpeg2-22k-castanets', 'cut-mpeg2-22k-castanets', 7)
cut('tiny-speech-8k', 'tiny-cut-speech-8k', 3)
PY
rm "$OUT/tiny-mix-is-src.mp3" "$OUT/tiny-clicks-src.mp3"

# ---- references ----------------------------------------------------------------------------
for f in "$OUT"/*.mp3; do
    ffmpeg -v error -y -i "$f" -f f32le -c:a pcm_f32le "${f%.mp3}.f32"
done
ls "$OUT"/*.mp3 | wc -l | xargs echo "vectors:"
