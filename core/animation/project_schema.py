"""Project ↔ plain JSON data (schema version 4: 3 + the lip-opening curve; 3: 2 + the render settings;
2: 1 + the mouth-shape overrides). File handling is in project_file.py.

Malformed data raises KeyError / TypeError / ValueError here; project_file turns
them into ProjectFileError with the file name.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import numpy as np

from core.animation.blink_track import BlinkEvent, BlinkTrack
from core.animation.keyframes import TIME_EPSILON, Curve, Key
from core.animation.landmark_track import LandmarkKeyframe, LandmarkKeyframeTrack
from core.animation.lip_opening import MAX_OPENING_GAIN
from core.animation.mouth_shapes import MouthShapeBlock, MouthShapeTrack
from core.animation.project import RENDERERS, GenerationSettings, Project, RenderSettings
from core.animation.tracks import (
    EMOTIONS,
    GAZE_CHANNELS,
    POSE_CHANNELS,
    EmotionTrack,
    LIP_CHANNELS,
    GazeTrack,
    LipTrack,
    PoseTrack,
    Tracks,
)
from core.input_limits import finite_array, number, one_line, short_list
from core.landmarks.face_landmarks import FaceLandmarks, HeadPose
from core.pose_source import MAX_AMPLITUDE, POSE_KINDS, PoseSource, PoseSpecError

SCHEMA_VERSION = 4
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
        "render": _render_to_json(project.render, project_dir),
        "tracks": {
            "emotion": _curves_to_json(tracks.emotion.curves),
            "blinks": [[e.time, e.duration, e.generated] for e in tracks.blinks.events],
            "gaze": {"linked": tracks.gaze.linked, "curves": _curves_to_json(tracks.gaze.curves)},
            "pose": _pose_to_json(tracks.pose, project_dir),
            "landmark_keyframes": [_landmark_keyframe_to_json(k) for k in tracks.landmarks.keyframes],
            "mouth_shapes": [[b.start, b.end, b.shape, b.strength] for b in tracks.mouth_shapes.blocks],
            "lips": {"curves": _curves_to_json(tracks.lips.curves)},
        },
    }


def _relative(path: Path | None, project_dir: Path) -> str | None:
    if path is None:
        return None
    try:
        return Path(os.path.relpath(Path(path).absolute(), project_dir.absolute())).as_posix()
    except ValueError:  # another drive on Windows: keep it absolute
        return Path(path).absolute().as_posix()


def _render_to_json(render: RenderSettings, project_dir: Path) -> Json:
    """Mouth set and background image are media: relative paths like the portrait's; a colour stays text."""
    background = render.background
    return {
        "renderer": render.renderer,
        "mouth_set": _relative(render.mouth_set, project_dir),
        "background": _relative(background, project_dir) if isinstance(background, Path) else background,
    }


def _curves_to_json(curves: dict[str, Curve]) -> Json:
    # Only curves with keys are written: defaults come from the settings.
    return {name: [[k.time, k.value, k.easing] for k in c.keys] for name, c in curves.items() if len(c)}


