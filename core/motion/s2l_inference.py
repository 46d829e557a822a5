"""Load S2L weights and predict normalized landmarks from speech.

``SpeechToLandmarks.load(path).predict(mfcc T×40, face0 68×3, emotion T×8)``
→ T×68×2 normalized points. The audio encoder runs in torch over blocks of
STREAM_FRAMES (with its receptive field of neighbours); the autoregressive loop
then runs in numpy on weights exported from the LSTM (core.motion.s2l_step),
carrying its state from block to block, so memory stays flat for hours of speech.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import numpy as np

from core.audio.audio_io import Audio
from core.audio.features import FeatureStats, mfcc_per_frame, utterance_normalized
from core.audio.heard_phones import heard_phones
from core.audio.loudness import loudness_gain
from core.audio.voice_activity import voice_activity, widen
from core.motion.rest_face import closed_mouth
from core.motion.s2l_step import LoopState, export_step, run_loop
from core.motion.lip_closure import close_on_bilabials
from core.motion.mouth_gain import scaled_mouth
from core.motion.mouth_smoothing import SIGMA_SECONDS, smoothed_mouth
from core.motion.portrait_start import portrait_weight, start_on_portrait
from core.motion.silence_rest import blend_to_rest, speech_gate
from core.errors import ModelWeightsError
from core.memory import release_free_memory
from core.progress import ProgressCallback
from core.weights_location import s2l_weights
from core.weights_file import verify_sha256

N_EMOTIONS = 8
FEATURE_CLIP = 3.0  # standardised MFCCs beyond ±3 σ are out of the training range
DEFAULT_WEIGHTS = s2l_weights("shipped")
# Frames per block of the network (5 min at 30 fps): memory stays flat however long the
# line, and progress moves every block (~1 s of work).
STREAM_FRAMES = 9000

FrameProgress = Callable[[int, int], None]  # (frames done, frames in all)


def verify_checksum(path: Path) -> None:
    """Refuse S2L weights whose sha256 does not match their record."""
    verify_sha256(path, "S2L weights")


class SpeechToLandmarks:
    """A loaded S2L model ready to predict."""

    def __init__(self, model, stats: FeatureStats, feature_norm: str = "global", phones=None, apc=None,
                 mouth_gain: float = 1.0) -> None:
        self.model = model.eval()
        self.mouth_gain = mouth_gain  # core.motion.mouth_gain: calibrated widening of the mouth motion
        self.stats = stats
        self.feature_norm = feature_norm  # "utterance": per-clip CMVN before the global stats
        self.phones = phones  # core.audio.phone_net.PhonePosteriors when the model listens through it
        self.apc = apc  # core.audio.apc.APCFeatures when the model also listens through APC
        if model.cfg.phone_features and phones is None:
            raise ModelWeightsError("this S2L model needs PhoneNet posteriors (weights/phones/phone_net.pt)")
        if model.cfg.apc_features and (apc is None or apc.dims != model.cfg.apc_features):
            raise ModelWeightsError(f"this S2L model needs {model.cfg.apc_features} APC codes (weights/apc/apc.pt)")
        self._step = export_step(model)

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
                   phones, apc, float(ckpt.get("mouth_gain", 1.0)))

    def predict(self, mfcc: np.ndarray, face0: np.ndarray,
                emotion: np.ndarray | None = None, warmup_frames: int = 0,
                phones: np.ndarray | None = None, progress: FrameProgress | None = None) -> np.ndarray:
        """mfcc T×40 (from mfcc_per_frame), face0 normalized 68×2|3 → T×68×2.

        ``progress(done, total)`` is called after each block of frames (long lines).

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
        if warmup_frames:
            mfcc, emotion, phones = _with_warmup(warmup_frames, mfcc, emotion, phones)
        return self._stream(mfcc, f0, emotion, phones, progress)[warmup_frames:]

    def _stream(self, mfcc: np.ndarray, f0: np.ndarray, emotion: np.ndarray, phones: np.ndarray | None,
                progress: FrameProgress | None) -> np.ndarray:
        """The network over the line a block of STREAM_FRAMES at a time: the audio encoder
        sees its receptive field of real neighbours around each block, APC and the LSTM
        carry their state, so the frames equal one pass over the whole line (up to float
        rounding) while torch's working memory stays a block long."""
        frames = len(mfcc)
        out = np.empty((frames, 136), np.float32)
        before, after = _context(self.model.audio.pads)
        loop = codes_state = None
        for start in range(0, frames, STREAM_FRAMES):
            stop = min(frames, start + STREAM_FRAMES)
            lo, hi = max(0, start - before), min(frames, stop + after)
            codes, codes_state = self._codes(mfcc, lo, hi, stop - before, codes_state)
            rows = slice(lo, hi)
            gates, film = self._precompute(mfcc[rows], f0, emotion[rows], _rows(phones, rows), codes)
            keep = slice(start - lo, stop - lo)
            loop = LoopState.start(film[2]) if loop is None else loop
            loop = run_loop(self._step, gates[keep], film[0][keep], film[1][keep], loop, out[start:stop])
            if progress is not None:
                progress(stop, frames)
        out += f0.reshape(-1)  # in place: a second T×136 array is 0.1 GB for two hours
        release_free_memory()  # the blocks' freed activations, before the post-processing copies
        return out.reshape(-1, 68, 2)

    def _codes(self, mfcc: np.ndarray, lo: int, hi: int, next_lo: int, state):  # noqa: ANN001, ANN202
        """APC codes of frames lo..hi from the state at ``lo``; also the state at ``next_lo``
        (where the next block's window starts), so no frame's code depends on a block edge."""
        if self.apc is None:
            return None, None
        split = min(max(next_lo, lo), hi)
        head, state_at_next = self.apc.stream(mfcc[lo:split], state)
        tail, _ = self.apc.stream(mfcc[split:hi], state_at_next)
        return np.concatenate([head, tail]), state_at_next

    def animate_speech(self, audio: Audio, fps: float, face0: np.ndarray,
                       emotion: np.ndarray | None = None, transcript: str | None = None,
                       rest_in_pauses: bool = True,
                       progress: ProgressCallback | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Speech → (T×68×2 normalized motion, T×40 MFCC); see ``animate_speech_heard``."""
        motion, mfcc, _phones = self.animate_speech_heard(audio, fps, face0, emotion, transcript,
                                                          rest_in_pauses, progress)
        return motion, mfcc

    def animate_speech_heard(self, audio: Audio, fps: float, face0: np.ndarray,
                             emotion: np.ndarray | None = None, transcript: str | None = None,
                             rest_in_pauses: bool = True, progress: ProgressCallback | None = None
                             ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """Speech → (T×68×2 normalized motion, T×40 MFCC, T×40 phones heard — None for a
        model that does not listen to phones): features, prediction, and the mouth resting
        wherever the voice-activity detector hears no speech. The jaw and lips are smoothed without lag (core.motion.mouth_smoothing), and the
        first frame keeps the portrait's own mouth (core.motion.portrait_start). The
        speech is brought to one loudness first (core.audio.loudness), so the MFCCs
        returned are those of the normalized line.

        With a ``transcript`` (English words of the line) the phones S2L hears are
        forced-aligned to it instead of guessed by PhoneNet. The lips shut on
        /m/, /b/, /p/ (core.motion.lip_closure) for a model that hears phones.
        ``rest_in_pauses=False`` leaves the model's own mouth in pauses (the
        evaluation reports both). ``progress(stage, done, total)`` follows each stage's
        frames: reading features, hearing phones, predicting.

        The loudness gain is applied block by block (features, voice activity), never as
        a scaled copy of the line: two hours of speech are 0.46 GB of samples."""
        gain = loudness_gain(audio)  # a quiet microphone is not a closed mouth
        mfcc = mfcc_per_frame(audio, fps, gain, progress=_labelled(progress, "Reading speech features"))
        phones = self._heard_phones(audio, mfcc, fps, transcript, _labelled(progress, "Hearing phones"))
        motion = self.predict(mfcc, face0, emotion, phones=phones, progress=_labelled(progress, "Predicting lip motion"))
        gate = None
        if rest_in_pauses:
            speech = voice_activity(audio.samples, audio.sample_rate, fps, len(mfcc), gain=gain)
            if phones is not None:
                speech = _rescued_in_noise(speech, phones[: len(speech), 0] < 0.5)
            gate = speech_gate(speech, fps)
        shaped = _shaped_mouth(motion, face0, fps, phones, gate, _labelled(progress, "Shaping the mouth"),
                               self.mouth_gain)
        return shaped, mfcc, phones

    def _heard_phones(self, audio: Audio, mfcc: np.ndarray, fps: float, transcript: str | None,
                      progress: FrameProgress | None = None) -> np.ndarray | None:
        """T×40 phone probabilities, computed once for the model and the lip closure:
        forced-aligned one-hot rows for a transcript, else PhoneNet's posteriors;
        None for a model that does not listen to phones."""
        if self.phones is None:
            if transcript is not None:
                raise ModelWeightsError("This S2L model does not listen to phones, so it cannot use a transcript.")
            return None
        return heard_phones(audio, mfcc, fps, transcript, self.phones, progress)

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


def _shaped_mouth(motion: np.ndarray, face0: np.ndarray, fps: float, phones: np.ndarray | None,
                  gate: np.ndarray | None, progress: FrameProgress | None, gain: float = 1.0) -> np.ndarray:
    """The model's T×68×2 motion with the lips shut on bilabials (``phones``), the mouth at
    rest in pauses (``gate``, core.motion.silence_rest), jaw and lips smoothed, the openings
    widened by the calibrated ``gain`` (core.motion.mouth_gain), and the
    portrait's own mouth on the first frames, STREAM_FRAMES at a time: each step copies
    its input, so the whole line at once would hold several 0.1 GB copies for two hours.
    Blocks overlap by the smoothing's reach, so the frames equal one pass."""
    rest, frames = closed_mouth(face0), len(motion)
    reach = int(4.0 * SIGMA_SECONDS * fps + 0.5) + 1  # gaussian_filter1d's radius (truncate 4) + 1
    out = np.empty_like(motion)
    for start in range(0, frames, STREAM_FRAMES):
        stop = min(frames, start + STREAM_FRAMES)
        lo, hi = max(0, start - reach), min(frames, stop + reach)
        part = motion[lo:hi]
        if phones is not None:
            part = close_on_bilabials(part, rest, phones[lo:hi])
        if gate is not None:
            part = blend_to_rest(part, rest, gate[lo:hi])
        # Widened after the smoothing: smoothed before, the widened openings would leak into
        # the closed frames beside them (/m b p/ closed 0.92 instead of 0.95, cross-validated).
        out[start:stop] = scaled_mouth(smoothed_mouth(part, fps), rest, gain)[start - lo: stop - lo]
        if progress is not None:
            progress(stop, frames)
    # The portrait's mouth fades out within seconds; past the frames where its float32 weight
    # is still above zero, adding it would change nothing.
    head = int(np.count_nonzero(portrait_weight(frames, fps)))
    out[:head] = start_on_portrait(out[:head], face0, rest, fps)
    return out


