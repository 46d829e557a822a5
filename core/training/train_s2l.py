"""Train the small S2L on CPU: ``python -m core.training.train_s2l --data DIR --out DIR``.

Windows of (MFCC, landmarks) are sampled from the talking videos; face_0 is the
clip's closed-mouth reference face (core.motion.rest_face), the same kind of face
inference gives the model, so identity comes from it and all mouth motion from
speech. Exposure bias is fought with noisy teacher forcing, whole-window history
dropout (the fed-back frames replaced by face_0, so the audio path must carry
the timing) and parallel scheduled sampling (a second pass fed the first pass's
predictions). With ~90 s of paired data the held-out score peaks after a few
hundred steps, so training is step-limited rather than run to convergence.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import torch

from core.export.atomic_output import write_text_atomic
from core.audio.audio_io import Audio, load_audio
from core.audio.features import FeatureStats, mfcc_per_frame
from core.audio.phone_net import DEFAULT_WEIGHTS as PHONE_WEIGHTS
from core.errors import SpaceStudioError
from core.audio.features import utterance_normalized
from core.motion.rest_face import closed_mouth, reference_face
from core.weights_file import sha256_of, write_sha256_sidecar
from core.motion.speech2landmarks import (S2LConfig, Speech2Landmarks, amplitude_loss,
                                          openness_correlation_loss, s2l_loss)
from core.training import s2l_dataset as ds
from core.training.model_record import save_checkpoint, write_metrics
from core.training.room_reverb import reverberant
from core.training.tempo_copies import faster, is_tempo_copy, retimed_labels, source_frames, tempo_copy

Progress = Callable[[int, int, dict], None]


@dataclass(frozen=True)
class TrainConfig:
    """Everything a training run depends on."""

    data: Path = Path("../shared/data")
    out: Path = Path("weights/s2l")
    cache: Path | None = None  # face tracks cache; None: face_tracks' shared default
    # 8 frames (267 ms) of look-ahead beat 4 on held-out people (see the model card).
    model: S2LConfig = field(default_factory=lambda: S2LConfig(conv_layers=12, symmetric_layers=8, lookahead=8))
    minutes: float = 12.0
    max_steps: int = 400
    window: int = 64
    batch: int = 32
    lr: float = 2e-3
    input_noise: float = 0.03  # normalized units added to fed-back landmarks
    sampling_max: float = 0.5  # final probability of feeding a prediction back
    history_dropout: float = 0.5  # share of windows whose fed-back frames are all face_0
    validation_speakers: tuple[str, ...] = ds.VALIDATION_SPEAKERS  # people never trained on
    feature_norm: str = "global"  # "utterance" (per-clip CMVN) measured worse on held-out speakers: r 0.29 vs 0.51
    # PhoneNet weights whose posteriors join the MFCCs (model.phone_features must be True).
    phone_net: Path | None = None
    # Share of windows that hear pocketsphinx's own one-hot phones instead of PhoneNet's
    # posteriors, so a forced-aligned transcript (one-hot) is familiar input at inference.
    teacher_phone_rate: float = 0.25
    # APC weights (core.audio.apc) whose codes join the features (model.apc_features must match).
    apc: Path | None = None
    # A person's share of training windows ∝ (their frames) ** speaker_balance: 1 samples by
    # length (one 60 s speaker would dominate a set of 3 s clips), 0 gives every person the same.
    speaker_balance: float = 1.0  # 0.5 measured worse on held-out people (model card)
    # Average the weights of every step after this share of training (stochastic weight
    # averaging); 1.0 = keep the last step's weights.
    average_from: float = 0.5  # +0.01 r on two seeds, trainer and product alike (model card)
    # Reverberation times (s) of extra room-reverb copies of every training clip (core.training.room_reverb).
    reverb_times: tuple[float, ...] = (0.3, 0.7)  # same r0 on clean clips, +0.01 in a reverberant room, fewer open pauses
    # Weight of openness_correlation_loss beside the L1 landmark loss (0: L1 only).
    openness_weight: float = 0.0
    # Weight of amplitude_loss (each window's mouth moves as far as the real one) beside L1.
    amplitude_weight: float = 0.0
    # Gain on the mouth motion about the rest face stored with the weights (core.motion.mouth_gain);
    # fitted out of person by the cross-validation (core.training.crossval_gain), 1: none.
    mouth_gain: float = 1.0
    # Speeds of extra speed-perturbed copies of every training clip (core.training.tempo_copies):
    # cross-validated r0 +0.014 on two seeds; 0.8-1.2 was worse on both (model card).
    tempo_speeds: tuple[float, ...] = (0.9, 1.1)
    # Re-align the short clips of s2l_dataset.MEASURED_OFFSETS by the offsets the cross-validation measured.
    measured_offsets: bool = False
    # Learn only from clips cleared for commercial use (core.training.clip_licences); the people
    # of every other clip are the validation_speakers. Recorded for the model card's command.
    commercial_clips_only: bool = False
    seed: int = 0


@dataclass
class Split:
    """Training and held-out clips, each with augmented MFCC variants."""

    train: list[ds.Clip]
    val: list[ds.Clip]
    variants: dict[str, list[np.ndarray]]
    stats: FeatureStats
    references: dict[str, np.ndarray] = field(default_factory=dict)
    # Phone posteriors per clip: one per MFCC variant (training) or one (held-out).
    phones: dict[str, list[np.ndarray]] = field(default_factory=dict)
    # One-hot teacher phones of each training clip's audio (same frames as its MFCCs).
    teacher_phones: dict[str, np.ndarray] = field(default_factory=dict)
    # APC codes per clip, like the phones: one per MFCC variant (training) or one (held-out).
    apc: dict[str, list[np.ndarray]] = field(default_factory=dict)

    def features(self, name: str, mfcc: np.ndarray, variant: int = 0) -> np.ndarray:
        """Standardized MFCCs, with the clip's phone posteriors and APC codes appended when used."""
        return self.listened(name, self.stats.apply(mfcc), variant)

    def listened(self, name: str, feats: np.ndarray, variant: int = 0,
                 phones: np.ndarray | None = None, start: int = 0) -> np.ndarray:
        """Rows ``start…`` of standardized MFCCs ``feats`` with what the model also hears there:
        the clip's phone posteriors (or ``phones``, all frames of the clip) and APC codes."""
        parts = [feats]
        stop = start + len(feats)
        if self.phones:
            parts.append((self.phones[name][variant] if phones is None else phones)[start:stop])
        if self.apc:
            parts.append(self.apc[name][variant][start:stop])
        return np.concatenate(parts, axis=1)


