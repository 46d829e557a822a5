"""Distil pocketsphinx's phone recognizer into PhoneNet: ``python -m core.training.train_phone_net``.

Teacher labels come from ``core.training.phone_labels`` (pocketsphinx allphone
decoding, cached); the student hears the same audio through MFCCs at 30 fps,
clean and augmented (noise, two EQ curves, loudness), so it learns to be more
robust to rooms and microphones than the labels it copies. Only speech/ is used:
no talking-video audio, so the S2L evaluation's held-out people stay unheard.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from core.export.atomic_output import write_text_atomic
from core.audio.audio_io import Audio, load_audio
from core.audio.features import FeatureStats, mfcc_per_frame
from core.audio.phone_net import N_PHONES, PHONES, PhoneNet, PhoneNetConfig
from core.training.phone_labels import LABEL_FPS, audio_files, cached_phone_frames
from core.training.model_record import save_checkpoint, write_metrics

FPS = 30.0


@dataclass(frozen=True)
class PhoneTrainConfig:
    """Everything a PhoneNet training run depends on."""

    data: Path = Path("../shared/data")
    out: Path = Path("weights/phones")
    model: PhoneNetConfig = field(default_factory=PhoneNetConfig)
    steps: int = 600  # held-out agreement peaks early (0.50 at 250–500 steps, 0.49 at 1500)
    window: int = 96
    batch: int = 32
    lr: float = 2e-3
    val_every: int = 7  # every 7th file (sorted) is held out to measure agreement with the teacher
    pitch_shift: bool = False  # add one pitch-shifted copy (±1–3 semitones) of every file
    seed: int = 0


@dataclass
class Utterance:
    name: str
    variants: list[np.ndarray]  # T×40 MFCCs: clean first, then augmented
    labels: np.ndarray  # T phone indices at FPS


def frame_labels(labels_100: np.ndarray, n_frames: int) -> np.ndarray:
    """The teacher's phone at the centre of each 30 fps frame."""
    idx = np.round((np.arange(n_frames) + 0.5) / FPS * LABEL_FPS).astype(int)
    return labels_100[np.minimum(idx, len(labels_100) - 1)]


def augmented_mfccs(audio: Audio, rng: np.random.Generator, pitch_shift: bool = False) -> list[np.ndarray]:
    """MFCCs of the clean audio, then with 10–25 dB white noise, bright EQ, dull EQ (and a
    ±1–3 semitone pitch shift): the rooms and microphones a user records in."""
    from scipy.signal import lfilter

    y = audio.samples
    noise = rng.normal(0, 1, y.shape) * np.sqrt(np.mean(y**2) + 1e-12) * 10 ** (-rng.uniform(10, 25) / 20)
    versions = [y, y + noise, lfilter([1.0, -0.9], [1.0], y), lfilter([0.3], [1.0, -0.7], y)]
    if pitch_shift:
        import librosa

        steps = rng.choice([-1, 1]) * rng.uniform(1, 3)
        versions.append(librosa.effects.pitch_shift(y, sr=audio.sample_rate, n_steps=steps))
    return [mfcc_per_frame(Audio(np.asarray(v, np.float32), audio.sample_rate), FPS) for v in versions]


def load_utterances(data: Path, rng: np.random.Generator, pitch_shift: bool = False) -> list[Utterance]:
    """Every speech/ file with its teacher labels and augmented MFCCs."""
    out = []
    for path in audio_files([data / "speech"]):
        try:
            audio = load_audio(path)
            labels = cached_phone_frames(path)
        except Exception as err:  # an unreadable file is reported, not fatal
            print(f"skip {path}: {err}", flush=True)
            continue
        variants = augmented_mfccs(audio, rng, pitch_shift)
        out.append(Utterance(str(path.relative_to(data)), variants, frame_labels(labels, len(variants[0]))))
    return out


def sample_batch(utts: list[Utterance], cfg: PhoneTrainConfig, stats: FeatureStats, rng):
    """B windows of (standardized MFCC, labels), longer files drawn more often."""
    weights = np.array([len(u.labels) for u in utts], float)
    xs, ys = [], []
    for i in rng.choice(len(utts), cfg.batch, p=weights / weights.sum()):
        u = utts[i]
        t = min(cfg.window, len(u.labels))
        s = rng.integers(0, len(u.labels) - t + 1)
        x = stats.apply(u.variants[rng.integers(len(u.variants))][s:s + t])
        x[:, 0] += rng.normal(0, 0.3)  # loudness jitter
        pad = cfg.window - t
        xs.append(np.pad(x, ((0, pad), (0, 0)), mode="edge"))
        ys.append(np.pad(u.labels[s:s + t], (0, pad), constant_values=-100))
    return torch.from_numpy(np.stack(xs).astype(np.float32)), torch.from_numpy(np.stack(ys))