def _with_warmup(frames: int, mfcc: np.ndarray, emotion: np.ndarray, phones: np.ndarray | None):  # noqa: ANN202
    """Inputs with ``frames`` of digital silence (neutral, phone SIL) in front."""
    if phones is not None:
        silent = np.zeros((frames, phones.shape[1]), np.float32)
        silent[:, 0] = 1.0
        phones = np.concatenate([silent, phones])
    mfcc = np.concatenate([np.repeat(_silence_mfcc()[None], frames, 0), mfcc])
    return mfcc, np.concatenate([np.repeat(emotion[:1], frames, 0), emotion]), phones


def _labelled(progress: ProgressCallback | None, stage: str) -> FrameProgress | None:
    """A (done, total) callback reporting as ``stage``."""
    if progress is None:
        return None
    return lambda done, total: progress(stage, done, total)


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


def _context(pads: list[tuple[int, int]]) -> tuple[int, int]:
    """Frames before and after a frame that a padded conv stack's output there depends on."""
    return sum(left for left, _right in pads), sum(right for _left, right in pads)


def _rows(array: np.ndarray | None, rows: slice) -> np.ndarray | None:
    return None if array is None else array[rows]


def training_videos(weights: Path) -> tuple[str, ...]:
    """The clips (evaluation keys) a model was trained on, from the metrics.json the
    trainer writes beside its weights; empty when there is no such record."""
    import json

    record = Path(weights).with_name("metrics.json")
    try:
        return tuple(json.loads(record.read_text(encoding="utf-8")).get("train_videos", ()))
    except (OSError, ValueError):
        return ()