def prepare(config: TrainConfig) -> Split:
    """Load clips, split by speaker, augment train audio, fit feature stats."""
    offsets = ds.MEASURED_OFFSETS if config.measured_offsets else None
    clips = [c for v in ds.talking_videos(config.data)
             if (c := ds.build_clip(v, config.cache, ds.speaker_of(v) not in config.validation_speakers,
                                    offsets)) is not None]
    if not clips:
        raise SpaceStudioError(f"No usable talking videos under {config.data / 'talking'}")
    val = [c for c in clips if c.speaker in config.validation_speakers]
    train = [c for c in clips if c.speaker not in config.validation_speakers]
    rng = np.random.default_rng(config.seed)
    videos = {v.stem: v for v in ds.talking_videos(config.data)}
    variants = {c.name: _augmented(c, videos[c.name], rng, config.reverb_times) for c in train}
    copies = [_tempo_copy(c, videos[c.name], speed, rng, config) for c in train for speed in config.tempo_speeds]
    variants.update({copy.name: copy_variants for copy, copy_variants, _ in copies})
    originals, train = train, train + [copy for copy, _, _ in copies]
    if config.feature_norm == "utterance":
        variants = {name: [utterance_normalized(v) for v in vs] for name, vs in variants.items()}
        val = [replace(c, mfcc=utterance_normalized(c.mfcc)) for c in val]
    stats = FeatureStats.fit(np.concatenate([v for vs in variants.values() for v in vs]))
    references = {c.name: reference_face(c.points) for c in train + val}
    phones = {}
    if config.model.phone_features:
        from core.audio.phone_net import PhonePosteriors

        net = PhonePosteriors.load(config.phone_net)
        phones = {name: [net(v) for v in vs] for name, vs in variants.items()}
        phones.update({c.name: [net(c.mfcc)] for c in val})
    teacher = {c.name: _teacher_phones(c, videos[c.name]) for c in originals} if config.model.phone_features else {}
    if teacher:
        teacher.update({copy.name: retime(teacher[source]) for copy, _, (source, retime) in copies})
    apc = {}
    if config.model.apc_features:
        from core.audio.apc import APCFeatures

        codes = APCFeatures.load(config.apc)
        if codes.dims != config.model.apc_features:
            raise SpaceStudioError(f"APC at {config.apc} gives {codes.dims} codes; the model expects "
                                   f"{config.model.apc_features}")
        apc = {name: [codes(v) for v in vs] for name, vs in variants.items()}
        apc.update({c.name: [codes(c.mfcc)] for c in val})
    return Split(train, val, variants, stats, references, phones, teacher, apc)


