"""Mouth cues: the line as a track of Rhubarb Lip Sync's mouth shapes A–H and X.

A cue is ``MouthCue(start, end, shape)`` in seconds. The shapes are the ones
Rhubarb Lip Sync (and the Hanna-Barbera tradition before it) uses, so every
integration that reads Rhubarb's cues reads ours:

    A closed (P B M)      B slightly open, clenched teeth (most consonants, EE)
    C open (EH, AE)       D wide open (AA)
    E slightly rounded (AO, ER)   F puckered (UW, OW, W)
    G upper teeth on lower lip (F, V)   H tongue up behind the teeth (long L)
    X idle, lips relaxed (pauses)

G, H and X are optional ("extended"); a shape not in the chosen set becomes
its basic shape exactly as in Rhubarb 1.x: G → B, H → C, X → A.

How a frame gets its shape (``frame_shapes``): PhoneNet's phone posteriors (or
a forced alignment's one-hot phones) decide the *kind* of mouth — sealed,
labiodental, rounded, tongue-up or plain open — and how open the mouth is
decides among B, C and D, mixing our S2L motion's openness (inner-lip gap over
mouth width, ``core.landmarks.face_geometry.mouth_openness``) with the phones' own
jaw opening (``core.audio.phone_net.PHONE_OPENNESS``). Frames the voice
detector hears as silence are X. ``cues_from_shapes`` then merges frames into
cues, drops one-frame flickers (a one-frame A stays: a plosive's closure is
short) and puts C between a closed mouth and D, as Rhubarb does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.audio.heard_phones import heard_phones
from core.errors import OutputError
from core.landmarks.face_geometry import mouth_openness

SHAPES = "ABCDEFGHX"
BASIC_SHAPES = "ABCDEF"
EXTENDED_SHAPES = "GHX"
# Rhubarb 1.x getBasicShape: the basic shape closest to each extended one.
BASIC_OF = {"G": "B", "H": "C", "X": "A"}
# How open each shape leaves the mouth, relative to D (the widest), read off Rhubarb's
# shape descriptions: E "not wider than C", H "at least as open as C, not quite as far
# as D", A and X shut. Used to turn cues back into an openness curve (the evaluation's
# "cues" row, sprite previews).
SHAPE_OPENING = {"X": 0.0, "A": 0.0, "G": 0.1, "B": 0.15, "F": 0.25, "E": 0.45, "C": 0.6, "H": 0.7, "D": 1.0}
CUE_FPS = 30.0  # S2L's own frame rate; cue times are rounded to centiseconds like Rhubarb's

# Phone families (CMU phones as PhoneNet writes them) and the shape each stands for.
_FAMILY_PHONES = {
    "A": ("M", "B", "P"),
    "G": ("F", "V"),
    "F": ("UW", "W"),
    "E": ("OW", "OY", "AO", "ER", "UH", "R"),
    "H": ("L",),
    "X": ("SIL",),
}
MOTION_WEIGHT = 0.6  # how much the S2L openness (vs the phones' jaw opening) decides B/C/D
OPEN_LEVELS = (0.45, 0.75)  # mixed openness below → B, below → C, else D (chosen on the held-out clips, see docs/exports.md)
CLOSED_LIPS = 0.08  # relative S2L openness under which the lips are shut (A) whatever the phone
OPENNESS_FLOOR = 0.15  # the relative scale never divides by less (a line said with a tight mouth)


@dataclass(frozen=True)
class MouthCue:
    """One mouth shape held from ``start`` to ``end`` (seconds)."""

    start: float
    end: float
    shape: str


@dataclass(frozen=True)
class CueFrames:
    """Per-frame evidence for cues: T values each at ``fps``.

    openness: inner-lip gap / mouth width of the motion; phones: T×40 phone
    probabilities (PHONES order); speech: T bools from the voice detector.
    """

    fps: float
    duration: float
    openness: np.ndarray
    phones: np.ndarray
    speech: np.ndarray


def shape_set(extended: str = EXTENDED_SHAPES) -> str:
    """The shapes cues may use: A–F plus the extended shapes asked for (Rhubarb's
    ``--extendedShapes``, e.g. "GHX", "X" or "")."""
    letters = extended.strip().upper()
    unknown = sorted(set(letters) - set(EXTENDED_SHAPES))
    if unknown:
        raise OutputError(f"--extended-shapes takes letters from G, H and X, got '{extended}'.")
    return BASIC_SHAPES + "".join(s for s in EXTENDED_SHAPES if s in letters)


def to_shape_set(shape: str, shapes: str) -> str:
    """``shape``, or its basic shape when the set lacks it."""
    return shape if shape in shapes else BASIC_OF[shape]


def _family_mass(phones: np.ndarray) -> tuple[list[str], np.ndarray]:
    """T×F probability of each phone family, plus the 'plain open' remainder."""
    from core.audio.phone_net import PHONES

    index = {p: i for i, p in enumerate(PHONES)}
    names = list(_FAMILY_PHONES)
    mass = np.stack([phones[:, [index[p] for p in members]].sum(axis=1) for members in _FAMILY_PHONES.values()], 1)
    rest = np.clip(1.0 - mass.sum(axis=1, keepdims=True), 0.0, None)
    return names + ["open"], np.concatenate([mass, rest], axis=1)


def relative_openness(openness: np.ndarray, speech: np.ndarray) -> np.ndarray:
    """Openness over the line's own wide-open level (95th percentile in speech), so the
    thresholds do not depend on the face's proportions."""
    voiced = openness[speech] if speech.any() else openness
    scale = max(float(np.percentile(voiced, 95)) if voiced.size else 0.0, OPENNESS_FLOOR)
    return np.clip(openness / scale, 0.0, 1.5)


