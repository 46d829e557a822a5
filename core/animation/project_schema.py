"""Project ↔ plain JSON data (schema version 1). File handling is in project_file.py.

Malformed data raises KeyError / TypeError / ValueError here; project_file turns
them into ProjectFileError with the file name.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from core.animation.blink_track import BlinkEvent, BlinkTrack
from core.animation.keyframes import Curve, Key
from core.animation.landmark_track import LandmarkKeyframe, LandmarkKeyframeTrack
from core.animation.project import GenerationSettings, Project
from core.animation.tracks import (
    EMOTIONS,
    GAZE_CHANNELS,
    POSE_CHANNELS,
    EmotionTrack,
    GazeTrack,
    PoseSourceSettings,
    PoseTrack,
    Tracks,
)
from core.landmarks.face_landmarks import FaceLandmarks, HeadPose

SCHEMA_VERSION = 1
Json = dict[str, Any]


# --- to JSON -----------------------------------------------------------------
def project_to_json(project: Project, project_dir: Path) -> Json:
    """The whole project; media paths relative to ``project_dir`` (POSIX separators)."""
    tracks = project.tracks
    return {
        "schema_version": SCHEMA_VERSION,
        "portrait": _relative(project.portrait_path, project_dir),
        "audio": _relative(project.audio_path, project_dir),
        "fps": project.fps,
        "duration": project.duration,
        "rest_landmarks": None if project.rest_landmarks is None else face_to_json(project.rest_landmarks),
        "settings": {
            "blink_rate": project.settings.blink_rate,
            "blink_seed": project.settings.blink_seed,
            "emotion_defaults": dict(project.settings.emotion_defaults),
            "look_ahead": project.settings.look_ahead,
            "transcript": project.settings.transcript,
        },
        "tracks": {
            "emotion": _curves_to_json(tracks.emotion.curves),
            "blinks": [[e.time, e.duration, e.generated] for e in tracks.blinks.events],
            "gaze": {"linked": tracks.gaze.linked, "curves": _curves_to_json(tracks.gaze.curves)},
            "pose": _pose_to_json(tracks.pose),
            "landmark_keyframes": [_landmark_keyframe_to_json(k) for k in tracks.landmarks.keyframes],
        },
    }


def _relative(path: Path | None, project_dir: Path) -> str | None:
    if path is None:
        return None
    try:
        return Path(os.path.relpath(Path(path).absolute(), project_dir.absolute())).as_posix()
    except ValueError:  # another drive on Windows: keep it absolute
        return Path(path).absolute().as_posix()


def _curves_to_json(curves: dict[str, Curve]) -> Json:
    # Only curves with keys are written: defaults come from the settings.
    return {name: [[k.time, k.value, k.easing] for k in c.keys] for name, c in curves.items() if len(c)}


def _pose_to_json(pose: PoseTrack) -> Json:
    source = pose.source
    return {
        "mode": pose.mode,
        "source": {"kind": source.kind, "seed": source.seed, "amplitude": source.amplitude, "video": source.video_path},
        "curves": _curves_to_json(pose.curves),
    }


def _landmark_keyframe_to_json(keyframe: LandmarkKeyframe) -> Json:
    return {
        "time": keyframe.time,
        "offsets": {str(i): list(d) for i, d in sorted(keyframe.offsets.items())},
        "ease_in": keyframe.ease_in,
        "ease_out": keyframe.ease_out,
        "easing": keyframe.easing,
    }


def face_to_json(face: FaceLandmarks) -> Json:
    """A FaceLandmarks as nested lists (image pixels)."""
    pose = face.pose
    return {
        "points68": face.points68.tolist(),
        "upper_lids": face.upper_lids.tolist(),
        "lower_lids": face.lower_lids.tolist(),
        "iris": face.iris.tolist(),
        "iris_radius": face.iris_radius.tolist(),
        "pose": [pose.yaw, pose.pitch, pose.roll, pose.tx, pose.ty, pose.tz, pose.scale],
        "image_size": list(face.image_size),
        "source": face.source,
    }


# --- from JSON -----------------------------------------------------------------
def project_from_json(data: Json, project_dir: Path) -> Project:
    """Build a Project from schema-1 data; relative media paths resolve against ``project_dir``."""
    settings = data.get("settings", {})
    project = Project(
        portrait_path=_absolute(data.get("portrait"), project_dir),
        audio_path=_absolute(data.get("audio"), project_dir),
        fps=float(data["fps"]),
        duration=float(data.get("duration", 0.0)),
        rest_landmarks=None if data.get("rest_landmarks") is None else face_from_json(data["rest_landmarks"]),
        settings=GenerationSettings(
            blink_rate=float(settings.get("blink_rate", 17.0)),
            blink_seed=int(settings.get("blink_seed", 0)),
            emotion_defaults={str(k): float(v) for k, v in settings.get("emotion_defaults", {}).items()},
            look_ahead=float(settings.get("look_ahead", 0.0)),
            transcript=str(settings.get("transcript", "")),
        ),
        tracks=_tracks_from_json(data.get("tracks", {})),
    )
    return project


def _absolute(path: str | None, project_dir: Path) -> Path | None:
    if path is None:
        return None
    if not isinstance(path, str):
        raise TypeError(f"media path must be a string, got {type(path).__name__}")
    return (project_dir / Path(path)).resolve() if not Path(path).is_absolute() else Path(path)


def _curves_from_json(data: Json, allowed: tuple[str, ...], what: str) -> dict[str, Curve]:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValueError(f"unknown {what} channel(s) {sorted(unknown)}")
    return {name: Curve([Key(float(t), float(v), str(e)) for t, v, e in keys]) for name, keys in data.items()}


def _tracks_from_json(data: Json) -> Tracks:
    gaze = data.get("gaze", {})
    pose = data.get("pose", {})
    source = pose.get("source", {})
    return Tracks(
        emotion=EmotionTrack(_curves_from_json(data.get("emotion", {}), EMOTIONS, "emotion")),
        blinks=BlinkTrack([BlinkEvent(float(t), float(d), bool(g)) for t, d, g in data.get("blinks", [])]),
        gaze=GazeTrack(_curves_from_json(gaze.get("curves", {}), GAZE_CHANNELS, "gaze"), bool(gaze.get("linked", True))),
        pose=PoseTrack(
            _curves_from_json(pose.get("curves", {}), POSE_CHANNELS, "pose"),
            mode=pose.get("mode", "add"),
            source=PoseSourceSettings(
                kind=_pose_kind(source.get("kind", "generated")),
                seed=int(source.get("seed", 0)),
                amplitude=float(source.get("amplitude", 1.0)),
                video_path=source.get("video"),
            ),
        ),
        landmarks=LandmarkKeyframeTrack([_landmark_keyframe_from_json(k) for k in data.get("landmark_keyframes", [])]),
    )


def _pose_kind(kind: str) -> Any:
    if kind not in ("still", "generated", "from-video"):
        raise ValueError(f"pose source must be still, generated or from-video, got {kind!r}")
    return kind


def _landmark_keyframe_from_json(data: Json) -> LandmarkKeyframe:
    return LandmarkKeyframe(
        time=float(data["time"]),
        offsets={int(i): (float(d[0]), float(d[1])) for i, d in data.get("offsets", {}).items()},
        ease_in=float(data.get("ease_in", 0.25)),
        ease_out=float(data.get("ease_out", 0.25)),
        easing=str(data.get("easing", "ease_in_out")),
    )


def face_from_json(data: Json) -> FaceLandmarks:
    """Inverse of face_to_json; ValueError on wrong shapes."""
    pose = [float(v) for v in data.get("pose", [0, 0, 0, 0, 0, 0, 1])]
    return FaceLandmarks(
        points68=np.asarray(data["points68"], np.float32),
        upper_lids=np.asarray(data["upper_lids"], np.float32),
        lower_lids=np.asarray(data["lower_lids"], np.float32),
        iris=np.asarray(data["iris"], np.float32),
        iris_radius=np.asarray(data["iris_radius"], np.float32),
        pose=HeadPose(*pose),
        image_size=(int(data.get("image_size", [0, 0])[0]), int(data.get("image_size", [0, 0])[1])),
        source=str(data.get("source", "user")),
    )