def _teacher_phones(clip: ds.Clip, video: Path) -> np.ndarray:
    """pocketsphinx's phones of the clip's audio as one-hot rows aligned with its MFCCs."""
    from core.audio.phone_recognizer import one_hot_frames
    from core.training.phone_labels import cached_phone_frames

    audio = load_audio(video)
    start = _clip_start(clip, audio)
    full = one_hot_frames(cached_phone_frames(video), ds.FEATURE_FPS, start + len(clip.mfcc))
    return full[start:]


def _augmented(clip: ds.Clip, video: Path, rng: np.random.Generator,
               reverb_times: Sequence[float] = ()) -> list[np.ndarray]:
    """MFCCs of the clip's audio pitch-shifted, equalised, noisy and in rooms of ``reverb_times`` (same frames)."""
    audio = load_audio(video)
    return _variants(clip, audio, _clip_start(clip, audio), rng, reverb_times)


def _variants(clip: ds.Clip, audio: Audio, start: int, rng: np.random.Generator,
              reverb_times: Sequence[float]) -> list[np.ndarray]:
    """The clip's MFCCs, then those of its audio (frames ``start…`` of ``audio``) altered."""
    import librosa
    from scipy.signal import lfilter

    y = audio.samples
    out = [clip.mfcc]
    for steps in (-2.5, 2.5):
        out.append(librosa.effects.pitch_shift(y, sr=audio.sample_rate, n_steps=steps))
    out.append(lfilter([1.0, -0.9], [1.0], y))  # pre-emphasis style EQ (bright mic)
    out.append(lfilter([0.3], [1.0, -0.7], y))  # low-pass style EQ (dull mic)
    noise = rng.normal(0, 1, y.shape) * np.sqrt(np.mean(y**2)) * 10 ** (-20 / 20)
    out.append(y + noise)  # 20 dB SNR
    for rt60 in reverb_times:
        out.append(reverberant(y, audio.sample_rate, rt60, rng))
    return [out[0]] + [
        mfcc_per_frame(Audio(np.asarray(s, np.float32), audio.sample_rate),
                       ds.FEATURE_FPS)[start:start + len(clip.mfcc)] for s in out[1:]]


def _tempo_copy(clip: ds.Clip, video: Path, speed: float, rng: np.random.Generator, config: TrainConfig):
    """(copy, its MFCC variants, (source clip name, re-timer of the source's per-frame rows))."""
    audio = load_audio(video)
    start = _clip_start(clip, audio)
    copy = tempo_copy(clip, audio, start, speed)
    fast = Audio(faster(audio.samples, speed), audio.sample_rate)
    first, _ = source_frames(start, len(clip.mfcc), speed)

    def retime(rows: np.ndarray) -> np.ndarray:
        return retimed_labels(rows, start, clip, copy, speed)

    return copy, _variants(copy, fast, first, rng, config.reverb_times), (clip.name, retime)


def _clip_start(clip: ds.Clip, audio: Audio) -> int:
    """Frame where the clip's kept run begins inside the full video."""
    full = mfcc_per_frame(audio, ds.FEATURE_FPS)
    for i in range(len(full) - len(clip.mfcc) + 1):
        if np.array_equal(full[i], clip.mfcc[0]) and np.array_equal(full[i + 1], clip.mfcc[1]):
            return i
    return 0


def sample_batch(split: Split, cfg: TrainConfig, rng: np.random.Generator):
    """Random windows: (mfcc B×T×40, face0 B×68×2, emotion B×T×8, target B×T×68×2)."""
    weights = clip_weights(split.train, cfg.speaker_balance)
    picks = rng.choice(len(split.train), cfg.batch, p=weights)
    mf, f0, em, tg = [], [], [], []
    for i in picks:
        clip = split.train[i]
        t = min(cfg.window, len(clip.mfcc))
        s = rng.integers(0, len(clip.mfcc) - t + 1)
        variant = int(rng.integers(len(split.variants[clip.name])))
        feats = split.stats.apply(split.variants[clip.name][variant][s:s + cfg.window])
        feats = feats + _cepstral_jitter(rng)  # random loudness (c0) and spectral tilt
        teacher = split.phones and rng.random() < cfg.teacher_phone_rate
        feats = split.listened(clip.name, feats, variant, split.teacher_phones[clip.name] if teacher else None, s)
        mf.append(_pad(feats, cfg.window))
        tg.append(_pad(clip.points[s:s + cfg.window], cfg.window))
        f0.append(split.references[clip.name])
        em.append(np.repeat(clip.emotion[None], cfg.window, 0))
    return tuple(torch.from_numpy(np.stack(a).astype(np.float32)) for a in (mf, f0, em, tg))


