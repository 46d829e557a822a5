"""Load S2L weights and predict normalized landmarks from speech.

``SpeechToLandmarks.load(path).predict(mfcc T×40, face0 68×3, emotion T×8)``
→ T×68×2 normalized points. The audio encoder runs once over the whole clip in
torch; the autoregressive loop then runs in numpy on weights exported from the
LSTM, because per-frame torch dispatch costs ~0.6 ms a step (4× too slow for
the 200× real-time budget) while the arithmetic itself is tiny.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from core.audio.audio_io import Audio
from core.audio.features import FeatureStats, mfcc_per_frame, utterance_normalized
from core.audio.loudness import normalized_loudness
from core.audio.voice_activity import voice_activity, widen
from core.motion.rest_face import closed_mouth
from core.motion.lip_closure import close_on_bilabials
from core.motion.mouth_smoothing import smoothed_mouth
from core.motion.portrait_start import start_on_portrait
from core.motion.silence_rest import rest_in_silence
from core.errors import ModelWeightsError
from core.weights_file import verify_sha256

MOUTH_WIDTH = (48, 54)
INNER_LIP_GAP = (62, 66)
N_EMOTIONS = 8
FEATURE_CLIP = 3.0  # standardised MFCCs beyond ±3 σ are out of the training range
DEFAULT_WEIGHTS = Path(__file__).resolve().parents[2] / "weights" / "s2l" / "s2l_small.pt"


def mouth_openness(points: np.ndarray) -> np.ndarray:
    """Inner-lip gap (62↔66) over mouth width (48↔54) for ...×68×2|3 points."""
    a, b = INNER_LIP_GAP
    gap = np.linalg.norm(points[..., b, :2] - points[..., a, :2], axis=-1)
    a, b = MOUTH_WIDTH
    width = np.linalg.norm(points[..., b, :2] - points[..., a, :2], axis=-1)
    return gap / np.maximum(width, 1e-6)


def verify_checksum(path: Path) -> None:
    """Refuse S2L weights whose sha256 does not match their record."""
    verify_sha256(path, "S2L weights")


@dataclass(frozen=True)
class _StepWeights:
    """Numpy copies of the per-frame (recurrent) part of the network."""

    landmark: list[tuple[np.ndarray, np.ndarray]]
    eye: list[tuple[np.ndarray, np.ndarray]]
    lstm_in: list[np.ndarray]  # per layer: W over [face codes | layer input] + W_hh
    lstm_bias: list[np.ndarray]
    head_w: np.ndarray
    head_b: np.ndarray


class SpeechToLandmarks:
    """A loaded S2L model ready to predict."""

    def __init__(self, model, stats: FeatureStats, feature_norm: str = "global", phones=None, apc=None) -> None:
        self.model = model.eval()
        self.stats = stats
        self.feature_norm = feature_norm  # "utterance": per-clip CMVN before the global stats
        self.phones = phones  # core.audio.phone_net.PhonePosteriors when the model listens through it
        self.apc = apc  # core.audio.apc.APCFeatures when the model also listens through APC
        if model.cfg.phone_features and phones is None:
            raise ModelWeightsError("this S2L model needs PhoneNet posteriors (weights/phones/phone_net.pt)")
        if model.cfg.apc_features and (apc is None or apc.dims != model.cfg.apc_features):
            raise ModelWeightsError(f"this S2L model needs {model.cfg.apc_features} APC codes (weights/apc/apc.pt)")
        self._step = _export(model)

    @classmethod
    def load(cls, path: str | Path | None = None) -> SpeechToLandmarks:
        """Load checked weights (default: the shipped weights/s2l/s2l_small.pt)."""

        from core.motion.speech2landmarks import S2LConfig, Speech2Landmarks

        from core.weights_file import load_checked_model

        path = Path(path) if path is not None else DEFAULT_WEIGHTS
        model, ckpt = load_checked_model(path, "S2L weights", "train them: space-studio train s2l",
                                         lambda c: Speech2Landmarks(S2LConfig(**c["config"])))
        phones = _phone_net(path, ckpt) if model.cfg.phone_features else None
        apc = _apc(path, ckpt) if model.cfg.apc_features else None
        return cls(model, FeatureStats.from_dict(ckpt["feature_stats"]), str(ckpt.get("feature_norm", "global")),
                   phones, apc)

    def predict(self, mfcc: np.ndarray, face0: np.ndarray,
                emotion: np.ndarray | None = None, warmup_frames: int = 0,
                phones: np.ndarray | None = None) -> np.ndarray:
        """mfcc T×40 (from mfcc_per_frame), face0 normalized 68×2|3 → T×68×2.

        ``phones`` (T×40 phone probabilities, e.g. a forced alignment's one-hot
        rows) replace PhoneNet's posteriors for a model that listens to phones.

        ``warmup_frames`` of digital silence run first and are dropped: it hides the
        learned initial state's opening transient (~1 s) for clips that start in
        silence, but lowered lip-sync on held-out clips, so it is off by default.
        """
        mfcc = np.asarray(mfcc, np.float32)
        if mfcc.ndim != 2 or mfcc.shape[1] != 40:
            raise ValueError(f"mfcc must be T×40, got {mfcc.shape}")
        if len(mfcc) == 0:
            return np.zeros((0, 68, 2), np.float32)
        # The model speaks from a closed-mouth identity face (see core.motion.rest_face).
        f0 = closed_mouth(np.asarray(face0, np.float32))
        if self.feature_norm == "utterance":
            mfcc = utterance_normalized(mfcc)
        emotion = _emotion_track(emotion, len(mfcc))
        if self.phones is not None:
            phones = self.phones(mfcc) if phones is None else _fit_rows(np.asarray(phones, np.float32), len(mfcc))
            silent = np.zeros((warmup_frames, phones.shape[1]), np.float32)
            silent[:, 0] = 1.0
            phones = np.concatenate([silent, phones])
        mfcc = np.concatenate([np.repeat(_silence_mfcc()[None], warmup_frames, 0), mfcc])
        emotion = np.concatenate([np.repeat(emotion[:1], warmup_frames, 0), emotion])
        codes = self.apc(mfcc) if self.apc is not None else None
        audio_gates, film = self._precompute(mfcc, f0, emotion, phones, codes)
        return _run_loop(self._step, audio_gates, film, f0)[warmup_frames:]

    def animate_speech(self, audio: Audio, fps: float, face0: np.ndarray,
                       emotion: np.ndarray | None = None, transcript: str | None = None,
                       rest_in_pauses: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """Speech → (T×68×2 normalized motion, T×40 MFCC): features, prediction, and
        the mouth resting wherever the voice-activity detector hears no speech. The
        jaw and lips are smoothed without lag (core.motion.mouth_smoothing), and the
        first frame keeps the portrait's own mouth (core.motion.portrait_start). The
        speech is brought to one loudness first (core.audio.loudness), so the MFCCs
        returned are those of the normalized line.

        With a ``transcript`` (English words of the line) the phones S2L hears are
        forced-aligned to it instead of guessed by PhoneNet. The lips shut on
        /m/, /b/, /p/ (core.motion.lip_closure) for a model that hears phones.
        ``rest_in_pauses=False`` leaves the model's own mouth in pauses (the
        evaluation reports both)."""
        audio = normalized_loudness(audio)  # a quiet microphone is not a closed mouth
        mfcc = mfcc_per_frame(audio, fps)
        phones = self._heard_phones(audio, mfcc, fps, transcript)
        motion = self.predict(mfcc, face0, emotion, phones=phones)
        rest = closed_mouth(face0)
        if phones is not None:
            motion = close_on_bilabials(motion, rest, phones)
        if rest_in_pauses:
            speech = voice_activity(audio.samples, audio.sample_rate, fps, len(mfcc))
            if phones is not None:
                speech = _rescued_in_noise(speech, phones[: len(speech), 0] < 0.5)
            motion = rest_in_silence(motion, rest, speech, fps)
        return start_on_portrait(smoothed_mouth(motion, fps), face0, rest, fps), mfcc

    def _heard_phones(self, audio: Audio, mfcc: np.ndarray, fps: float,
                      transcript: str | None) -> np.ndarray | None:
        """T×40 phone probabilities, computed once for the model and the lip closure:
        forced-aligned one-hot rows for a transcript, else PhoneNet's posteriors;
        None for a model that does not listen to phones."""
        if transcript is not None:
            if self.phones is None:
                raise ModelWeightsError("This S2L model does not listen to phones, so it cannot use a transcript.")
            from core.audio.phone_recognizer import align_phones, one_hot_frames

            return one_hot_frames(align_phones(audio, transcript), fps, len(mfcc))
        return None if self.phones is None else self.phones(mfcc)

    def _precompute(self, mfcc, f0, emotion, phones, codes):
        """Audio codes → their share of the first LSTM layer's gates; face FiLM."""
        import torch

        m = self.model
        with torch.inference_mode():
            em = torch.from_numpy(emotion)[None]
            # Digital silence (exact zeros) gives MFCCs far below any recording's noise
            # floor; clipping to the training range makes it look like quiet room tone.
            feats = np.clip(self.stats.apply(mfcc), -FEATURE_CLIP, FEATURE_CLIP)
            feats = np.concatenate([feats] + [x for x in (phones, codes) if x is not None], axis=1)
            audio = m.encode_audio(torch.from_numpy(feats)[None], em)
            h0, c0 = m.initial_state(torch.from_numpy(f0)[None], audio[:, 0])
            w_audio = m.lstm.weight_ih_l0[:, : audio.shape[-1]]
            gates = audio[0] @ w_audio.T + m.lstm.bias_ih_l0 + m.lstm.bias_hh_l0
            gamma, beta = m.film_face.params(em[0])
        state = (h0[:, 0].numpy().copy(), c0[:, 0].numpy().copy())
        return gates.numpy(), (gamma.numpy(), beta.numpy(), state)


