"""(MFCC, normalized landmark) training pairs for S2L, built from talking videos.

Face tracks come from ``core.landmarks.video_face_track.load_or_extract`` (shared
cache in ~/.cache/space-studio/tracks), normalized exactly as the app
normalizes a portrait.
Clips are filtered in the spirit of SPACE appendix B: frames with a lost face
or a large head rotation are dropped, and runs shorter than a window are skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.emotion_spec import EMOTIONS
from core.audio.audio_io import load_audio
from core.audio.features import mfcc_per_frame
from core.landmarks.face_geometry import mouth_openness
from core.timebase import resample_series, resample_valid

FEATURE_FPS = 30.0
MAX_ROTATION_DEG = 30.0
# People held out from training (names from core.evaluation.crossval's speaker table):
# two English speakers whose clips the sync filter would have dropped, the GRID man
# with two clips, and a German news anchor.
VALIDATION_SPEAKERS = ("german_news_anchor", "grid_grey_haired_man", "retalking_woman_blue",
                       "latentsync_woman_outdoors")
# Minimum Pearson r between mouth openness and loudness (MFCC c0) for a
# clip to be trusted as in sync — a crude stand-in for SPACE's SyncNet-confidence filter.
MIN_SYNC_R = 0.05
# Some videos carry their sound late or early (LivePortrait's d20 and the Obama
# address by ~250 ms: lips and sound agree far better at +7/+8 frames than at 0).
# Like SPACE's SyncNet offset correction, training clips are re-aligned when the
# loudness–openness correlation peaks clearly away from lag 0. Short clips are
# left alone: three seconds of syllables correlate at spurious lags.
MAX_SYNC_LAG = 10  # frames (333 ms)
MIN_SYNC_GAIN = 0.1  # r at the best lag must beat r at lag 0 by this much
MIN_SYNC_FRAMES = 150  # 5 s
# Sound/picture offsets (frames at 30 fps, av_offset's sign) that the 80-clip cross-validation
# measured on clips too short for av_offset: the median best lag of the energy jaw, the phone
# visemes and S2L, all of which agreed on at least 2 frames on one side
# (weights/s2l/crossval/av_offsets.md). Used with TrainConfig.measured_offsets.
MEASURED_OFFSETS: dict[str, int] = {
    "filby89__spectre/MEAD_M030_level_3_angry_016.mp4": 7,
    "filby89__spectre/MEAD_M003_level_1_disgusted_015.mp4": 5,
    "filby89__spectre/MEAD_M003_level_1_happy_024.mp4": 4,
    "filby89__spectre/MEAD_W015_level_1_neutral_030.mp4": 3,
    "filby89__spectre/MEAD_W036_level_3_happy_007.mp4": 2,
    "filby89__spectre/MEAD_M026_level_3_disgusted_018.mp4": 2,
    "jixinya__EAMM/crop_M030_sad_3_001.mp4": 2,
    "Hangz-nju-cuhk__Talking-Face_PC-AVS/Input_00010.mp4": -3,
    "tanshuai0219__EDTalk/pose_source2.mp4": 3,
}


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


def build_clip(video: Path, cache_dir: Path | None, require_sync: bool = True,
               offsets: dict[str, int] | None = None) -> Clip | None:
    """Features + filtered landmarks of one talking video, or None if unusable.

    ``require_sync`` drops clips whose lips do not follow loudness; held-out clips
    skip it, since dropping the hard ones would flatter the held-out score.
    ``offsets`` (clip key → lag, e.g. MEASURED_OFFSETS) overrides av_offset for its clips."""
    from core.evaluation.crossval import clip_key

    track = load_track(video, cache_dir)
    mfcc = mfcc_per_frame(load_audio(video), FEATURE_FPS)
    cue = mfcc[:, 0].astype(np.float64)  # loudness: what the lips are checked against
    if require_sync:
        known = (offsets or {}).get(clip_key(video))
        lag = av_offset(cue, track) if known is None else known
        mfcc, track = _synced(mfcc, track, lag)
        cue, _ = _synced(cue, track, lag)
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
    if require_sync and sync_score(cue[start:stop], points) < MIN_SYNC_R:
        return None  # audio and lips disagree: dubbed, unsynced or badly tracked
    return Clip(video.stem, speaker_of(video), mfcc[start:stop], points, emotion_of(video), clip_key(video))


def sync_score(cue: np.ndarray, points: np.ndarray) -> float:
    """Pearson r of inner-lip gap / mouth width with a per-frame audio cue (MFCC c0, loudness).

    Loudness, not the phone-table openness of core.audio.phone_net: with phones as the
    cue the filter kept a 60 s clip of one man (EDTalk pose_source2) and dropped another,
    and held-out lip sync fell (model card)."""
    return pearson_or_zero(mouth_openness(points), np.asarray(cue)[: len(points)])


def av_offset(cue: np.ndarray, track: Track) -> int:
    """Frames by which the lips lead the sound (negative: they trail), or 0 when unsure.

    The lag maximizing r(cue[t + lag], openness[t]) over valid frames within
    ±MAX_SYNC_LAG, kept only if it is a peak inside the range that beats lag 0 by
    MIN_SYNC_GAIN on a clip of at least MIN_SYNC_FRAMES frames."""
    n = min(len(cue), len(track.valid))
    if n < MIN_SYNC_FRAMES:
        return 0
    loud, openness, valid = np.asarray(cue)[:n], mouth_openness(track.points68[:n]), track.valid[:n]

    def r_at(lag: int) -> float:
        a, b = (slice(lag, n), slice(0, n - lag)) if lag >= 0 else (slice(0, n + lag), slice(-lag, n))
        ok = valid[b]
        return pearson_or_zero(loud[a][ok], openness[b][ok])

    scores = {lag: r_at(lag) for lag in range(-MAX_SYNC_LAG, MAX_SYNC_LAG + 1)}
    best = max(scores, key=scores.get)
    if abs(best) == MAX_SYNC_LAG:
        return 0  # still rising at the edge of the search: no clear peak
    return best if scores[best] - scores[0] >= MIN_SYNC_GAIN else 0


def _synced(mfcc: np.ndarray, track: Track, lag: int) -> tuple[np.ndarray, Track]:
    """Pair the audio (features or cue) of frame t + lag with the face of frame t."""
    if lag > 0:
        return mfcc[lag:], track
    if lag < 0:
        return mfcc, Track(track.points68[-lag:], track.valid[-lag:], track.rotation[-lag:])
    return mfcc, track


def pearson_or_zero(a: np.ndarray, b: np.ndarray) -> float:
    """Pearson r, or 0 when either series is (nearly) constant: a still face correlates with nothing."""
    if len(a) < 2 or a.std() < 1e-9 or b.std() < 1e-9:
        return 0.0
    return float(np.corrcoef(a, b)[0, 1])


def _longest_run(mask: np.ndarray) -> tuple[int, int]:
    best, start = (0, 0), None
    for i, ok in enumerate(np.append(mask, False)):
        if ok and start is None:
            start = i
        elif not ok and start is not None:
            best = max(best, (start, i), key=lambda r: r[1] - r[0])
            start = None
    return best


def load_track(video: Path, cache_dir: Path | None = None) -> Track:
    """The video's normalized face track at FEATURE_FPS (cached by face_tracks)."""
    from core.landmarks.video_face_track import load_or_extract

    track = load_or_extract(video, cache_dir)
    return _resample(track.points68, track.valid, track.poses[:, :3], track.fps)


def _resample(points, valid, rotation, fps: float) -> Track:
    """Linear resampling of a track from the video fps to FEATURE_FPS."""
    pts = resample_series(points, fps, FEATURE_FPS)
    rot = resample_series(rotation, fps, FEATURE_FPS)
    return Track(pts.astype(np.float32), resample_valid(valid, fps, FEATURE_FPS), rot.astype(np.float32))
