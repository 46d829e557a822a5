"""Lip sync under degraded audio: cross-validation fold models scored on the dev clips played
through noise, babble, a reverberant room, clipping and a quiet microphone.

    .venv/bin/python benchmarks/robustness_crossval.py base=build/cv_a ours=build/cv_b

Each NAME=DIR names a ``space-studio train s2l-crossval --out DIR`` folder (fold0…fold3
models); every clip is scored by the fold model that never saw its person, as in the
cross-validation report. The speech mask (silence metric) stays that of the clean audio.
Prints r at lag 0 and closed-in-silence per condition and set. Needs ../shared/data.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.audio.audio_io import load_audio  # noqa: E402
from core.evaluation.clip_source import default_track_loader, load_clip  # noqa: E402
from core.evaluation.crossval import speaker_folds  # noqa: E402
from core.evaluation.evaluate import evaluate_clip, s2l_predictor  # noqa: E402
from core.motion.s2l_inference import SpeechToLandmarks  # noqa: E402
from core.training.room_reverb import reverberant  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
# Another talker (Mandarin) as babble: the mouth should not follow them.
BABBLE = DATA / "speech" / "Plachtaa__VALL-E-X" / "zh-2.wav"


def at_snr(speech: np.ndarray, noise: np.ndarray, snr_db: float) -> np.ndarray:
    """``noise`` (looped) added at ``snr_db`` below the speech's active power."""
    noise = np.resize(noise, len(speech))
    active = speech[np.abs(speech) > 1e-4]
    power = np.mean(active**2) if len(active) else 1e-6
    scale = np.sqrt(power / (np.mean(noise**2) + 1e-12)) * 10 ** (-snr_db / 20)
    return (speech + noise * scale).astype(np.float32)


def conditions(rng: np.random.Generator) -> dict:
    babble = load_audio(BABBLE).samples
    return {
        "clean": lambda x: x,
        "white noise 10 dB": lambda x: at_snr(x, rng.normal(0, 1, len(x)), 10),
        "babble 5 dB": lambda x: at_snr(x, babble, 5),
        # a distant microphone: the reverberant tail as loud as the direct sound
        "far mic, 0.6 s room": lambda x: reverberant(x, 16000, 0.6, rng, tail_level=1.0),
        "10× gain, clipped": lambda x: np.clip(x * 10, -1, 1).astype(np.float32),
        "quiet (−30 dB)": lambda x: (x * 0.03).astype(np.float32),
    }


def main() -> int:
    sets = dict(arg.split("=", 1) for arg in sys.argv[1:])
    if not sets:
        print(__doc__)
        return 2
    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    conds = conditions(rng)
    loader = default_track_loader()
    scores: dict[tuple[str, str], list[tuple[float, float]]] = {(s, c): [] for s in sets for c in conds}
    for fold in speaker_folds(4):
        models = {name: SpeechToLandmarks.load(Path(d) / f"fold{fold.index}" / "s2l_small.pt")
                  for name, d in sets.items()}
        for key in fold.test:
            clip = load_clip(DATA / "talking" / key, loader)
            for cond, degrade in conds.items():
                heard = dataclasses.replace(clip, samples=degrade(clip.samples.copy()))
                result = evaluate_clip(heard, {name: s2l_predictor(m) for name, m in models.items()})
                for method in result.methods:
                    scores[(method.method, cond)].append((method.metrics.r0, method.metrics.closed_in_silence))
        print(f"fold {fold.index} scored", flush=True)
    print("\n| condition | " + " | ".join(f"{s}: r lag 0 | {s}: closed in silence" for s in sets) + " |")
    print("|---|" + "---|---|" * len(sets))
    for cond in conds:
        cells = []
        for name in sets:
            values = np.array(scores[(name, cond)], float)
            cells += [f"{np.nanmean(values[:, 0]):.3f}", f"{np.nanmean(values[:, 1]):.2f}"]
        print(f"| {cond} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