def _rescued_in_noise(loud: np.ndarray, voiced: np.ndarray) -> np.ndarray:
    """The loudness VAD's speech frames, or, when it misses most of what PhoneNet hears
    as speech, both together.

    Loudness alone loses speech under heavy noise (at 0 dB SNR it hears 3 % of the
    words), while PhoneNet, trained on noisy copies, still hears 80 % with no false
    alarms. On clean recordings PhoneNet also calls breaths and trailing sounds
    speech where people close their mouths, so it is only trusted when the
    loudness rule has clearly failed."""
    if not voiced.any() or loud[voiced].mean() >= 0.5:
        return loud
    return loud | widen(voiced)


def _fit_rows(rows: np.ndarray, n: int) -> np.ndarray:
    """Cut or edge-pad to n rows (an alignment may be a frame longer or shorter)."""
    if len(rows) >= n:
        return rows[:n]
    return np.concatenate([rows, np.repeat(rows[-1:], n - len(rows), 0)])


def _phone_net(s2l_path: Path, ckpt: dict):
    """The PhoneNet an S2L model was trained with (see _companion)."""
    from core.audio.phone_net import DEFAULT_WEIGHTS, PhonePosteriors

    return _companion(s2l_path, ckpt.get("phone_net_sha256"), DEFAULT_WEIGHTS, PhonePosteriors.load, "PhoneNet")


