"""Mouth cues speed: 10 s of speech → Rhubarb-format cues, after start-up and end to end.

Run on demand (not a test):  .venv/bin/python benchmarks/bench_cues.py [--seconds 10]
Target (issue 14): cues for 10 s of speech in ≤ 1 s after start-up (Rhubarb 1.14 with
its pocketSphinx recognizer needed about 21 s per 10 s of speech on this machine).

With a transcript (`cues --transcript`, espeak-ng speech of a known text, when espeak-ng
and sox are installed) it also counts the forced alignments run: S2L and the cues share
one (SpeechToLandmarks.animate_speech_heard returns the phones it heard), and shows what one alignment costs.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SAMPLE = REPO / "resources" / "sample" / "speech.wav"


def looped_speech(seconds: float) -> Path:
    """The sample line repeated to ``seconds`` (a temp wav)."""
    samples, rate = soundfile.read(SAMPLE, dtype="float32")
    reps = int(np.ceil(seconds * rate / len(samples)))
    path = Path(tempfile.mkdtemp()) / f"speech_{seconds:g}s.wav"
    soundfile.write(path, np.tile(samples, reps)[: int(seconds * rate)], rate)
    return path


SCRIPT = ("Bob took the blue map from the wide shelf, and we waited by the river until the rain "
          "stopped. Then five of us walked home along the old road, talking about the summer.")


def spoken_transcript(seconds: float) -> tuple[Path, str] | None:
    """espeak-ng reading SCRIPT (repeated to about ``seconds``), 16 kHz mono, and its text."""
    if shutil.which("espeak-ng") is None or shutil.which("sox") is None:
        return None
    folder = Path(tempfile.mkdtemp())
    text = SCRIPT
    for _ in range(8):
        raw, out = folder / "raw.wav", folder / "spoken.wav"
        subprocess.run(["espeak-ng", "-s", "150", "-w", str(raw), text], check=True, capture_output=True)
        subprocess.run(["sox", str(raw), "-r", "16000", "-c", "1", str(out)], check=True, capture_output=True)
        if soundfile.info(out).duration >= seconds * 0.9:
            return out, text
        text = f"{text} {SCRIPT}"
    return out, text


def transcript_rows(seconds: float, model, repeats: int) -> list[str]:  # noqa: ANN001 - SpeechToLandmarks
    """Table rows for cues with a transcript: time, alignments run, one alignment's cost."""
    spoken = spoken_transcript(seconds)
    if spoken is None:
        return ["| with --transcript | skipped: espeak-ng and sox are needed |"]
    from core.audio import phone_recognizer
    from core.audio.audio_io import load_audio
    from core.audio.loudness import normalized_loudness
    from core.export.mouth_cues import cues_for_audio

    line, text = spoken
    real, runs = phone_recognizer._align_words, []

    def counted(audio, words):  # noqa: ANN001, ANN202
        runs.append(len(words))
        return real(audio, words)

    phone_recognizer._align_words = counted
    try:
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            cues_for_audio(line, text, model=model)
            times.append(time.perf_counter() - start)
        alignments = len(runs) / repeats
        start = time.perf_counter()
        phone_recognizer.align_phones(normalized_loudness(load_audio(line)), text)
        one = time.perf_counter() - start
    finally:
        phone_recognizer._align_words = real
    duration = soundfile.info(line).duration
    return [f"| with --transcript ({duration:.1f} s of espeak-ng speech, best of {repeats}) | {min(times):.3f} |",
            f"| forced alignments per `cues --transcript` (2 before the fix) | {alignments:g} |",
            f"| one forced alignment alone (what the fix saves per line) | {one:.3f} |"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    import torch

    torch.set_num_threads(1)
    from core.export.cue_formats import CueDocument, format_cues
    from core.export.mouth_cues import cues_for_audio, shape_set
    from core.motion.s2l_inference import SpeechToLandmarks

    line = looped_speech(args.seconds)
    start = time.perf_counter()
    model = SpeechToLandmarks.load()
    load = time.perf_counter() - start
    times = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        cues, duration = cues_for_audio(line, model=model)
        format_cues(CueDocument(cues, line, duration, shape_set()), "json")
        times.append(time.perf_counter() - start)
    start = time.perf_counter()
    subprocess.run([str(REPO / ".venv" / "bin" / "space-studio"), "cues", "--audio", str(line)],
                   check=True, capture_output=True)
    command = time.perf_counter() - start
    print(f"| {args.seconds:g} s of speech | seconds |")
    print("|---|---|")
    print(f"| model load (once per process) | {load:.3f} |")
    print(f"| cues after start-up (best of {args.repeats}) | {min(times):.3f} |")
    print(f"| cues after start-up (first run, warm-up included) | {times[0]:.3f} |")
    print(f"| whole `space-studio cues` command (start-up included) | {command:.2f} |")
    print("\n".join(transcript_rows(args.seconds, model, args.repeats)))
    print(f"\n{len(cues)} cues; target ≤ 1 s after start-up: {'met' if min(times) <= 1.0 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