def clip_weights(clips: Sequence[ds.Clip], balance: float) -> np.ndarray:
    """Sampling probability of each clip: speakers weighted by frames ** balance, and
    each speaker's clips by their length."""
    frames: dict[str, int] = {}
    for c in clips:
        frames[c.speaker] = frames.get(c.speaker, 0) + len(c.mfcc)
    w = np.array([len(c.mfcc) / frames[c.speaker] * frames[c.speaker] ** balance for c in clips], float)
    return w / w.sum()


def _cepstral_jitter(rng: np.random.Generator) -> np.ndarray:
    jitter = np.zeros(40, np.float32)
    jitter[0] = rng.normal(0, 0.3)
    jitter[1:4] = rng.normal(0, 0.15, 3)
    return jitter


def _pad(a: np.ndarray, n: int) -> np.ndarray:
    return np.concatenate([a, np.repeat(a[-1:], n - len(a), 0)]) if len(a) < n else a


def train_step(model, opt, batch, cfg: TrainConfig, sampling: float) -> float:
    """Noisy teacher forcing, then a pass fed partly with its own predictions."""
    mfcc, face0, emotion, target = batch
    prev = torch.cat([face0[:, None], target[:, :-1]], dim=1)
    prev = prev + cfg.input_noise * torch.randn_like(prev)
    forget = (torch.rand(prev.shape[0]) < cfg.history_dropout)[:, None, None, None]
    prev = torch.where(forget, face0[:, None].expand_as(prev), prev)
    first = model(mfcc, face0, emotion, prev)
    own = torch.cat([face0[:, None], first[:, :-1].detach()], dim=1)
    mix = (torch.rand(prev.shape[:2]) < sampling)[..., None, None]
    second = model(mfcc, face0, emotion, torch.where(mix, own, prev))
    loss = s2l_loss(first, target) + s2l_loss(second, target)
    if cfg.openness_weight:
        loss = loss + cfg.openness_weight * (openness_correlation_loss(first, target)
                                             + openness_correlation_loss(second, target))
    if cfg.amplitude_weight:
        loss = loss + cfg.amplitude_weight * (amplitude_loss(first, target) + amplitude_loss(second, target))
    if not torch.isfinite(loss):
        raise SpaceStudioError("S2L training diverged (the loss is not finite); lower --lr")
    opt.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    return float(loss.detach())


def train(config: TrainConfig, progress: Progress | None = None, split: Split | None = None) -> dict:
    """Train, evaluate on held-out speakers, save weights + model card; returns metrics.

    ``split``: clips already prepared (the cross-validation cuts every fold's split from
    one prepared pool, core.training.crossval_pool); None: ``prepare(config)``."""
    torch.manual_seed(config.seed)
    rng = np.random.default_rng(config.seed)
    split = prepare(config) if split is None else split
    model = Speech2Landmarks(config.model)
    opt = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=1e-4)
    deadline, step, losses = time.monotonic() + 60 * config.minutes, 0, []
    average = WeightAverage()
    while step < config.max_steps and time.monotonic() < deadline:
        # Cosine decay over whichever budget (steps or wall clock) runs out first.
        frac = max(1 - (deadline - time.monotonic()) / (60 * config.minutes), step / config.max_steps)
        for g in opt.param_groups:
            g["lr"] = config.lr * 0.5 * (1 + np.cos(np.pi * min(frac, 1.0)))
        model.train()
        losses.append(train_step(model, opt, sample_batch(split, config, rng), config,
                                 config.sampling_max * min(1.0, 2 * frac)))
        if frac >= config.average_from:
            average.add(model)
        step += 1
        if progress and step % 50 == 0:
            progress(step, config.max_steps, {"loss": float(np.mean(losses[-50:])), "frac": frac})
    average.load_into(model)
    metrics = evaluate(model, split)
    metrics.update(steps=step, final_train_loss=float(np.mean(losses[-100:])), averaged_steps=average.count)
    save(model, split, config, metrics)
    return metrics


