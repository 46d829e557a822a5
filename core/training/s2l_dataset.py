"""(MFCC, normalized landmark) training pairs for S2L, built from talking videos.

Face tracks come from ``core.training.face_tracks.load_or_extract`` (shared
cache in ~/.cache/space-studio/tracks) when that module is available; otherwise a minimal MediaPipe tracker here extracts the 68
points and frontalizes them with a face-fixed frame (eye corners and ears for
x, nose bridge for y) — enough for lip motion, which is what S2L learns.
Clips are filtered in the spirit of SPACE appendix B: frames with a lost face
or a large head rotation are dropped, and runs shorter than a window are skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.audio.audio_io import load_audio
from core.audio.features import mfcc_per_frame

FEATURE_FPS = 30.0
MAX_ROTATION_DEG = 30.0
# MediaPipe face-mesh index for each iBUG-68 point (jaw, brows, nose, eyes, lips).
MP_TO_IBUG68 = np.array([
    127, 234, 93, 132, 58, 136, 150, 176, 152, 400, 379, 365, 288, 361, 323, 454, 356,
    70, 63, 105, 66, 107, 336, 296, 334, 293, 300,
    168, 197, 5, 4, 75, 97, 2, 326, 305,
    33, 160, 158, 133, 153, 144, 362, 385, 387, 263, 373, 380,
    61, 39, 37, 0, 267, 269, 291, 405, 314, 17, 84, 181,
    78, 82, 13, 312, 308, 317, 14, 87,
])
# People held out from training (names from core.evaluation.crossval's speaker table):
# two English speakers whose clips the sync filter would have dropped, the GRID man
# with two clips, and a German news anchor.
VALIDATION_SPEAKERS = ("german_news_anchor", "grid_grey_haired_man", "retalking_woman_blue",
                       "latentsync_woman_outdoors")
# Minimum Pearson r between mouth openness and audio energy (c0) for a clip to be
# trusted as in sync — a crude stand-in for SPACE's SyncNet-confidence filter.
MIN_SYNC_R = 0.05
EMOTIONS = ("neutral", "happy", "sad", "angry", "surprised", "fear", "disgust", "contempt")


@dataclass(frozen=True)
class Track:
    """Normalized landmarks of one video resampled to FEATURE_FPS."""

    points68: np.ndarray  # T×68×3 normalized
    valid: np.ndarray  # T bool
    rotation: np.ndarray  # T×3 degrees (yaw, pitch, roll), for filtering


@dataclass(frozen=True)
class Clip:
    """One training clip: aligned features and landmarks at FEATURE_FPS."""

    name: str
    speaker: str
    mfcc: np.ndarray  # T×40
    points: np.ndarray  # T×68×2 normalized
    emotion: np.ndarray  # 8 one-hot / soft label
    key: str = ""  # folder/file, the evaluation's clip key


def talking_videos(data_dir: Path) -> list[Path]:
    """Every talking video with a speech track under ``data_dir/talking``."""
    suffixes = {".mp4", ".mpg", ".mov", ".avi", ".mkv"}
    return sorted(p for p in (data_dir / "talking").rglob("*") if p.suffix.lower() in suffixes)


def speaker_of(video: Path) -> str:
    """The person in a clip, from the evaluation's speaker table, so training and
    scoring agree on who is who (two GRID clips show the same man, for one)."""
    from core.evaluation.crossval import speaker_of as table_speaker

    return table_speaker(video)


def emotion_of(video: Path) -> np.ndarray:
    """Emotion label from the file name when it names one (MEAD), else neutral."""
    label = np.zeros(len(EMOTIONS), np.float32)
    words = video.stem.lower().replace("-", "_").split("_")
    hits = [i for i, e in enumerate(EMOTIONS) if e in words or e + "ed" in words]
    label[hits[0] if hits else 0] = 1.0
    return label


def build_clip(video: Path, cache_dir: Path, require_sync: bool = True) -> Clip | None:
    """Features + filtered landmarks of one talking video, or None if unusable.

    ``require_sync`` drops clips whose lips do not follow loudness; held-out clips
    skip it, since dropping the hard ones would flatter the held-out score."""
    track = load_track(video, cache_dir)
    mfcc = mfcc_per_frame(load_audio(video), FEATURE_FPS)
    n = min(len(mfcc), len(track.valid))
    # Pitch of the face-fixed frame carries a per-person offset (nose-bridge slant), so
    # it is judged against the clip's median; yaw and roll are absolute.
    rot = track.rotation[:n].copy()
    rot[:, 1] -= np.median(rot[track.valid[:n], 1]) if track.valid[:n].any() else 0.0
    keep = track.valid[:n] & (np.abs(rot).max(1) < MAX_ROTATION_DEG)
    start, stop = _longest_run(keep)
    if stop - start < 30:
        return None
    points = track.points68[start:stop, :, :2].astype(np.float32)
    if require_sync and sync_score(mfcc[start:stop], points) < MIN_SYNC_R:
        return None  # audio and lips disagree: dubbed, unsynced or badly tracked
    from core.evaluation.crossval import clip_key

    return Clip(video.stem, speaker_of(video), mfcc[start:stop], points, emotion_of(video), clip_key(video))


def sync_score(mfcc: np.ndarray, points: np.ndarray) -> float:
    """Pearson r of inner-lip gap / mouth width with MFCC c0 (loudness)."""
    gap = np.linalg.norm(points[:, 66] - points[:, 62], axis=1)
    openness = gap / np.maximum(np.linalg.norm(points[:, 54] - points[:, 48], axis=1), 1e-6)
    if openness.std() < 1e-9 or mfcc[:, 0].std() < 1e-9:
        return 0.0
    return float(np.corrcoef(openness, mfcc[:, 0])[0, 1])


def _longest_run(mask: np.ndarray) -> tuple[int, int]:
    best, start = (0, 0), None
    for i, ok in enumerate(np.append(mask, False)):
        if ok and start is None:
            start = i
        elif not ok and start is not None:
            best = max(best, (start, i), key=lambda r: r[1] - r[0])
            start = None
    return best


def load_track(video: Path, cache_dir: Path) -> Track:
    """Normalized track at FEATURE_FPS: the shared face_tracks cache, else a local one.

    The shared tracks use ``core.landmarks.normalized_space``, the same
    normalization the app applies to a portrait, so they are preferred.
    """
    try:
        from core.training.face_tracks import load_or_extract
    except ImportError:
        return _load_local_track(video, cache_dir)
    track = load_or_extract(video)
    return _resample(track.points68, track.valid, track.poses[:, :3], track.fps)


def _load_local_track(video: Path, cache_dir: Path) -> Track:
    """Fallback: minimal MediaPipe tracker cached in ``cache_dir``."""
    cache = cache_dir / (video.parent.name + "__" + video.stem + ".npz")
    if cache.is_file():
        with np.load(cache) as z:
            return Track(z["points68"], z["valid"], z["rotation"])
    points, valid, fps = _extract_mediapipe(video)
    track = _resample(*_normalize(points, valid), fps)
    cache_dir.mkdir(parents=True, exist_ok=True)
    np.savez(cache, points68=track.points68, valid=track.valid, rotation=track.rotation)
    return track


def _extract_mediapipe(video: Path) -> tuple[np.ndarray, np.ndarray, float]:
    """T×68×3 pixel points (z in x-pixel units), valid mask, fps."""
    import cv2
    import mediapipe as mp

    cap = cv2.VideoCapture(str(video))
    fps = cap.get(cv2.CAP_PROP_FPS) or 25.0
    points, valid = [], []
    with mp.solutions.face_mesh.FaceMesh(static_image_mode=False, max_num_faces=1,
                                         refine_landmarks=False) as mesh:
        while True:
            ok, frame = cap.read()
            if not ok:
                break
            scale = 640.0 / max(frame.shape[:2])
            if scale < 1.0:  # detection accuracy is fine at 640 px and 3× faster
                frame = cv2.resize(frame, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
            result = mesh.process(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
            h, w = frame.shape[:2]
            if result.multi_face_landmarks:
                lm = result.multi_face_landmarks[0].landmark
                pts = np.array([[lm[i].x * w, lm[i].y * h, lm[i].z * w] for i in MP_TO_IBUG68])
                points.append(pts)
                valid.append(True)
            else:
                points.append(np.zeros((68, 3)))
                valid.append(False)
    cap.release()
    return np.asarray(points, np.float32).reshape(-1, 68, 3), np.asarray(valid, bool), float(fps)


def _normalize(points: np.ndarray, valid: np.ndarray):
    """Frontalize with a face-fixed frame; jaw ends 2 apart, origin between them."""
    p = points.astype(np.float64)
    p[..., 1:] *= -1.0  # y up, z towards viewer → right-handed frame
    x = (p[:, 16] + p[:, 45]) - (p[:, 0] + p[:, 36])
    x /= np.linalg.norm(x, axis=1, keepdims=True) + 1e-9
    up = p[:, 27] - p[:, 33]
    y = up - (up * x).sum(1, keepdims=True) * x
    y /= np.linalg.norm(y, axis=1, keepdims=True) + 1e-9
    z = np.cross(x, y)
    rot = np.stack([x, y, z], axis=1)  # rows: face axes in camera coordinates
    origin = (p[:, 0] + p[:, 16]) / 2
    local = np.einsum("tij,tkj->tki", rot, p - origin[:, None])
    local /= (np.linalg.norm(p[:, 16] - p[:, 0], axis=1) / 2 + 1e-9)[:, None, None]
    local[..., 1:] *= -1.0  # back to image convention: y down
    return local.astype(np.float32), valid, _euler_deg(rot)


def _euler_deg(rot: np.ndarray) -> np.ndarray:
    """Approximate yaw, pitch, roll of the face frame (for filtering only)."""
    x, y, z = rot[:, 0], rot[:, 1], rot[:, 2]
    yaw = np.degrees(np.arctan2(z[:, 0], z[:, 2]))
    pitch = np.degrees(np.arctan2(z[:, 1], z[:, 2]))
    roll = np.degrees(np.arctan2(x[:, 1], x[:, 0]))
    return np.stack([yaw, pitch, roll], 1).astype(np.float32)


def _resample(points, valid, rotation, fps: float) -> Track:
    """Linear resampling of a track from the video fps to FEATURE_FPS."""
    n = len(points)
    count = int(np.ceil(round(n / fps * FEATURE_FPS, 6)))
    src = np.clip((np.arange(count) + 0.5) * fps / FEATURE_FPS - 0.5, 0, max(n - 1, 0))
    lo = np.floor(src).astype(int)
    hi = np.minimum(lo + 1, n - 1)
    w = (src - lo)[:, None, None]
    pts = points[lo] * (1 - w) + points[hi] * w
    rot = rotation[lo] * (1 - w[:, :, 0]) + rotation[hi] * w[:, :, 0]
    return Track(pts.astype(np.float32), valid[lo] & valid[hi], rot.astype(np.float32))
