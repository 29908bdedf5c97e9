"""Word error rate of each speech-to-text adapter on the answer suite's recordings (numbers said as
words, names and places included), and its real-time factor on them alone (transcription only; the
whole pipeline's is `bench/media.py`).

    .venv/bin/python bench/answer_suite/generate.py .bench/answer-suite
    .venv/bin/python bench/speech_wer.py .bench/answer-suite

Each recording (wav, mp3, and the speech of mp4 videos) is decoded to 16 kHz mono as the extractors
do, transcribed by faster-whisper tiny.en, faster-whisper base and whisper.cpp (tiny.en, converted
here by the project's own converter), and compared with what espeak-ng was given to say. Words are
compared lowercased without punctuation; numbers count as written: "forty-five" heard as "45" is
an error in the WER (the column "numbers" counts how many of the spoken numbers came back in either
form).
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.provenance import header
from ragloom.adapters.faster_whisper.settings import FasterWhisperSettings
from ragloom.adapters.faster_whisper.speech import open_speech as open_faster_whisper
from ragloom.adapters.pyav.audio import decode
from ragloom.adapters.whisper_cpp.settings import WhisperCppSettings
from ragloom.adapters.whisper_cpp.speech import open_speech as open_whisper_cpp
from ragloom.core.ports import SPEECH_SAMPLE_RATE
from ragloom.entrypoints import model_commands
from ragloom.evaluation.suite import load_suite
from tests.helpers.media import word_error_rate

_NUMBER_WORDS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
    "hundred",
    "thousand",
]
_NUMBER = re.compile(r"\b(?:" + "|".join(_NUMBER_WORDS) + r")(?:[- ](?:" + "|".join(_NUMBER_WORDS) + r"))*\b")


def _numbers_kept(reference: str, heard: str) -> tuple[int, int]:
    """How many of the numbers said as words were heard as the same words or as digits."""
    said = _NUMBER.findall(reference.lower())
    heard_lower = heard.lower()
    kept = 0
    for number in said:
        if number in heard_lower or _as_digits(number) in re.sub(r"[,\s]", " ", heard_lower).split():
            kept += 1
    return kept, len(said)


def _as_digits(words: str) -> str:
    units = {w: i for i, w in enumerate(_NUMBER_WORDS[:20])}
    tens = {w: 10 * (i + 2) for i, w in enumerate(_NUMBER_WORDS[20:28])}
    total = current = 0
    for word in re.split(r"[- ]", words):
        if word in units:
            current += units[word]
        elif word in tens:
            current += tens[word]
        elif word == "hundred":
            current *= 100
        elif word == "thousand":
            total, current = total + current * 1000, 0
    return str(total + current)


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("suite", type=Path, help="an answer suite folder written by generate.py")
    args = parser.parse_args()
    suite = load_suite(args.suite)
    recordings = [d for d in suite.documents if d.transcript]
    print(header({"recordings": len(recordings)}))
    clips = [(d.path, decode(args.suite / d.path, 3600), d.transcript or "") for d in recordings]
    audio_seconds = sum(len(samples) for _, samples, _ in clips) / SPEECH_SAMPLE_RATE
    with tempfile.TemporaryDirectory() as folder:
        ggml = model_commands.whisper_cpp("tiny.en", Path(folder) / "ggml-tiny.en.bin")
        transcribers = {
            "faster-whisper tiny.en, beam 1": open_faster_whisper(
                FasterWhisperSettings(model="tiny.en", beam_size=1)
            ),
            "faster-whisper tiny.en, beam 5": open_faster_whisper(
                FasterWhisperSettings(model="tiny.en", beam_size=5)
            ),
            "faster-whisper base, beam 1": open_faster_whisper(
                FasterWhisperSettings(model="base", beam_size=1)
            ),
            "faster-whisper base, beam 2": open_faster_whisper(
                FasterWhisperSettings(model="base", beam_size=2)
            ),
            "whisper.cpp tiny.en": open_whisper_cpp(WhisperCppSettings(model=str(ggml))),
        }
        print(f"\n{len(clips)} recordings, {audio_seconds:.0f} s of speech\n")
        print("| transcriber | WER | numbers heard | real-time factor (transcription alone) |")
        print("| --- | --- | --- | --- |")
        for label, opening in transcribers.items():
            async with opening as speech:
                await speech.transcribe(clips[0][1][: SPEECH_SAMPLE_RATE * 2])  # load the model first
                errors = words = kept = said = 0
                spent = 0.0
                for _, samples, reference in clips:
                    began = time.perf_counter()
                    heard = " ".join(segment.text for segment in await speech.transcribe(samples))
                    spent += time.perf_counter() - began
                    count = len(reference.split())
                    errors += word_error_rate(reference, heard) * count
                    words += count
                    k, n = _numbers_kept(reference, heard)
                    kept, said = kept + k, said + n
            print(f"| {label} | {errors / words:.3f} | {kept} of {said} | {audio_seconds / spent:.1f} |")


if __name__ == "__main__":
    asyncio.run(main())