class WeightAverage:
    """Running mean of a model's floating-point parameters and buffers."""

    def __init__(self) -> None:
        self.count = 0
        self.sums: dict[str, torch.Tensor] = {}

    def add(self, model: torch.nn.Module) -> None:
        self.count += 1
        for name, value in model.state_dict().items():
            if value.is_floating_point():
                self.sums[name] = self.sums.get(name, torch.zeros_like(value)) + value.detach()

    def load_into(self, model: torch.nn.Module) -> None:
        """Replace the model's floating-point state by the average (no-op when nothing was added)."""
        if self.count:
            state = model.state_dict()
            state.update({name: total / self.count for name, total in self.sums.items()})
            model.load_state_dict(state)


def evaluate(model: Speech2Landmarks, split: Split) -> dict:
    """Held-out L1 and mouth-openness Pearson r for the model and two baselines."""
    from core.landmarks.face_geometry import mouth_openness

    model.eval()
    rows = {}
    for clip in split.val:
        mfcc = torch.from_numpy(split.features(clip.name, clip.mfcc))[None]
        # As at inference: the first real frame is the portrait, its mouth closed first.
        face0 = torch.from_numpy(closed_mouth(clip.points[0]))[None]
        emotion = torch.from_numpy(np.repeat(clip.emotion[None], len(clip.mfcc), 0))[None]
        pred = model.generate(mfcc, face0, emotion)[0].numpy()
        real = mouth_openness(clip.points)
        rows[clip.name] = {
            "frames": len(clip.mfcc),
            "l1": float(np.abs(pred - clip.points).mean()),
            "l1_still_face": float(np.abs(clip.points[:1] - clip.points).mean()),
            "r_model": ds.pearson_or_zero(mouth_openness(pred), real),
            "r_energy": ds.pearson_or_zero(_energy(clip.mfcc), real),
            **_silence_openness(clip.mfcc, mouth_openness(pred), real),
        }
    if not rows:  # trained on everyone (--all-speakers): the cross-validation measures the recipe
        return {"held_out": {}, "held_out_mean": {}}
    mean = {k: float(np.mean([r[k] for r in rows.values()])) for k in next(iter(rows.values()))}
    return {"held_out": rows, "held_out_mean": mean}


def _silence_openness(mfcc: np.ndarray, pred: np.ndarray, real: np.ndarray) -> dict:
    """Mean openness in the quietest 10 % of frames (pauses), predicted vs real."""
    quiet = _energy(mfcc) <= np.percentile(_energy(mfcc), 10)
    return {"open_quiet_pred": float(pred[quiet].mean()), "open_quiet_real": float(real[quiet].mean()),
            "open_all_pred": float(pred.mean()), "open_all_real": float(real.mean())}


def _energy(mfcc: np.ndarray) -> np.ndarray:
    return mfcc[:, 0]  # c0 ∝ mean log-mel energy: the RMS-energy baseline


def save(model: Speech2Landmarks, split: Split, config: TrainConfig, metrics: dict) -> Path:
    """Write s2l_small.pt (weights_only-loadable), its .sha256 sidecar and the card."""
    config.out.mkdir(parents=True, exist_ok=True)
    path = config.out / "s2l_small.pt"
    extra = {}
    if config.model.phone_features:
        from core.audio.phone_net import DEFAULT_WEIGHTS as PHONE_WEIGHTS

        extra["phone_net_sha256"] = _companion_beside(config.phone_net or PHONE_WEIGHTS, PHONE_WEIGHTS, config.out)
    if config.model.apc_features:
        from core.audio.apc import DEFAULT_WEIGHTS as APC_WEIGHTS

        extra["apc_sha256"] = _companion_beside(config.apc or APC_WEIGHTS, APC_WEIGHTS, config.out)
    if config.mouth_gain != 1.0:
        extra["mouth_gain"] = float(config.mouth_gain)
    digest = save_checkpoint(path, model, config.model.to_dict(), split.stats, ds.FEATURE_FPS,
                             feature_norm=config.feature_norm, **extra)
    write_metrics(config.out, metrics, config, train=[c.name for c in split.train],
                  train_videos=[c.key for c in split.train], val=[c.name for c in split.val])
    write_text_atomic(config.out / "MODEL_CARD.md", model_card(split, config, metrics, digest))
    return path


def _companion_beside(weights: Path, shipped: Path, out: Path) -> str:
    """sha256 of a model S2L listens through; a copy not in ``shipped``'s place goes beside
    the S2L weights under ``shipped``'s name, where inference looks first."""
    import shutil

    weights, beside = Path(weights), out / shipped.name
    if weights.resolve() not in (shipped.resolve(), beside.resolve()):
        shutil.copyfile(weights, beside)
        write_sha256_sidecar(beside)
    return sha256_of(weights)


