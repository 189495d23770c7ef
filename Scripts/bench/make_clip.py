#!/usr/bin/env python3
"""Writes a benchmark clip: Samples/speech.wav (16 kHz mono, 5.52 s of espeak-ng speech) repeated to
the length asked, as 16-bit PCM WAV. Standard library only; the same bytes every time.

    Scripts/bench/make_clip.py OUT.wav [--seconds 10]

Used for the cold-start and memory figures of BENCHMARKS.md (Scripts/bench/cold_start_tf.py,
Scripts/verify-runtime-root): speech, the product's usual input, rather than a synthetic signal.
"""

import argparse
import os
import wave

SPEECH = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                      "Samples", "speech.wav")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output")
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    with wave.open(SPEECH, "rb") as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, 16000)
        speech = w.readframes(w.getnframes())
    size = int(round(args.seconds * 16000)) * 2
    data = (speech * (size // len(speech) + 1))[:size]
    with wave.open(args.output, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(data)
    print(f"{args.output}: {args.seconds:g} s of Samples/speech.wav, repeated")


if __name__ == "__main__":
    main()