def frame_shapes(frames: CueFrames) -> list[str]:
    """One shape letter per frame, from all of A–H and X (see the module doc)."""
    from core.audio.phone_net import PHONE_OPENNESS, PHONES

    phones = np.asarray(frames.phones, np.float64)
    speech = np.asarray(frames.speech, bool)
    rel = relative_openness(np.asarray(frames.openness, np.float64), speech)
    names, mass = _family_mass(phones)
    family = [names[i] for i in mass.argmax(axis=1)]
    phone_open = phones @ np.array([PHONE_OPENNESS[p] for p in PHONES])
    mixed = MOTION_WEIGHT * np.clip(rel, 0.0, 1.0) + (1.0 - MOTION_WEIGHT) * phone_open
    shapes = []
    for t, kind in enumerate(family):
        if not speech[t] or (kind == "X" and rel[t] < CLOSED_LIPS):
            shapes.append("X")
        elif kind == "A" or rel[t] < CLOSED_LIPS:
            shapes.append("A")
        elif kind in ("G", "F", "E") or (kind == "H" and mixed[t] >= OPEN_LEVELS[0]):
            shapes.append(kind)
        else:
            shapes.append("B" if mixed[t] < OPEN_LEVELS[0] else "C" if mixed[t] < OPEN_LEVELS[1] else "D")
    return shapes


def _runs(shapes: Sequence[str]) -> list[list]:
    """[shape, first frame, frame count] for each run of equal shapes."""
    runs: list[list] = []
    for t, shape in enumerate(shapes):
        if runs and runs[-1][0] == shape:
            runs[-1][2] += 1
        else:
            runs.append([shape, t, 1])
    return runs


def _without_flicker(runs: list[list]) -> list[list]:
    """One-frame runs (other than A and X) join the neighbour whose opening is closer."""
    out: list[list] = []
    for i, run in enumerate(runs):
        if run[2] == 1 and run[0] not in "AX" and 0 < i < len(runs) - 1:
            before, after = out[-1], runs[i + 1]
            opening = SHAPE_OPENING[run[0]]
            if abs(SHAPE_OPENING[before[0]] - opening) <= abs(SHAPE_OPENING[after[0]] - opening):
                before[2] += 1
            else:
                after[1], after[2] = run[1], after[2] + 1
            continue
        if out and out[-1][0] == run[0]:
            out[-1][2] += run[2]
        else:
            out.append(list(run))
    return out


def _with_tweens(runs: list[list]) -> list[list]:
    """A closed mouth (A, B, X) going straight to D opens through C first (one frame)."""
    out: list[list] = []
    for run in runs:
        if run[0] == "D" and run[2] >= 3 and out and out[-1][0] in "ABX":
            out.append(["C", run[1], 1])
            run = ["D", run[1] + 1, run[2] - 1]
        out.append(run)
    return out


def cues_from_shapes(shapes: Sequence[str], fps: float, duration: float, allowed: str = SHAPES) -> list[MouthCue]:
    """Per-frame shapes → cues covering 0..duration (centiseconds), in the allowed set."""
    end_cs = int(duration * 100 + 1e-6)  # Rhubarb truncates the duration to 0.01 s
    mapped = [to_shape_set(s, allowed) for s in shapes]
    runs = _with_tweens(_without_flicker(_runs(mapped)))
    cues: list[MouthCue] = []
    for shape, first, _count in runs:
        start = min(round(first / fps * 100), end_cs)
        if cues and cues[-1].shape == shape:
            continue
        if cues and start <= round(cues[-1].start * 100):
            cues[-1] = MouthCue(cues[-1].start, cues[-1].end, shape)  # a run shorter than 0.01 s
            continue
        if cues:
            cues[-1] = MouthCue(cues[-1].start, start / 100, cues[-1].shape)
        cues.append(MouthCue(start / 100, end_cs / 100, shape))
    if not cues:
        cues = [MouthCue(0.0, end_cs / 100, to_shape_set("X", allowed))]
    return cues