def model_card(split: Split, config: TrainConfig, metrics: dict, digest: str) -> str:
    """Markdown card: data, command, config, held-out metrics, checksum, emotion note."""
    def clip_line(c: ds.Clip) -> str:
        return f"- {c.speaker} `{c.name}` {len(c.mfcc)} frames, emotion {ds.EMOTIONS[int(c.emotion.argmax())]}"

    rows = [f"| {n} | {r['frames']} | {r['l1']:.4f} | {r['l1_still_face']:.4f} | {r['r_model']:.3f} "
            f"| {r['r_energy']:.3f} | {r['open_quiet_pred']:.3f} / {r['open_quiet_real']:.3f} |"
            for n, r in metrics["held_out"].items()]
    m = metrics["held_out_mean"]
    originals = [c for c in split.train if not is_tempo_copy(c)]
    labelled = sorted({ds.EMOTIONS[int(c.emotion.argmax())] for c in originals})
    emotional = sum(int(c.emotion.argmax()) != 0 for c in originals)
    return "\n".join([
        "# S2L small (Speech2Landmarks)", "",
        f"s2l_small.pt sha256: {digest}", "",
        "Command: `python -m core.training.train_s2l --data ../shared/data --out weights/s2l/ "
        f"--steps {config.max_steps} --lookahead {config.model.lookahead}"
        f"{' --phones weights/phones/phone_net.pt' if config.model.phone_features else ''}"
        f"{' --apc weights/apc/apc.pt' if config.model.apc_features else ''}"
        f"{_list_option('--reverb', config.reverb_times)}{_list_option('--tempo', config.tempo_speeds)}"
        f"{f' --amplitude-weight {config.amplitude_weight:g}' if config.amplitude_weight else ''}"
        f"{f' --mouth-gain {config.mouth_gain:g}' if config.mouth_gain != 1.0 else ''}"
        f"{'' if config.validation_speakers else ' --all-speakers'}"
        f"{' --commercial-clips-only' if config.commercial_clips_only else ''}"
        "` (CPU, 1 thread, "
        f"{metrics['steps']} steps).", "",
        *_phone_lines(config),
        *_apc_lines(config),
        f"Model config: `{config.model.to_dict()}`", "",
        f"Training: window {config.window}, batch {config.batch}, lr {config.lr} cosine, noisy teacher "
        f"forcing ({config.input_noise}), history dropout {config.history_dropout}, scheduled sampling up "
        f"to {config.sampling_max}; face_0 = the clip's closed-mouth reference face; MFCC normalization: "
        f"{config.feature_norm}; audio augmentation: pitch ±2.5 semitones, two EQ curves, 20 dB noise, "
        "random loudness/tilt"
        f"{_reverb_note(config)}{_tempo_note(config)}"
        f"{f'; weights averaged over the last {1 - config.average_from:.0%} of steps' if config.average_from < 1 else ''}"
        ".", "",
        "## Training clips (faces from core.training.face_tracks, 30 fps)",
        *map(clip_line, [c for c in split.train if not is_tempo_copy(c)]), *_tempo_lines(config), "",
        *(_held_out_lines(split, rows, m) if split.val else
          ["## Held-out speakers", "None: trained on every person; the leave-speakers-out cross-validation "
           "(core.training.crossval_s2l) measures the recipe.", ""]),
        "## Emotion (FiLM)",
        f"Emotion labels present in training data: {labelled}; {emotional} of {len(originals)} training clips carry "
        "a non-neutral label (from MEAD or CREMA-D file names: core.training.s2l_dataset.emotion_of), every other "
        "clip is assumed neutral. The FiLM layers have not been shown to express emotion: emotional expression "
        "should come from core.motion.emotion_expression.",
        "",
    ])


def _held_out_lines(split: Split, rows: list[str], m: dict) -> list[str]:
    """The card's held-out people and the trainer's scores on them."""
    return [
        "## Held-out speakers (never trained on)",
        *(f"- {c.speaker} `{c.name}` {len(c.mfcc)} frames, emotion {ds.EMOTIONS[int(c.emotion.argmax())]}"
          for c in split.val), "",
        "Mouth openness = inner-lip gap (62-66) / mouth width (48-54); r = Pearson r with the real track;",
        "the model starts from the clip's first real frame (mouth closed by core.motion.rest_face, as at",
        "inference) and feeds back its own output.", "",
        "| clip | frames | L1 | L1 still face | r model | r energy (c0) | quiet-frame openness pred / real |",
        "|---|---|---|---|---|---|---|", *rows,
        f"| **mean** | | {m['l1']:.4f} | {m['l1_still_face']:.4f} | {m['r_model']:.3f} | "
        f"{m['r_energy']:.3f} | {m['open_quiet_pred']:.3f} / {m['open_quiet_real']:.3f} |", "",
        "Still-face baseline r is 0 by definition (a constant has no correlation).", ""]


