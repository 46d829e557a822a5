"""Engine speed on a 10 s line: model inference, render fps, export time, ratio to audio length.

Run on demand (not a test):  .venv/bin/python benchmarks/bench_pipeline.py [--seconds 10]
Targets (issue 2): inference ≥ 200× real time; whole 512² export ≤ 0.5× audio duration.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from core.audio.audio_io import Audio, load_audio  # noqa: E402
from core.audio.features import mfcc_per_frame  # noqa: E402
from core.export.animation_export import export_animation  # noqa: E402
from core.motion.s2l_inference import SpeechToLandmarks  # noqa: E402
from core.pipeline import GenerationOptions, animate, rendered_frames  # noqa: E402
from core.portrait_setup import prepare_portrait  # noqa: E402

SAMPLE = REPO / "resources" / "sample"


def looped_speech(seconds: float) -> Path:
    """The sample line repeated to ``seconds``, written to a temp wav."""
    import soundfile

    audio = load_audio(SAMPLE / "speech.wav")
    reps = int(np.ceil(seconds * audio.sample_rate / len(audio.samples)))
    samples = np.tile(audio.samples, reps)[: int(seconds * audio.sample_rate)]
    path = Path(tempfile.mkdtemp()) / "speech_10s.wav"
    soundfile.write(path, samples, audio.sample_rate)
    return path


def best_of(fn, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    audio_path = looped_speech(args.seconds)
    audio: Audio = load_audio(audio_path)
    setup = prepare_portrait(SAMPLE / "portrait.png", SAMPLE / "portrait_landmarks.json")
    model = SpeechToLandmarks.load()
    mfcc = mfcc_per_frame(audio, 30.0)
    model.predict(mfcc, setup.rest.points68, None)  # warm-up

    rows: list[tuple[str, float, str]] = []
    t_feat = best_of(lambda: mfcc_per_frame(audio, 30.0))
    rows.append(("audio features (MFCC)", t_feat, f"{args.seconds / t_feat:.0f}× real time"))
    t_inf = best_of(lambda: model.predict(mfcc, setup.rest.points68, None))
    rows.append(("S2L inference", t_inf, f"{args.seconds / t_inf:.0f}× real time (target ≥ 200×)"))
    t_speech = best_of(lambda: model.animate_speech(audio, 30.0, setup.rest.points68))
    rows.append(("speech → motion (+ loudness, VAD, closure, rest, smoothing)", t_speech,
                 f"{args.seconds / t_speech:.0f}× real time"))
    animation = animate(setup, audio_path, GenerationOptions())
    frames = len(animation.motion)
    for size in (512, 1024):
        start = time.perf_counter()
        for _ in rendered_frames(setup, animation.motion, (size, size)):
            pass
        elapsed = time.perf_counter() - start
        rows.append((f"render {size}² (incl. readback)", elapsed, f"{frames / elapsed:.0f} fps"))
    out = Path(tempfile.mkdtemp()) / "bench.mp4"
    start = time.perf_counter()
    animation = animate(setup, audio_path, GenerationOptions())
    export_animation(animation, out, "mp4", 512, None)
    t_export = time.perf_counter() - start
    rows.append(("whole 512² export (generate+render+encode)", t_export,
                 f"{t_export / args.seconds:.2f}× audio duration (target ≤ 0.5×)"))

    print(f"\n{args.seconds:g} s of speech, {frames} frames at 30 fps, sample portrait 512²\n")
    print(f"| {'step':<44} | {'seconds':>8} | result |")
    print(f"|{'-' * 46}|{'-' * 10}|{'-' * 8}")
    for name, seconds, result in rows:
        print(f"| {name:<44} | {seconds:8.3f} | {result} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
