"""No studio action crashes (issue 16, item 4): bugs become one line naming a crash log,
user errors their own one line; neither ever a traceback in the box."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from app.main_window import StudioWindow


@pytest.fixture
def window(qtbot, tmp_path: Path, monkeypatch) -> StudioWindow:  # noqa: ANN001
    monkeypatch.setenv("SPACE_STUDIO_LOG_DIR", str(tmp_path / "logs"))
    studio = StudioWindow(untitled_path=tmp_path / "untitled.space.json")
    qtbot.addWidget(studio)
    return studio


def _menu_action(window: StudioWindow, text: str):  # noqa: ANN202
    return next(a for a in window.actions() if a.text() == text)


def test_a_bug_inside_a_menu_action_is_a_message_and_a_crash_log(window, tmp_path, monkeypatch, no_modal_boxes) -> None:  # noqa: ANN001
    def broken(_source=None):  # noqa: ANN001, ANN202
        raise KeyError("pose source")

    monkeypatch.setattr(window.session, "pose_request", broken)
    _menu_action(window, "Regenerate Pose (new seed)").trigger()  # must not raise
    assert len(no_modal_boxes) == 1
    message = no_modal_boxes[0]
    assert "\n" not in message and "Traceback" not in message and "KeyError" in message
    logs = list((tmp_path / "logs").glob("crash-*.log"))
    assert len(logs) == 1 and str(logs[0]) in message
    assert "Traceback" in logs[0].read_text() and "pose source" in logs[0].read_text()


def test_open_of_anything_broken_is_one_line(window, tmp_path, no_modal_boxes) -> None:  # noqa: ANN001
    deep = tmp_path / "deep.space.json"
    deep.write_text("[" * 200_000 + "]" * 200_000)
    huge_number = tmp_path / "number.space.json"
    huge_number.write_text('{"schema_version": 1' + "0" * 5000 + "}")
    not_json = tmp_path / "binary.space.json"
    not_json.write_bytes(bytes(range(256)) * 8)
    for path in (deep, huge_number, not_json):
        assert not window.open_any(str(path))
    assert len(no_modal_boxes) == 3
    assert all("\n" not in m and "Traceback" not in m and len(m) < 400 for m in no_modal_boxes)


def test_nan_rest_points_are_refused_with_a_message(window, tmp_path, sample_files, no_modal_boxes) -> None:  # noqa: ANN001
    portrait, _speech = sample_files
    shutil.copy(portrait, tmp_path / "portrait.png")
    landmarks = json.loads(portrait.with_name("portrait_landmarks.json").read_text())
    landmarks["points68"][30] = [float("nan"), 200.0]
    (tmp_path / "portrait_landmarks.json").write_text(json.dumps(landmarks))  # writes the NaN token
    assert not window.open_any(str(tmp_path / "portrait.png"))
    assert window.session.portrait is None
    assert len(no_modal_boxes) == 1 and "Traceback" not in no_modal_boxes[0]


def test_degenerate_rest_points_are_refused_with_a_message(window, tmp_path, sample_files, no_modal_boxes) -> None:  # noqa: ANN001
    portrait, _speech = sample_files
    shutil.copy(portrait, tmp_path / "portrait.png")
    landmarks = json.loads(portrait.with_name("portrait_landmarks.json").read_text())
    landmarks["points68"] = [[250.0, 250.0]] * 68  # all 68 points in one spot
    (tmp_path / "portrait_landmarks.json").write_text(json.dumps(landmarks))
    assert not window.open_any(str(tmp_path / "portrait.png"))
    assert window.session.portrait is None
    assert len(no_modal_boxes) == 1 and "\n" not in no_modal_boxes[0]


def test_a_bug_in_background_work_is_reported_not_passed_on(window, qtbot, tmp_path, no_modal_boxes) -> None:  # noqa: ANN001
    from app.background_task import run_in_background

    results: list[object] = []

    def work() -> None:
        raise IndexError("frame 12 of 10")

    task = run_in_background(window, "Generating lip motion", work, results.append)
    qtbot.waitUntil(lambda: task.isFinished() and len(no_modal_boxes) == 1, timeout=5000)
    assert results == [], "done() must not run with a result that never came"
    assert "IndexError" in no_modal_boxes[0] and "crash-" in no_modal_boxes[0]


def test_an_exception_escaping_a_slot_is_shown_not_fatal(window, tmp_path, monkeypatch, no_modal_boxes) -> None:  # noqa: ANN001
    import sys

    from app.action_guard import install_excepthook

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    install_excepthook(lambda: window)
    try:
        raise ValueError("broken slot")
    except ValueError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    assert len(no_modal_boxes) == 1 and "ValueError: broken slot" in no_modal_boxes[0]
    assert list((tmp_path / "logs").glob("crash-*.log"))


@pytest.mark.parametrize("breakage", ["nan", "wrong type", "identical"])
def test_a_project_with_broken_rest_points_is_refused(window, tmp_path, sample_files, no_modal_boxes, breakage) -> None:  # noqa: ANN001
    from app.media import load_portrait
    from core.animation.project import Project
    from core.animation.project_file import save_project

    portrait, _speech = sample_files
    for source in (portrait, portrait.with_name("portrait_landmarks.json")):
        shutil.copy(source, tmp_path)
    project = Project(fps=30.0, duration=2.0)
    project.portrait_path = tmp_path / "portrait.png"
    project.rest_landmarks = load_portrait(str(tmp_path / "portrait.png")).rest_face
    path = tmp_path / "scene.space.json"
    save_project(project, path)
    data = json.loads(path.read_text())
    if breakage == "nan":
        data["rest_landmarks"]["points68"][8][1] = float("nan")
    elif breakage == "wrong type":
        data["rest_landmarks"] = "the chin is somewhere"
    else:
        data["rest_landmarks"]["points68"] = [[200.0, 200.0, 0.0]] * 68
    path.write_text(json.dumps(data))
    assert not window.open_project(str(path))
    assert len(no_modal_boxes) == 1 and "\n" not in no_modal_boxes[0] and "Traceback" not in no_modal_boxes[0]
    assert window.session.portrait is None