def _list_option(flag: str, values: Sequence[float]) -> str:
    """`` --reverb 0.3 0.7`` as the command line gives a list option (the flag alone: none)."""
    return f" {flag}" + "".join(f" {v:g}" for v in values)


def _reverb_note(config: TrainConfig) -> str:
    """The card's augmentation clause for the room-reverb copies, if any."""
    if not config.reverb_times:
        return ""
    return f", room reverb (RT60 {' and '.join(f'{t:g}' for t in config.reverb_times)} s, core.training.room_reverb)"


def _tempo_lines(config: TrainConfig) -> list[str]:
    """The card's note under the training clips that each is also heard faster and slower."""
    if not config.tempo_speeds:
        return []
    return ["", f"Each also as a speed-perturbed copy at × {' and × '.join(f'{t:g}' for t in config.tempo_speeds)}."]


def _tempo_note(config: TrainConfig) -> str:
    """The card's augmentation clause for the speed-perturbed copies, if any."""
    if not config.tempo_speeds:
        return ""
    speeds = " and ".join(f"{t:g}" for t in config.tempo_speeds)
    return f", speed-perturbed copies (× {speeds}, face re-timed with them; core.training.tempo_copies)"


def _apc_lines(config: TrainConfig) -> list[str]:
    """The card's note on the APC codes the model hears, if any."""
    if not config.model.apc_features:
        return []
    return [f"APC codes: the {config.model.apc_features} hidden units of the last layer of APC (`weights/apc`, a "
            "causal GRU trained without labels on ../shared/data/speech to predict the MFCCs 2 frames ahead) "
            "are appended to every frame's features.", ""]


def _phone_lines(config: TrainConfig) -> list[str]:
    la = config.model.lookahead
    if not config.model.phone_features:
        return [f"Look-ahead: {la} frames ({la / ds.FEATURE_FPS * 1000:.0f} ms of future audio).", ""]
    from core.audio.phone_net import PhonePosteriors

    total = la + PhonePosteriors.load(config.phone_net).model.cfg.lookahead
    return [f"Look-ahead: {la} frames of features, each of which PhoneNet computed with its own future "
            f"context: {total} frames ({total / ds.FEATURE_FPS * 1000:.0f} ms) of future audio in all. "
            "`--lookahead 4` trains the lower-latency setting (see below).", "",f"Audio input: 40 MFCCs + 40 phone posteriors from PhoneNet (`weights/phones`, distilled from "
            f"pocketsphinx on ../shared/data/speech); in {config.teacher_phone_rate:.0%} of training windows "
            "the posteriors are replaced by pocketsphinx's own one-hot phones of the clip, so a forced-aligned "
            "transcript (`--transcript`) is familiar input.", ""]


def apc_width(path: Path | None) -> int:
    """Width of the codes of the APC at ``path`` (0 for none), for the model config."""
    if path is None:
        return 0
    from core.audio.apc import APCFeatures

    return APCFeatures.load(path).dims


def add_apc_options(parser: argparse.ArgumentParser) -> None:
    """--apc / --no-apc, shared by this trainer and the cross-validation."""
    from core.audio.apc import DEFAULT_WEIGHTS as APC_WEIGHTS

    parser.add_argument("--apc", type=Path, default=APC_WEIGHTS, metavar="APC_PT",
                        help="also listen through this APC's codes (default: the shipped weights/apc/apc.pt)")
    parser.add_argument("--no-apc", dest="apc", action="store_const", const=None,
                        help="MFCCs and phones only (the model before APC)")


def add_recipe_options(parser: argparse.ArgumentParser) -> None:
    """--openness-weight, --reverb, --tempo and --seed, shared by this trainer and the cross-validation."""
    parser.add_argument("--openness-weight", type=float, default=TrainConfig.openness_weight,
                        help="weight of the mouth-openness correlation loss beside L1 (0: L1 only)")
    parser.add_argument("--amplitude-weight", type=float, default=TrainConfig.amplitude_weight,
                        help="weight of the mouth-amplitude loss beside L1: each window's mouth moves as far "
                             "as the real one (0: L1 only)")
    parser.add_argument("--reverb", type=float, nargs="*", default=list(TrainConfig.reverb_times), metavar="RT60",
                        help="add a room-reverb copy of every training clip per reverberation time (s)")
    parser.add_argument("--tempo", type=float, nargs="*", default=list(TrainConfig.tempo_speeds), metavar="SPEED",
                        help="add a speed-perturbed copy of every training clip per speed (none: --tempo alone)")
    parser.add_argument("--measured-offsets", action="store_true",
                        help="re-align short clips by the sound/picture offsets the cross-validation measured")
    parser.add_argument("--seed", type=int, default=TrainConfig.seed,
                        help="training seed (one recipe's seeds differ by about ±0.04 r0)")