def agreement(model: PhoneNet, utts: list[Utterance], stats: FeatureStats) -> dict:
    """Frame accuracy against the teacher on clean audio, and speech/silence accuracy."""
    model.eval()
    hits = speech_hits = total = 0
    with torch.inference_mode():
        for u in utts:
            pred = model(torch.from_numpy(stats.apply(u.variants[0]))[None])[0].argmax(-1).numpy()
            hits += int((pred == u.labels).sum())
            speech_hits += int(((pred > 0) == (u.labels > 0)).sum())
            total += len(u.labels)
    return {"frame_accuracy": hits / max(total, 1), "speech_silence_accuracy": speech_hits / max(total, 1),
            "frames": total, "chance": float(max(np.bincount(np.concatenate([u.labels for u in utts]),
                                                             minlength=N_PHONES)) / max(total, 1))}


def train(cfg: PhoneTrainConfig) -> dict:
    """Train, measure agreement on held-out files, save weights + card."""
    torch.manual_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)
    utts = load_utterances(cfg.data, rng, cfg.pitch_shift)
    val = utts[:: cfg.val_every]
    train_utts = [u for i, u in enumerate(utts) if i % cfg.val_every]
    stats = FeatureStats.fit(np.concatenate([v for u in train_utts for v in u.variants]))
    model = PhoneNet(cfg.model)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=1e-3)
    start = time.monotonic()
    for step in range(cfg.steps):
        for g in opt.param_groups:
            g["lr"] = cfg.lr * 0.5 * (1 + np.cos(np.pi * step / cfg.steps))
        model.train()
        x, y = sample_batch(train_utts, cfg, stats, rng)
        loss = torch.nn.functional.cross_entropy(model(x).reshape(-1, N_PHONES), y.reshape(-1),
                                                 ignore_index=-100, label_smoothing=0.1)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if (step + 1) % 250 == 0:
            print(f"step {step + 1} loss {float(loss.detach()):.3f} val {agreement(model, val, stats)}", flush=True)
    metrics = {"held_out": agreement(model, val, stats), "train": agreement(model, train_utts, stats),
               "train_minutes": sum(len(u.labels) for u in train_utts) / FPS / 60,
               "seconds": time.monotonic() - start, "val_files": [u.name for u in val]}
    save(model, stats, cfg, metrics)
    return metrics


def save(model: PhoneNet, stats: FeatureStats, cfg: PhoneTrainConfig, metrics: dict) -> None:
    digest = save_checkpoint(cfg.out / "phone_net.pt", model, cfg.model.to_dict(), stats, FPS, phones=list(PHONES))
    write_metrics(cfg.out, metrics, cfg)
    held, tr = metrics["held_out"], metrics["train"]
    write_text_atomic(cfg.out / "MODEL_CARD.md", "\n".join([
        "# PhoneNet (phone posteriors for S2L)", "",
        f"phone_net.pt sha256: {digest}", "",
        "Command: `python -m core.training.phone_labels ../shared/data/speech && "
        f"python -m core.training.train_phone_net --data ../shared/data --steps {cfg.steps}"
        f"{f' --dropout {cfg.model.dropout}' if cfg.model.dropout else ''}{' --pitch-shift' if cfg.pitch_shift else ''}"
        "` (CPU).", "",
        f"Model config: `{cfg.model.to_dict()}`; {sum(p.numel() for p in model.parameters())} parameters.", "",
        "Teacher: pocketsphinx 5.1.1 en-us acoustic model with its phone language model (allphone "
        "decoding, no dictionary), frame labels at the centre of each 30 fps frame.",
        f"Student data: ../shared/data/speech ({metrics['train_minutes']:.1f} min in training, 12+ "
        "languages and some singing); every 7th file held out. No talking-video audio.", "",
        "Augmentation: 10–25 dB white noise, bright and dull EQ, ±0.3 loudness jitter on c0"
        f"{', a ±1–3 semitone pitch-shifted copy of every file' if cfg.pitch_shift else ''}; "
        f"dropout {cfg.model.dropout}.", "",
        "| set | frame agreement with teacher | speech/silence agreement | majority-class rate |",
        "|---|---|---|---|",
        f"| held-out files | {held['frame_accuracy']:.3f} | {held['speech_silence_accuracy']:.3f} | {held['chance']:.3f} |",
        f"| training files | {tr['frame_accuracy']:.3f} | {tr['speech_silence_accuracy']:.3f} | {tr['chance']:.3f} |",
        "",
        "The teacher itself is a noisy phone recognizer (no words): agreement measures how much of it",
        "the student copied, not phone accuracy against a human transcript.", "",
        "Licence of the teacher model: pocketsphinx (BSD-2-Clause, CMU Sphinx en-us model).", "",
    ]))


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--out", type=Path, default=Path("weights/phones"))
    parser.add_argument("--steps", type=int, default=PhoneTrainConfig.steps)
    parser.add_argument("--dropout", type=float, default=0.0)
    parser.add_argument("--pitch-shift", action="store_true", help="add a pitch-shifted copy of every file")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    metrics = train(PhoneTrainConfig(data=args.data, out=args.out, steps=args.steps, pitch_shift=args.pitch_shift,
                                     model=PhoneNetConfig(dropout=args.dropout)))
    print(json.dumps({k: metrics[k] for k in ("held_out", "train")}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
