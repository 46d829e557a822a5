"""A real talking clip as the evaluator needs it: landmarks and speech at 30 fps.

The real motion is the normalized face track our own detector finds in the
video's frames (``core.landmarks.video_face_track.load_or_extract``); the speech is
the video's audio track. Both are cut to the same number of 30 fps frames.
Tests and callers with their own tracks pass a ``track_loader`` instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from core.audio.audio_io import load_audio
from core.errors import NoFaceError, SpaceStudioError
from core.evaluation.crossval import clip_key
from core.audio.voice_activity import voice_activity
from core.timebase import resample_series, resample_valid

EVAL_FPS = 30.0
DEFAULT_CACHE = Path.home() / ".cache" / "space-studio" / "tracks"


@dataclass(frozen=True)
class RealTrack:
    """Normalized landmarks of a video at its own frame rate."""

    points: np.ndarray  # T×68×3 (or ×2) normalized
    valid: np.ndarray  # T bool
    fps: float


@dataclass(frozen=True)
class ClipData:
    """One clip at EVAL_FPS: real landmarks, valid mask, audio and speech mask."""

    name: str  # folder/file, unique across the talking set
    real: np.ndarray  # T×68×3 normalized
    valid: np.ndarray  # T bool
    samples: np.ndarray  # 16 kHz mono float32
    sample_rate: int
    speech: np.ndarray  # T bool, from core.audio.voice_activity

    @property
    def n_frames(self) -> int:
        return len(self.valid)

    def face0(self) -> np.ndarray:
        """The portrait: the first frame where the detector found the face."""
        return self.real[int(np.argmax(self.valid))]


TrackLoader = Callable[[Path], RealTrack]


def resample_track(track: RealTrack, fps: float = EVAL_FPS) -> RealTrack:
    """Linear interpolation in time to ``fps``; a frame is valid only if both
    source frames around it are."""
    n = len(track.valid)
    if n == 0 or abs(track.fps - fps) < 1e-6:
        return track
    points = resample_series(track.points, track.fps, fps)
    return RealTrack(points.astype(np.float32), resample_valid(track.valid, track.fps, fps), fps)


def default_track_loader(cache_dir: Path = DEFAULT_CACHE) -> TrackLoader:
    """Our detector's normalized track of each video (cached by core.landmarks.video_face_track)."""
    from core.landmarks.video_face_track import load_or_extract

    def load(video: Path) -> RealTrack:
        track = load_or_extract(video, cache_dir)
        return RealTrack(np.asarray(track.points68), np.asarray(track.valid, bool), float(track.fps))

    return load


def load_clip(video: Path, track_loader: TrackLoader) -> ClipData:
    """Real landmarks + audio of ``video`` cut to a common length at EVAL_FPS."""
    track = resample_track(track_loader(video))
    if not np.any(track.valid):
        raise NoFaceError(f"No face found in any frame of {video}")
    audio = load_audio(video)
    audio_frames = int(np.ceil(round(audio.duration * EVAL_FPS, 6)))
    n = min(len(track.valid), audio_frames)
    if n < 2:
        raise SpaceStudioError(f"Clip too short to evaluate (under 2 frames at 30 fps): {video}")
    speech = voice_activity(audio.samples, audio.sample_rate, EVAL_FPS, n)
    return ClipData(clip_key(video), track.points[:n], track.valid[:n], audio.samples,
                    audio.sample_rate, speech)