def _held_out_speakers(args: argparse.Namespace) -> tuple[str, ...]:
    """The people the run never trains on: nobody, the non-commercial clips' people, or the default set."""
    if args.all_speakers:
        return ()
    if args.commercial_clips_only:
        from core.training.clip_licences import restricted_speakers

        return restricted_speakers(args.data, ds.talking_videos(args.data))
    return TrainConfig.validation_speakers


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--out", type=Path, default=Path("weights/s2l"))
    parser.add_argument("--minutes", type=float, default=12.0, help="wall-clock cap")
    parser.add_argument("--steps", type=int, default=TrainConfig.max_steps)
    parser.add_argument("--feature-norm", choices=["utterance", "global"], default=TrainConfig.feature_norm)
    parser.add_argument("--lookahead", type=int, default=TrainConfig().model.lookahead,
                        help="future audio frames the encoder sees (latency = lookahead / fps)")
    parser.add_argument("--phones", type=Path, default=PHONE_WEIGHTS, metavar="PHONE_NET_PT",
                        help="listen through this PhoneNet's phone posteriors (default: the shipped one)")
    parser.add_argument("--no-phones", dest="phones", action="store_const", const=None,
                        help="MFCCs only (the model before PhoneNet)")
    parser.add_argument("--teacher-phones", type=float, default=TrainConfig.teacher_phone_rate, metavar="RATE",
                        help="share of windows hearing pocketsphinx's one-hot phones instead of PhoneNet's")
    parser.add_argument("--average-from", type=float, default=TrainConfig.average_from,
                        help="average the weights of every step after this share of training (1: off)")
    parser.add_argument("--mfcc-dims", type=int, default=40, help="leading MFCCs the model reads (with --phones)")
    add_apc_options(parser)
    parser.add_argument("--mouth-gain", type=float, default=TrainConfig.mouth_gain,
                        help="gain on the mouth motion about the rest face, stored with the weights "
                             "(fit it with the cross-validation's --calibrate-gain; 1: none)")
    held_out = parser.add_mutually_exclusive_group()
    held_out.add_argument("--all-speakers", action="store_true",
                          help="hold nobody out (the shipped weights; the cross-validation measures the recipe)")
    held_out.add_argument("--commercial-clips-only", action="store_true",
                          help="learn only from clips whose licence allows commercial use "
                               "(core.training.clip_licences); everyone else is held out and scored")
    parser.add_argument("--speaker-balance", type=float, default=TrainConfig.speaker_balance,
                        help="person share ∝ frames ** this (1: by length, 0: equal)")
    add_recipe_options(parser)
    args = parser.parse_args(argv)
    if args.mouth_gain <= 0:
        parser.error("--mouth-gain must be above 0")
    torch.set_num_threads(1)
    model = S2LConfig(conv_layers=max(8, args.lookahead + 4), symmetric_layers=args.lookahead,
                      lookahead=args.lookahead, phone_features=args.phones is not None, mfcc_dims=args.mfcc_dims,
                      apc_features=apc_width(args.apc))
    cfg = TrainConfig(apc=args.apc, data=args.data, out=args.out, minutes=args.minutes, max_steps=args.steps,
                      feature_norm=args.feature_norm, model=model, phone_net=args.phones,
                      teacher_phone_rate=args.teacher_phones, seed=args.seed,
                      speaker_balance=args.speaker_balance, average_from=args.average_from,
                      openness_weight=args.openness_weight, amplitude_weight=args.amplitude_weight,
                      mouth_gain=args.mouth_gain, commercial_clips_only=args.commercial_clips_only,
                      reverb_times=tuple(args.reverb),
                      tempo_speeds=tuple(args.tempo), measured_offsets=args.measured_offsets,
                      validation_speakers=_held_out_speakers(args))
    metrics = train(cfg, lambda s, n, info: print(f"step {s} {info}", flush=True))
    print(json.dumps(metrics["held_out_mean"], indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
