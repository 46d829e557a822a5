"""The lip-opening curve: keys scale the model's lip opening in the composed face, keep the
closures shut, are undoable, and are saved in the project (schema 4, v3 files migrate)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tests.core.animation.drawn_face import DrawnFace

from core.animation.commands import AddKey, ReplaceKey
from core.animation.compose import compose
from core.animation.keyframes import Key
from core.animation.lip_opening import MAX_OPENING_GAIN
from core.animation.project import Project
from core.animation.project_file import load_project, save_project
from core.animation.project_schema import SCHEMA_VERSION
from core.animation.tracks import Tracks
from core.errors import ProjectFileError
from core.landmarks.face_geometry import mouth_openness

FPS = 30.0
FIXTURES = Path(__file__).parent / "fixtures"
JAW_AND_LOWER_LIP = [5, 6, 7, 8, 9, 10, 11, 55, 56, 57, 58, 59, 65, 66, 67]


def _talking(face: DrawnFace, frames: int = 30) -> np.ndarray:
    """T×68×2: the rest face with the jaw and lower lip dropped, shut on every third frame (a /b/)."""
    base = np.repeat(face.points68[None, :, :2], frames, axis=0).astype(np.float64)
    drop = 0.08 * (0.5 + 0.5 * np.sin(np.arange(frames) / 3.0))
    drop[::3] = 0.0
    base[:, JAW_AND_LOWER_LIP, 1] += drop[:, None]
    return base


def _openness(face: DrawnFace, tracks: Tracks) -> np.ndarray:
    return compose(_talking(face), face, tracks, None, None, FPS).mouth_open


def test_no_keys_leave_the_model_lips_exactly(rest_face: DrawnFace) -> None:
    out = compose(_talking(rest_face), rest_face, Tracks(), None, None, FPS)
    np.testing.assert_array_equal(out.rig[:, :68], _talking(rest_face).astype(np.float32))


def test_a_key_scales_the_lip_gap_and_keeps_closures_shut(rest_face: DrawnFace) -> None:
    model = _openness(rest_face, Tracks())
    own = float(mouth_openness(rest_face.points68))  # the drawn portrait's lips are parted
    tracks = Tracks()
    tracks.lips.curves["openness"].add(Key(0.0, 1.5))
    opened = _openness(rest_face, tracks)
    talking = model > own + 0.01
    assert talking.sum() > 10
    # the measured opening beyond the portrait's own mouth is 1.5 times the model's
    np.testing.assert_allclose(opened[talking] - own, 1.5 * (model[talking] - own), rtol=0.03)
    np.testing.assert_allclose(opened[::3], model[::3], atol=1e-6)  # the rest frames (a /b/) stay
    composed = compose(_talking(rest_face), rest_face, tracks, None, None, FPS).rig
    lower_lip_drop = composed[:, 57, 1] - _talking(rest_face)[:, 57, 1]
    assert lower_lip_drop[talking].min() > 0  # the jaw carries the lower lip down


def test_keys_interpolate_like_every_curve(rest_face: DrawnFace) -> None:
    model = _openness(rest_face, Tracks()) - mouth_openness(rest_face.points68)
    tracks = Tracks()
    curve = tracks.lips.curves["openness"]
    curve.add(Key(0.0, 1.0, "linear"))
    curve.add(Key(20 / FPS, 0.0, "linear"))
    out = _openness(rest_face, tracks) - mouth_openness(rest_face.points68)
    frame = 10  # half way: gain 0.5
    assert model[frame] > 0.02 and out[frame] == pytest.approx(0.5 * model[frame], rel=0.03)
    assert out[1] == pytest.approx(model[1] * (1 - 1 / 20), rel=0.03)
    np.testing.assert_allclose(out[20:], 0.0, atol=1e-6)  # after the last key: the portrait's own mouth


def test_gains_are_clamped(rest_face: DrawnFace) -> None:
    tracks = Tracks()
    tracks.lips.curves["openness"].add(Key(0.0, 9.0))
    capped = Tracks()
    capped.lips.curves["openness"].add(Key(0.0, MAX_OPENING_GAIN))
    np.testing.assert_allclose(_openness(rest_face, tracks), _openness(rest_face, capped))


def test_edits_are_undoable_commands_and_fire_track_events() -> None:
    project = Project(fps=FPS, duration=2.0)
    seen: list[object] = []
    project.tracks.changed.connect(seen.append)
    curve = project.tracks.lips.curves["openness"]
    assert curve.evaluate(1.0) == 1.0  # no keys: the model's opening
    project.undo_stack.push(AddKey(curve, Key(1.0, 1.6)))
    project.undo_stack.push(ReplaceKey(curve, 1.0, Key(1.0, 0.4), "Set Lip Opening Key"))
    assert curve.evaluate(1.0) == 0.4 and seen and seen[-1] is project.tracks.lips
    project.undo_stack.undo()
    assert curve.evaluate(1.0) == 1.6
    project.undo_stack.undo()
    assert len(curve) == 0 and curve.evaluate(1.0) == 1.0


def test_the_curve_is_saved_and_reopened(tmp_path: Path) -> None:
    project = Project(fps=FPS, duration=2.0)
    curve = project.tracks.lips.curves["openness"]
    project.undo_stack.push(AddKey(curve, Key(0.5, 1.8, "ease_out")))
    project.undo_stack.push(AddKey(curve, Key(1.5, 0.3)))
    save_project(project, tmp_path / "p.json")
    data = json.loads((tmp_path / "p.json").read_text())
    assert data["schema_version"] == SCHEMA_VERSION == 4
    assert data["tracks"]["lips"] == {"curves": {"openness": [[0.5, 1.8, "ease_out"], [1.5, 0.3, "linear"]]}}
    reopened = load_project(tmp_path / "p.json").tracks.lips.curves["openness"]
    assert reopened.keys == curve.keys and reopened.evaluate(1.0) == pytest.approx(curve.evaluate(1.0))


def test_a_v3_project_opens_unchanged_with_the_model_lips(tmp_path: Path) -> None:
    v3 = json.loads((FIXTURES / "project_v3.json").read_text())
    assert v3["schema_version"] == 3 and "lips" not in v3["tracks"]
    project = load_project(FIXTURES / "project_v3.json", allow_outside_media=True)
    assert len(project.tracks.lips.curves["openness"]) == 0
    assert project.tracks.lips.curves["openness"].evaluate(2.0) == 1.0
    assert project.render.renderer == "warp" and project.render.background == "#203040"  # the rest is as it was
    assert len(project.tracks.mouth_shapes.blocks) == 2 and project.tracks.pose.mode == "override"
    save_project(project, tmp_path / "p.json")
    data = json.loads((tmp_path / "p.json").read_text())
    assert data["schema_version"] == 4 and data["tracks"]["lips"] == {"curves": {}}
    assert {k: v for k, v in data["tracks"].items() if k != "lips"} == v3["tracks"]  # nothing else changed


@pytest.mark.parametrize(("lips", "message"), [
    ({"curves": {"width": []}}, "unknown lips channel"),
    ({"curves": {"openness": [[1.0, 7.0, "linear"]]}}, "lips openness key value"),
    ([], "tracks.lips must be an object"),
])
def test_bad_lip_curves_are_named(tmp_path: Path, lips: object, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"schema_version": 4, "fps": 30, "tracks": {"lips": lips}}))
    with pytest.raises(ProjectFileError, match=message):
        load_project(path)


def test_a_project_render_and_its_cues_follow_the_curve(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The sample line rendered from a saved project: a key of 0 keeps the portrait's own mouth
    in the composed lips (what render, render-project and the rig exports read), and the cue
    export classifies those same lips."""
    from core.audio.audio_io import load_audio
    from core.export import mouth_cues
    from core.pose_source import PoseSource
    from core.project_render import animate_loaded_project

    classified: list[np.ndarray] = []  # the lips the cue export classifies (the real classifier runs)
    original = mouth_cues.cues_from_motion
    monkeypatch.setattr(mouth_cues, "cues_from_motion", lambda audio, motion, *rest: classified.append(motion)
                        or original(audio, motion, *rest))
    sample = Path(__file__).resolve().parents[3] / "resources" / "sample"
    duration = load_audio(sample / "speech.wav").duration
    project = Project(sample / "portrait.png", sample / "speech.wav", FPS, duration)
    project.tracks.pose.source = PoseSource(kind="still")
    plain = animate_loaded_project(project)
    mouth_cues.cues_for_animation(plain)
    project.undo_stack.push(AddKey(project.tracks.lips.curves["openness"], Key(0.0, 0.0)))
    save_project(project, tmp_path / "line.space.json")
    quiet = animate_loaded_project(load_project(tmp_path / "line.space.json", allow_outside_media=True))
    mouth_cues.cues_for_animation(quiet)
    own = float(mouth_openness(plain.setup.rest.points68))
    assert plain.composed.mouth_open.max() > own + 0.1  # the model talks
    assert quiet.composed.mouth_open.max() <= own + 0.01  # the key holds the portrait's own mouth
    assert np.abs(quiet.motion.rig[:, 57] - plain.motion.rig[:, 57]).max() > 2.0  # pixels: the jaw stays up
    for lips, animation in zip(classified, (plain, quiet)):
        np.testing.assert_allclose(mouth_openness(lips), animation.composed.mouth_open, atol=0.01)
    from core.export.rigs.face_tracks import face_tracks  # the ARKit / Live2D / Spine / CSV curves

    talking = face_tracks(plain, mouth_cues.cues_for_animation(plain)).jaw_open
    held = face_tracks(quiet, mouth_cues.cues_for_animation(quiet)).jaw_open
    assert talking.max() > 0.3 and held.max() < 0.05