def _apc(s2l_path: Path, ckpt: dict):
    """The APC an S2L model was trained with (see _companion)."""
    from core.audio.apc import DEFAULT_WEIGHTS, APCFeatures

    return _companion(s2l_path, ckpt.get("apc_sha256"), DEFAULT_WEIGHTS, APCFeatures.load, "APC")


def _companion(s2l_path: Path, expected: str | None, default: Path, load, what: str):
    """A model S2L listens through: the file of ``default``'s name beside the S2L weights,
    else ``default``; its sha256 must be the one recorded in the S2L checkpoint."""
    from core.weights_file import sha256_of

    for candidate in (s2l_path.with_name(default.name), default):
        if candidate.is_file() and (expected is None or sha256_of(candidate) == expected):
            return load(candidate)
    raise ModelWeightsError(f"S2L weights at {s2l_path} need the {what} they were trained with "
                            f"(sha256 {expected}); not found beside them or in {default.parent}")


@lru_cache(maxsize=1)
def _silence_mfcc() -> np.ndarray:
    """The MFCC vector of digital silence (one frame)."""
    from core.audio.audio_io import Audio
    from core.audio.features import mfcc_per_frame

    return mfcc_per_frame(Audio(np.zeros(16000, np.float32)), 30.0)[5]


def _emotion_track(emotion: np.ndarray | None, frames: int) -> np.ndarray:
    if emotion is None:
        out = np.zeros((frames, N_EMOTIONS), np.float32)
        out[:, 0] = 1.0  # neutral
        return out
    emotion = np.asarray(emotion, np.float32)
    if emotion.shape != (frames, N_EMOTIONS):
        raise ValueError(f"emotion must be {frames}×{N_EMOTIONS}, got {emotion.shape}")
    return emotion


