import json
import os
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from core.animation import project_file
from core.animation.commands import AddBlink, SetRestLandmarks
from core.animation.keyframes import Key
from core.animation.project_file import (
    autosave_path,
    find_autosave,
    load_autosave,
    load_project,
    save_project,
    write_autosave,
)
from core.animation.tracks import BlinkEvent, LandmarkKeyframe
from core.errors import ProjectFileError
from core.landmarks.face_landmarks import FaceLandmarks, HeadPose

FIXTURES = Path(__file__).parent / "fixtures"


def _face() -> FaceLandmarks:
    rng = np.random.default_rng(0)
    return FaceLandmarks(
        points68=rng.uniform(0, 512, (68, 3)),
        upper_lids=rng.uniform(0, 512, (2, 7, 2)),
        lower_lids=rng.uniform(0, 512, (2, 7, 2)),
        iris=rng.uniform(0, 512, (2, 2)),
        iris_radius=np.array([6.0, 6.5]),
        pose=HeadPose(yaw=5.0, tx=256.0, ty=250.0, scale=120.0),
        image_size=(512, 512),
        source="mediapipe",
    )


def test_v1_fixture_loads(tmp_path: Path) -> None:
    project = load_project(FIXTURES / "project_v1.json")
    assert project.portrait_path == (FIXTURES / "media" / "portrait.png").resolve()
    assert project.fps == 30.0 and project.frame_count == 120
    assert project.settings.blink_seed == 7 and project.settings.look_ahead == pytest.approx(0.1)
    tracks = project.tracks
    assert tracks.emotion.curves["angry"].evaluate(1.0) == pytest.approx(0.5)
    assert tracks.emotion.curves["happy"].evaluate(1.0) == pytest.approx(0.25)  # emotion default
    assert [e.generated for e in tracks.blinks.events] == [False, True]
    assert tracks.gaze.linked is False and tracks.pose.mode == "override"
    assert tracks.pose.source.amplitude == 0.5
    assert tracks.landmarks.keyframes[0].offsets[19] == (0.0, -0.05)
    assert project.undo_stack.is_clean


def test_round_trip_keeps_everything_and_paths_stay_relative(tmp_path: Path) -> None:
    project = load_project(FIXTURES / "project_v1.json")
    project.undo_stack.push(SetRestLandmarks(project, _face()))
    project.undo_stack.push(AddBlink(project.tracks.blinks, BlinkEvent(3.0, 0.2)))
    project.tracks.landmarks.add(LandmarkKeyframe(2.0, {48: (0.01, 0.0)}))
    project.settings = replace(project.settings, transcript="Don’t stop — now!")
    (tmp_path / "media").mkdir()
    target = tmp_path / "talk.space.json"
    project.portrait_path = tmp_path / "media" / "portrait.png"
    project.audio_path = tmp_path / "media" / "speech.wav"
    save_project(project, target)
    assert project.undo_stack.is_clean
    data = json.loads(target.read_text())
    assert data["portrait"] == "media/portrait.png"

    moved = tmp_path / "moved"
    shutil.copytree(tmp_path, moved, ignore=shutil.ignore_patterns("moved"))
    again = load_project(moved / "talk.space.json")
    assert again.portrait_path == (moved / "media" / "portrait.png").resolve()
    np.testing.assert_allclose(again.rest_landmarks.points68, project.rest_landmarks.points68)
    assert again.rest_landmarks.pose == project.rest_landmarks.pose
    assert list(again.tracks.blinks.events) == list(project.tracks.blinks.events)
    assert list(again.tracks.landmarks.keyframes) == list(project.tracks.landmarks.keyframes)
    assert again.tracks.pose.curves["yaw"].keys == project.tracks.pose.curves["yaw"].keys
    assert again.settings.transcript == "Don’t stop — now!"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "not a SPACE Studio project"),
        ('{"fps": 30}', "schema_version"),
        ('{"schema_version": 99, "fps": 30}', "schema version 99"),
        ('{"schema_version": 0, "fps": 30}', "can no longer be read"),
        ('{"schema_version": 1}', "missing the field 'fps'"),
        ('{"schema_version": 1, "fps": -1}', r"fps must be in \[1, 240\], got -1"),
        ('{"schema_version": 1, "fps": 30, "tracks": {"emotion": {"joy": []}}}', "unknown emotion"),
        ('{"schema_version": 1, "fps": 30, "tracks": {"blinks": [[1.0]]}}', "invalid value"),
    ],
)
def test_bad_files_raise_specific_errors(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(ProjectFileError, match=message):
        load_project(path)


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ProjectFileError, match="not found"):
        load_project(tmp_path / "nope.json")


def test_migrations_run_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def v0_to_v1(data: dict) -> dict:
        data["fps"] = data.pop("frame_rate")
        return data

    monkeypatch.setitem(project_file.MIGRATIONS, 0, v0_to_v1)
    path = tmp_path / "old.json"
    path.write_text('{"schema_version": 0, "frame_rate": 25}')
    assert load_project(path).fps == 25.0


def test_failed_write_leaves_old_file_intact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = load_project(FIXTURES / "project_v1.json")
    target = tmp_path / "p.json"
    save_project(project, target)
    before = target.read_text()

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    project.tracks.emotion.curves["sad"].add(Key(0.0, 1.0))
    with pytest.raises(ProjectFileError, match="disk full"):
        save_project(project, target)
    assert target.read_text() == before
    assert [p.name for p in tmp_path.iterdir()] == ["p.json"]  # no temp file left behind


def test_autosave_recovery(tmp_path: Path) -> None:
    project = load_project(FIXTURES / "project_v1.json")
    target = tmp_path / "p.space.json"
    save_project(project, target)
    assert find_autosave(target) is None
    project.undo_stack.push(AddBlink(project.tracks.blinks, BlinkEvent(3.5)))
    written = write_autosave(project, target)
    assert written == autosave_path(target) == tmp_path / "p.space.autosave.json"
    os.utime(written, ns=(target.stat().st_mtime_ns + 10**9,) * 2)
    assert find_autosave(target) == written
    recovered = load_autosave(target, allow_outside_media=True)  # media stay in fixtures/
    assert BlinkEvent(3.5) in list(recovered.tracks.blinks.events)
    assert not recovered.undo_stack.is_clean and recovered.path == target
    save_project(recovered, target)
    assert find_autosave(target) is None and not written.exists()
