"""The one cache of motion derived from a project's media: S2L speech motion, the base head
pose, and the composed rigs.

Every result is stored under a key naming exactly what it was computed from — the media
files (resolved path, size and modification time), the frame rate, the transcript, the
rest face and the model weights' sha256 — so a result is only ever found for the inputs
that made it. A speech motion computed for the previous audio is filed under that audio's
key and is never returned for the audio the user opened since; a new rest face, transcript
or fps asks for a new result. The studio (preview, export) and ``render-project`` use the
same cache and the same compute functions, so the studio's export reuses what the preview
already has and renders what the command line renders.

Thread-safe: workers compute outside the lock and store under the key they were given.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Generic, TypeVar

import numpy as np

from core.animation.tracks import Tracks
from core.landmarks.face_landmarks import FaceLandmarks
from core.landmarks.normalized_space import NormalizedFace, normalize
from core.motion.motion_frames import MotionFrames
from core.pipeline import SpeechMotion, compose_base
from core.pose_source import PoseSource, absolute_pose
from core.timebase import fit_length  # trim, or hold the last row
from core.progress import ProgressCallback

SPEECH_RESULTS_KEPT = 3  # a speech motion holds its 16 kHz samples: ~2 MB per minute
POSE_RESULTS_KEPT = 8  # undo/redo between pose sources flips between these

Key = TypeVar("Key")
Value = TypeVar("Value")


@dataclass(frozen=True)
class FileStamp:
    """A media file as it is on disk now: a changed file gets a new stamp."""

    path: str
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: str | os.PathLike) -> FileStamp:
        """The stamp of ``path`` (size -1 when it cannot be read: its loader will say why)."""
        resolved = os.path.realpath(path)
        try:
            info = os.stat(resolved)
        except OSError:
            return cls(resolved, -1, 0)
        return cls(resolved, info.st_size, info.st_mtime_ns)


@dataclass(frozen=True)
class SpeechKey:
    """What an S2L speech motion is computed from."""

    audio: FileStamp
    fps: float
    transcript: str  # stripped; "" = phones guessed by PhoneNet
    face: str  # face_digest of the rest face S2L speaks from
    model: str  # sha256 recorded for the S2L weights ("" when unknown)
    model_path: str | None = None  # None: the shipped weights


@dataclass(frozen=True)
class PoseKey:
    """What base head-pose deltas are computed from (the audio is heard by PoseGen and sets
    the line's length; without audio the line is ``frames`` long)."""

    source: PoseSource
    audio: FileStamp | None
    fps: float
    frames: int  # only used without audio
    video: FileStamp | None = None
    model: str = ""

    @property
    def audio_path(self) -> str | None:
        """The speech file heard (None for a still head or without speech)."""
        return None if self.audio is None else self.audio.path


@dataclass(frozen=True)
class RigKey:
    """What the composed rigs of one clip are computed from."""

    base: SpeechKey | tuple  # a speech key, or a stand-in base's own description
    pose: PoseKey
    face: str
    tracks: tuple[int, int]  # (id of the Tracks, its revision): any edit makes a new key


def canonical_face(face: FaceLandmarks) -> FaceLandmarks:
    """``face`` exactly as a saved project holds it (float32 points, plain-float pose), so the
    studio computes from the same numbers ``render-project`` reads back from the file."""
    from core.animation.project_schema import face_from_json, face_to_json

    return face_from_json(json.loads(json.dumps(face_to_json(face))))


def face_digest(face: FaceLandmarks) -> str:
    """A short digest of the face as saved (points, lids, iris, pose, image size)."""
    from core.animation.project_schema import face_to_json

    text = json.dumps(face_to_json(face), sort_keys=True)
    return hashlib.sha1(text.encode()).hexdigest()[:16]


@lru_cache(maxsize=8)
def _recorded_sha(path: str) -> str:
    from core.weights_file import recorded_sha256

    return recorded_sha256(Path(path)) or ""


def s2l_weights_sha(model_path: str | os.PathLike | None = None) -> str:
    """The recorded sha256 of the S2L weights (the shipped ones by default)."""
    from core.motion.s2l_inference import DEFAULT_WEIGHTS

    return _recorded_sha(str(model_path or DEFAULT_WEIGHTS))


def speech_key(audio_path: str | os.PathLike, face: FaceLandmarks, fps: float, transcript: str | None = "",
               model_path: str | os.PathLike | None = None) -> SpeechKey:
    """The key of the speech motion for this audio, rest face, fps, transcript and model."""
    return SpeechKey(FileStamp.of(audio_path), float(fps), (transcript or "").strip(), face_digest(face),
                     s2l_weights_sha(model_path), None if model_path is None else str(model_path))


def pose_key(source: PoseSource, audio_path: str | os.PathLike | None, fps: float, frames: int) -> PoseKey:
    """The key of the base pose for ``source`` over this audio (or ``frames`` without audio)."""
    audio = FileStamp.of(audio_path) if audio_path is not None and source.kind != "still" else None
    video = FileStamp.of(source.video_path) if source.kind == "from-video" and source.video_path else None
    model = ""
    if source.kind == "generated":
        from core.motion.posegen import DEFAULT_PATH

        model = _recorded_sha(str(DEFAULT_PATH))
    return PoseKey(source, audio, float(fps), 0 if audio is not None else int(frames), video, model)


def compute_speech(key: SpeechKey, face: FaceLandmarks, progress: ProgressCallback | None = None) -> SpeechMotion:
    """Run S2L for ``key`` (``face`` is the rest face the key's digest names): exactly what
    ``space-studio render`` does (core.pipeline.predict_speech_motion). Slow: call off the UI thread."""
    from core.audio.audio_io import load_audio
    from core.motion.s2l_inference import SpeechToLandmarks

    model = SpeechToLandmarks.load(key.model_path)
    audio = load_audio(key.audio.path)
    base, mfcc = model.animate_speech(audio, key.fps, normalize(canonical_face(face)).points68,
                                      transcript=key.transcript or None, progress=progress)
    return SpeechMotion(audio, key.fps, mfcc, np.asarray(base, np.float32))


def speech_features(audio_path: str, fps: float) -> np.ndarray:
    """T×40 MFCC of the line at one loudness: what S2L (and so PoseGen) hears."""
    from core.audio.audio_io import load_audio
    from core.audio.features import mfcc_per_frame
    from core.audio.loudness import loudness_gain

    audio = load_audio(audio_path)
    return mfcc_per_frame(audio, fps, loudness_gain(audio))


def compute_pose(key: PoseKey, mfcc: np.ndarray | None = None) -> np.ndarray | None:
    """T×6 pose deltas for ``key`` (None for a still head); ``mfcc`` may be the cached speech
    motion's (the same numbers ``speech_features`` gives). Slow: call off the UI thread."""
    from core.pose_source import pose_deltas

    if key.source.kind == "still":
        return None
    if mfcc is None and key.audio is not None:
        mfcc = speech_features(key.audio.path, key.fps)
    elif mfcc is None:  # no speech yet: PoseGen hears silence over the project's length
        mfcc = np.zeros((key.frames, 40), np.float32)
    deltas = pose_deltas(key.source, mfcc, key.fps)
    return None if deltas is None else np.asarray(deltas, np.float64)


def base_pose(face: FaceLandmarks, deltas: np.ndarray | None, frames: int) -> np.ndarray:
    """T×7 absolute pose: the portrait's own pose plus ``deltas`` (the last one held to ``frames``)."""
    return absolute_pose(face.pose, None if deltas is None else fit_length(deltas, frames), frames)


class _Results(Generic[Key, Value]):
    """A small least-recently-used map behind a lock."""

    def __init__(self, kept: int) -> None:
        self._kept = kept
        self._items: OrderedDict[Key, Value] = OrderedDict()
        self._lock = threading.Lock()

    def __contains__(self, key: object) -> bool:
        with self._lock:
            return key in self._items

    def get(self, key: Key) -> Value | None:
        with self._lock:
            if key not in self._items:
                return None
            self._items.move_to_end(key)
            return self._items[key]

    def put(self, key: Key, value: Value) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._kept:
                self._items.popitem(last=False)

    def items(self) -> list[tuple[Key, Value]]:
        """Newest last."""
        with self._lock:
            return list(self._items.items())

    def drop(self, keep: Callable[[Key], bool]) -> None:
        """Forget every entry whose key ``keep(key)`` refuses."""
        with self._lock:
            for key in [k for k in self._items if not keep(k)]:
                del self._items[key]


class PoseResults:
    """Pose deltas per PoseKey; a still head needs none."""

    def __init__(self) -> None:
        self._results: _Results[PoseKey, np.ndarray | None] = _Results(POSE_RESULTS_KEPT)

    def __contains__(self, key: PoseKey) -> bool:
        return key.source.kind == "still" or key in self._results

    def get(self, key: PoseKey) -> np.ndarray | None:
        return None if key.source.kind == "still" else self._results.get(key)

    def put(self, key: PoseKey, deltas: np.ndarray | None) -> None:
        self._results.put(key, deltas)

    def drop(self, keep: Callable[[PoseKey], bool]) -> None:
        self._results.drop(keep)


class DerivedMotion:
    """Speech motions, pose deltas and the last composed rigs, each under its key."""

    def __init__(self) -> None:
        self.speech: _Results[SpeechKey, SpeechMotion] = _Results(SPEECH_RESULTS_KEPT)
        self.poses = PoseResults()
        self._rigs: tuple[RigKey, MotionFrames] | None = None
        self._lock = threading.Lock()

    def speech_for(self, key: SpeechKey, face: FaceLandmarks, progress: ProgressCallback | None = None) -> SpeechMotion:
        """The cached speech motion for ``key``, computed (and kept) when missing."""
        found = self.speech.get(key)
        if found is None:
            found = compute_speech(key, face, progress)
            self.speech.put(key, found)
        return found

    def pose_for(self, key: PoseKey) -> np.ndarray | None:
        """The cached pose deltas for ``key``, computed (and kept) when missing; PoseGen hears
        the MFCC of a cached speech motion of the same audio when there is one."""
        if key in self.poses:
            return self.poses.get(key)
        deltas = compute_pose(key, self._cached_mfcc(key))
        self.poses.put(key, deltas)
        return deltas

    def _cached_mfcc(self, key: PoseKey) -> np.ndarray | None:
        for speech_key_, speech in reversed(self.speech.items()):
            if key.audio is not None and speech_key_.audio == key.audio and speech_key_.fps == key.fps:
                return speech.mfcc
        return None

    def latest_speech(self, audio: FileStamp, fps: float) -> tuple[SpeechKey, SpeechMotion] | None:
        """The newest speech motion of this very audio at this fps (made for another face or
        transcript): what a preview may show while the exact one is computed. Never one of
        other audio."""
        for key, speech in reversed(self.speech.items()):
            if key.audio == audio and key.fps == fps:
                return key, speech
        return None

    def forget_other_audio(self, audio: FileStamp | None) -> None:
        """Drop every result derived from audio other than ``audio`` (the user opened new speech)."""
        self.speech.drop(lambda key: key.audio == audio)
        self.poses.drop(lambda key: key.audio is None or key.audio == audio)

    def rigs(self, key: RigKey) -> MotionFrames | None:
        """The composed rigs stored under ``key``, if they are the last ones composed."""
        with self._lock:
            return self._rigs[1] if self._rigs is not None and self._rigs[0] == key else None

    def put_rigs(self, key: RigKey, motion: MotionFrames) -> None:
        with self._lock:
            self._rigs = (key, motion)

    def composed(self, key: RigKey, rest: NormalizedFace, base: np.ndarray, fps: float, tracks: Tracks,
                 pose: np.ndarray | None, displacements: Mapping[str, np.ndarray] | None) -> MotionFrames:
        """The rigs of ``key`` (composed by core.pipeline.compose_base, as an export composes
        them) from the cache, or composed now and kept until the key changes."""
        found = self.rigs(key)
        if found is None:
            found = compose_base(rest, base, fps, tracks, pose, displacements)[1]
            self.put_rigs(key, found)
        return found