def _export(model) -> _StepWeights:
    """Pull the recurrent-path weights out of the torch module as float32 numpy."""
    def linears(seq):
        return [(m.weight.detach().numpy().T.copy(), m.bias.detach().numpy().copy())
                for m in seq if hasattr(m, "weight")]

    lstm, width = model.lstm, model.cfg.width
    ins, biases = [], []
    for k in range(lstm.num_layers):
        w_ih = getattr(lstm, f"weight_ih_l{k}").detach().numpy()
        w_hh = getattr(lstm, f"weight_hh_l{k}").detach().numpy()
        w_in = w_ih[:, width:] if k == 0 else w_ih  # layer 0's audio share is precomputed
        ins.append(np.concatenate([w_in, w_hh], axis=1).T.copy())
        bias = getattr(lstm, f"bias_ih_l{k}") + getattr(lstm, f"bias_hh_l{k}")
        biases.append(np.zeros_like(bias.detach().numpy()) if k == 0 else bias.detach().numpy())
    return _StepWeights(linears(model.landmarks), linears(model.eyes), ins, biases,
                        model.head.weight.detach().numpy().T.copy(),
                        model.head.bias.detach().numpy().copy())


def _mlp(x: np.ndarray, layers) -> np.ndarray:
    for w, b in layers:
        x = x @ w + b
        x = np.maximum(x, 0.2 * x)  # leaky ReLU(0.2)
    return x


def _lstm_cell(gates: np.ndarray, c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    # torch gate order i, f, g, o. One sigmoid over all four gates and plain slices:
    # at this size np.split and separate calls cost more than the arithmetic.
    n = len(c)
    s = _sigmoid(gates)
    c = s[n:2 * n] * c + s[:n] * np.tanh(gates[2 * n:3 * n])
    return s[3 * n:] * np.tanh(c), c


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 + 0.5 * np.tanh(0.5 * x)  # tanh form cannot overflow


def _run_loop(w: _StepWeights, audio_gates, film, f0: np.ndarray) -> np.ndarray:
    """Autoregressive frames, each fed its predecessor (face0 first)."""
    gamma, beta, (h, c) = film
    h, c = list(h), list(c)
    rel = np.zeros(136, np.float32)
    out = np.empty((len(audio_gates), 136), np.float32)
    for t in range(len(audio_gates)):
        lm = _mlp(rel, w.landmark) * gamma[t] + beta[t]
        eye = _mlp(rel.reshape(68, 2)[36:48].ravel(), w.eye)
        x = np.concatenate([lm, eye])
        for k in range(len(h)):
            gates = np.concatenate([x, h[k]]) @ w.lstm_in[k] + w.lstm_bias[k]
            if k == 0:
                gates += audio_gates[t]
            h[k], c[k] = _lstm_cell(gates, c[k])
            x = h[k]
        rel = x @ w.head_w + w.head_b
        out[t] = rel
    return out.reshape(-1, 68, 2) + f0


def training_videos(weights: Path) -> tuple[str, ...]:
    """The clips (evaluation keys) a model was trained on, from the metrics.json the
    trainer writes beside its weights; empty when there is no such record."""
    import json

    record = Path(weights).with_name("metrics.json")
    try:
        return tuple(json.loads(record.read_text(encoding="utf-8")).get("train_videos", ()))
    except (OSError, ValueError):
        return ()