def _pose_to_json(pose: PoseTrack, project_dir: Path) -> Json:
    source = pose.source
    return {
        "mode": pose.mode,
        "source": {"kind": source.kind, "seed": source.seed, "amplitude": source.amplitude,
                   "video": _relative(Path(source.video_path), project_dir) if source.video_path else None},
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
# Bounds no real project reaches; beyond them a file is corrupt or hostile (fps 1e9 hangs
# every frame loop, a 1e7 s duration allocates billions of frames).
MIN_FPS = 1.0  # below this a clip of speech has no frames to move in
MAX_FPS = 240.0
MAX_DURATION_S = 6 * 3600.0
MAX_BLINKS_PER_MINUTE = 120.0
MAX_BLINK_S = 10.0
MAX_LOOK_AHEAD_S = 60.0
MAX_SEED = 2**63 - 1
MAX_KEYS = 100_000
MAX_CURVE_VALUE = 1e4  # pose degrees / face units, gaze offsets: real values are below 100
MAX_OFFSET = 10.0  # landmark keyframe offsets in normalized units (the face is 2 wide)
MAX_TEXT = 100_000
MAX_COORDINATE = 1e6  # pixels; a 40 MP portrait is under 10⁴ on a side


def project_from_json(data: Json, project_dir: Path) -> Project:
    """Build a Project from current-schema data (project_file migrates older data first); relative
    media paths resolve against ``project_dir``.

    Every number is range-checked (core.input_limits); problems raise ValueError / TypeError."""
    settings = _object(data.get("settings", {}), "settings")
    rest = data.get("rest_landmarks")
    project = Project(
        portrait_path=_absolute(data.get("portrait"), project_dir),
        audio_path=_absolute(data.get("audio"), project_dir),
        fps=number(data["fps"], "fps", MIN_FPS, MAX_FPS),
        duration=number(data.get("duration", 0.0), "duration", 0.0, MAX_DURATION_S),
        rest_landmarks=None if rest is None else face_from_json(_object(rest, "rest_landmarks")),
        settings=_settings_from_json(settings),
        tracks=_tracks_from_json(_object(data.get("tracks", {}), "tracks"), project_dir),
        render=_render_from_json(_object(data.get("render", {}), "render"), project_dir),
    )
    return project


_HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


def _render_from_json(render: Json, project_dir: Path) -> RenderSettings:
    """A background that is a colour (``#RRGGBB``) stays text; any other text is an image path."""
    renderer = render.get("renderer", "auto")
    if renderer not in RENDERERS:
        raise ValueError(f"render.renderer must be one of {', '.join(RENDERERS)}, got {one_line(repr(renderer), 40)}")
    background = render.get("background")
    if background is not None and not _HEX_COLOUR.fullmatch(_text(background, "render.background")):
        background = _absolute(background, project_dir)
    return RenderSettings(renderer, _absolute(render.get("mouth_set"), project_dir), background)


def _settings_from_json(settings: Json) -> GenerationSettings:
    defaults = _object(settings.get("emotion_defaults", {}), "settings.emotion_defaults")
    unknown = set(defaults) - set(EMOTIONS)
    if unknown:
        raise ValueError(f"unknown emotion(s) {short_list(unknown)} in settings.emotion_defaults")
    return GenerationSettings(
        blink_rate=number(settings.get("blink_rate", 17.0), "settings.blink_rate", 0.0, MAX_BLINKS_PER_MINUTE),
        blink_seed=int(number(settings.get("blink_seed", 0), "settings.blink_seed", 0, MAX_SEED, integer=True)),
        emotion_defaults={k: number(v, f"emotion default {k}", 0.0, 1.0) for k, v in defaults.items()},
        look_ahead=number(settings.get("look_ahead", 0.0), "settings.look_ahead", 0.0, MAX_LOOK_AHEAD_S),
        transcript=_text(settings.get("transcript", ""), "settings.transcript"),
    )


def _object(value: Any, what: str) -> Json:
    if not isinstance(value, dict):
        raise TypeError(f"{what} must be an object, got {type(value).__name__}")
    return value


def _list(value: Any, what: str, limit: int = MAX_KEYS) -> list:
    if not isinstance(value, list):
        raise TypeError(f"{what} must be a list, got {type(value).__name__}")
    if len(value) > limit:
        raise ValueError(f"{what} has {len(value)} entries; at most {limit}")
    return value


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{what} must be text, got {type(value).__name__}")
    if len(value) > MAX_TEXT:
        raise ValueError(f"{what} is {len(value)} characters long; at most {MAX_TEXT}")
    return value


def _absolute(path: Any, project_dir: Path) -> Path | None:
    if path is None:
        return None
    path = _text(path, "media path")
    if not path or "\x00" in path:
        raise ValueError("a media path is empty or contains a NUL character")
    return (project_dir / Path(path)).resolve() if not Path(path).is_absolute() else Path(path)


def _time(value: Any, what: str) -> float:
    return number(value, what, 0.0, MAX_DURATION_S)


def _curves_from_json(data: Any, allowed: tuple[str, ...], what: str, high: float = MAX_CURVE_VALUE) -> dict[str, Curve]:
    data = _object(data, f"{what} curves")
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValueError(f"unknown {what} channel(s) {short_list(unknown)}")
    return {name: _curve([_key(key, f"{what} {name} key", high) for key in _list(keys, f"{what} {name}")],
                         f"{what} {name}") for name, keys in data.items()}


def _curve(keys: list[Key], what: str) -> Curve:
    """A Curve, refusing two keys at one time (Curve.add refuses them too; they interpolate to NaN)."""
    times = np.sort([key.time for key in keys])
    close = np.flatnonzero(np.diff(times) <= TIME_EPSILON)
    if close.size:
        raise ValueError(f"{what} has two keys at {times[close[0]]:.4g} s")
    return Curve(keys)


def _key(key: Any, what: str, high: float) -> Key:
    t, v, e = _list(key, what, 3)
    return Key(_time(t, f"{what} time"), number(v, f"{what} value", -high, high), _text(e, f"{what} easing"))


def _blink(event: Any) -> BlinkEvent:
    t, d, g = _list(event, "blink", 3)
    return BlinkEvent(_time(t, "blink time"), number(d, "blink duration", 0.0, MAX_BLINK_S, low_open=True), bool(g))


def _tracks_from_json(data: Json, project_dir: Path) -> Tracks:
    gaze = _object(data.get("gaze", {}), "tracks.gaze")
    pose = _object(data.get("pose", {}), "tracks.pose")
    source = _object(pose.get("source", {}), "tracks.pose.source")
    lips = _object(data.get("lips", {}), "tracks.lips")
    video = _absolute(source.get("video"), project_dir)
    return Tracks(
        emotion=EmotionTrack(_curves_from_json(data.get("emotion", {}), EMOTIONS, "emotion", 1.0)),
        blinks=BlinkTrack([_blink(e) for e in _list(data.get("blinks", []), "tracks.blinks")]),
        gaze=GazeTrack(_curves_from_json(gaze.get("curves", {}), GAZE_CHANNELS, "gaze"), bool(gaze.get("linked", True))),
        pose=PoseTrack(
            _curves_from_json(pose.get("curves", {}), POSE_CHANNELS, "pose"),
            mode=_text(pose.get("mode", "add"), "tracks.pose.mode"),
            source=_pose_source(source, video),
        ),
        landmarks=LandmarkKeyframeTrack(
            [_landmark_keyframe_from_json(_object(k, "landmark keyframe"))
             for k in _list(data.get("landmark_keyframes", []), "tracks.landmark_keyframes")]),
        mouth_shapes=MouthShapeTrack(_mouth_shape(b) for b in _list(data.get("mouth_shapes", []), "tracks.mouth_shapes")),
        lips=LipTrack(_curves_from_json(lips.get("curves", {}), LIP_CHANNELS, "lips",
                                        MAX_OPENING_GAIN)),
    )


def _mouth_shape(block: Any) -> MouthShapeBlock:
    start, end, shape, strength = _list(block, "mouth shape block", 4)
    return MouthShapeBlock(_time(start, "mouth shape start"), _time(end, "mouth shape end"),
                           _text(shape, "mouth shape"), number(strength, "mouth shape strength", 0.0, 1.0))


def _pose_source(source: Json, video: Path | None) -> PoseSource:
    kind = source.get("kind", "generated")
    if kind not in POSE_KINDS:
        raise ValueError(f"pose source must be still, generated or from-video, got {one_line(repr(kind), 40)}")
    try:
        return PoseSource(
            kind=kind,
            seed=int(number(source.get("seed", 0), "pose seed", 0, MAX_SEED, integer=True)),
            amplitude=number(source.get("amplitude", 1.0), "pose amplitude", 0.0, MAX_AMPLITUDE),
            video_path=None if video is None else str(video),
        )
    except PoseSpecError as err:  # e.g. from-video without its video
        raise ValueError(f"pose source: {err}") from err


def _offset(index: Any, delta: Any) -> tuple[int, tuple[float, float]]:
    if not isinstance(index, str) or not index.isdigit() or int(index) >= 68:
        raise ValueError(f"landmark keyframe index must be 0..67, got {one_line(repr(index), 20)}")
    dx, dy = _list(delta, "landmark offset", 2)
    return int(index), (number(dx, "landmark offset", -MAX_OFFSET, MAX_OFFSET),
                        number(dy, "landmark offset", -MAX_OFFSET, MAX_OFFSET))


def _landmark_keyframe_from_json(data: Json) -> LandmarkKeyframe:
    offsets = _object(data.get("offsets", {}), "landmark keyframe offsets")
    return LandmarkKeyframe(
        time=_time(data["time"], "landmark keyframe time"),
        offsets=dict(_offset(i, d) for i, d in offsets.items()),
        ease_in=number(data.get("ease_in", 0.25), "landmark keyframe ease_in", 0.0, MAX_DURATION_S),
        ease_out=number(data.get("ease_out", 0.25), "landmark keyframe ease_out", 0.0, MAX_DURATION_S),
        easing=_text(data.get("easing", "ease_in_out"), "landmark keyframe easing"),
    )


def face_from_json(data: Json) -> FaceLandmarks:
    """Inverse of face_to_json; ValueError on wrong shapes, non-finite or degenerate points."""
    from core.landmarks.landmark_json import check_face_geometry

    pose = [number(v, "rest pose value", -MAX_COORDINATE, MAX_COORDINATE)
            for v in _list(data.get("pose", [0, 0, 0, 0, 0, 0, 1]), "rest pose", 7)]
    size = _list(data.get("image_size", [0, 0]), "rest image_size", 2)
    arrays = {key: _points(data[key], f"rest {key}") for key in ("points68", "upper_lids", "lower_lids", "iris", "iris_radius")}
    face = FaceLandmarks(
        **arrays,
        pose=HeadPose(*pose),
        image_size=(int(number(size[0], "rest image width", 0, MAX_COORDINATE, integer=True)),
                    int(number(size[1], "rest image height", 0, MAX_COORDINATE, integer=True))),
        source=_text(data.get("source", "user"), "rest source"),
    )
    check_face_geometry(face.points68)
    return face



def _points(value: Any, what: str) -> np.ndarray:
    if not isinstance(value, list):
        raise TypeError(f"{what} must be a list of numbers, got {type(value).__name__}")
    array = np.asarray(value, np.float64)  # float64 first: 1e308 must be refused, not cast to inf
    finite_array(array, what, MAX_COORDINATE)
    return array.astype(np.float32)