def cue_openness(cues: Sequence[MouthCue], fps: float, frames: int) -> np.ndarray:
    """T relative openings (D = 1): each frame's cue read through SHAPE_OPENING."""
    times = (np.arange(frames) + 0.5) / fps
    out = np.zeros(frames, np.float64)
    for cue in cues:
        out[(times >= cue.start) & (times < cue.end)] = SHAPE_OPENING[cue.shape]
    return out


def cue_at(cues: Sequence[MouthCue], times: np.ndarray) -> list[str]:
    """The shape showing at each time (the last cue's shape after the end)."""
    starts = np.array([c.start for c in cues])
    index = np.clip(np.searchsorted(starts, np.asarray(times, np.float64), side="right") - 1, 0, len(cues) - 1)
    return [cues[i].shape for i in index]


def cue_frames_for_speech(audio, motion: np.ndarray, phones: np.ndarray, fps: float) -> CueFrames:
    """CueFrames from a speech line and the S2L motion (T×68×2 normalized) made of it."""
    from core.audio.loudness import normalized_loudness
    from core.audio.voice_activity import voice_activity

    frames = len(motion)
    level = normalized_loudness(audio)
    speech = voice_activity(level.samples, level.sample_rate, fps, frames)
    return CueFrames(fps, audio.duration, mouth_openness(motion), _fit(phones, frames), speech)


def _fit(rows: np.ndarray, n: int) -> np.ndarray:
    rows = np.asarray(rows, np.float32)
    if len(rows) >= n:
        return rows[:n]
    return np.concatenate([rows, np.repeat(rows[-1:], n - len(rows), 0)])


def neutral_face() -> np.ndarray:
    """The template face (68×3 normalized) cues are computed on: no portrait needed."""
    from core.landmarks.pose_estimation import frontal_reference

    face = frontal_reference()
    if face is None:
        raise OutputError("The template face (core/landmarks/template_face.json) is missing.")
    return face


def cues_from_motion(audio, motion: np.ndarray, mfcc: np.ndarray, fps: float, extended: str = EXTENDED_SHAPES,
                     transcript: str | None = None, posteriors=None) -> list[MouthCue]:
    """Cues for a line from the S2L motion made of it (T×68×2) and the phones heard in it."""
    return cues_from_phones(audio, motion, heard_phones(audio, mfcc, fps, transcript, posteriors), fps, extended)


def cues_from_phones(audio, motion: np.ndarray, phones: np.ndarray, fps: float,  # noqa: ANN001
                     extended: str = EXTENDED_SHAPES) -> list[MouthCue]:
    """Cues for a line from its S2L motion (T×68×2) and the T×40 phones heard in it."""
    frames = cue_frames_for_speech(audio, motion, phones, fps)
    return cues_from_shapes(frame_shapes(frames), fps, audio.duration, shape_set(extended))


def cues_for_audio(audio_path: Path, transcript: str | None = None, extended: str = EXTENDED_SHAPES,
                   model=None) -> tuple[list[MouthCue], float]:
    """Mouth cues for a speech file (and the audio's duration): S2L on the template face
    plus the phones it heard. ``model``: a loaded SpeechToLandmarks (default: shipped)."""
    from core.audio.audio_io import load_audio
    from core.motion.s2l_inference import SpeechToLandmarks

    shape_set(extended)  # a bad --extended-shapes fails before any work
    audio = load_audio(audio_path)
    model = model or SpeechToLandmarks.load()
    # the phones S2L heard (a transcript aligned once) are the cues' phones too
    motion, mfcc, phones = model.animate_speech_heard(audio, CUE_FPS, neutral_face(), transcript=transcript)
    if phones is None:  # a model that does not listen to phones: PhoneNet's guesses
        phones = heard_phones(audio, mfcc, CUE_FPS)
    return cues_from_phones(audio, motion, phones, CUE_FPS, extended), audio.duration


def cues_for_animation(animation, extended: str = EXTENDED_SHAPES, posteriors=None) -> list[MouthCue]:
    """Mouth cues matching a generated ``core.pipeline.Animation`` (its own S2L motion, opened
    or closed by the project's lip-opening curve as the render is)."""
    from core.animation.lip_opening import with_opening_curve  # core.animation imports this module

    speech = animation.speech
    base = with_opening_curve(speech.base, animation.tracks, animation.setup.rest.points68, speech.fps)
    return cues_from_motion(speech.audio, base, speech.mfcc, speech.fps, extended, None, posteriors)
