"""Mouth cues speed: 10 s of speech → Rhubarb-format cues, after start-up and end to end.

Run on demand (not a test):  .venv/bin/python benchmarks/bench_cues.py [--seconds 10]
Target (issue 14): cues for 10 s of speech in ≤ 1 s after start-up (Rhubarb 1.14 with
its pocketSphinx recognizer needed about 21 s per 10 s of speech on this machine).
"""

from __future__ import annotations

import argparse
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
    print(f"\n{len(cues)} cues; target ≤ 1 s after start-up: {'met' if min(times) <= 1.0 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
