#!/usr/bin/env bash
# Inputs for the decode benchmarks: the same 10 minutes of 44.1 kHz stereo (espeak-ng speech over
# pink noise, so every codec has real work) as 16-bit WAV, FLAC (-5, with and without the MD5
# signature), MP3 CBR 128, 192 and 320 kbit/s and MP3 VBR -V2 (lame). Needs sox, flac, lame,
# espeak-ng.
#   Scripts/bench/make_decode_inputs.sh DIR && Scripts/bench/bench_decode.py DIR/*
set -euo pipefail
out=${1:?usage: $0 DIR}
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
espeak-ng -w "$work/speech.wav" "The quick brown fox jumps over the lazy dog while the band plays on into the night."
sox "$work/speech.wav" -r 44100 -c 2 "$work/speech44.wav" repeat 150 trim 0 600
sox -n -r 44100 -c 2 "$work/bed.wav" synth 600 pinknoise vol 0.1
sox -m "$work/speech44.wav" "$work/bed.wav" -b 16 "$out/10min.wav"
flac -s -f -5 -o "$out/10min.flac" "$out/10min.wav"
flac -s -f -5 --no-md5-sum -o "$out/10min-nomd5.flac" "$out/10min.wav"   # our decoder then skips the MD5 check
for rate in 128 192 320; do lame --quiet -b "$rate" "$out/10min.wav" "$out/10min-cbr$rate.mp3"; done
lame --quiet -V 2 "$out/10min.wav" "$out/10min-vbr-v2.mp3"
ls -l "$out"
