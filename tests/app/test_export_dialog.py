"""The export dialog's settings, PNG/JSON exports through the worker (core's export path), and Cancel."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.export_dialog import ExportDialog, run_export
from app.export_job import ExportJob, ExportSettings
from app.main_window import StudioWindow
from core.errors import OutputError


def _window(qtbot, tmp_path: Path, sample_files) -> StudioWindow:  # noqa: ANN001
    window = StudioWindow(untitled_path=tmp_path / "untitled.space.json")
    qtbot.addWidget(window)
    window.open_portrait(str(sample_files[0]))
    window.open_audio(str(sample_files[1]))
    return window


def test_dialog_reads_back_settings(qtbot, tmp_path: Path, sample_files) -> None:  # noqa: ANN001
    window = _window(qtbot, tmp_path, sample_files)
    dialog = ExportDialog(window.session, window)
    qtbot.addWidget(dialog)
    dialog.kind.setCurrentIndex(1)
    dialog.path.setText(str(tmp_path / "frames"))
    dialog.last.setValue(4)
    settings = dialog.settings()
    assert settings.kind == "png" and settings.last_frame == 4
    assert settings.size is None and settings.fps is None  # the portrait's size, the project's fps
    dialog.size_box.setValue(128)
    dialog.last.setValue(dialog.last.maximum())
    assert dialog.settings().size == 128 and dialog.settings().last_frame is None  # to the line's end


def test_png_and_json_exports(qtbot, tmp_path: Path, sample_files) -> None:  # noqa: ANN001
    window = _window(qtbot, tmp_path, sample_files)
    worker = run_export(window.session, ExportSettings(str(tmp_path / "frames"), "png", None, 128, 0, 4), window)
    qtbot.waitUntil(worker.isFinished, timeout=120_000)
    assert worker.error is None and len(list((tmp_path / "frames").glob("*.png"))) == 5
    worker = run_export(window.session, ExportSettings(str(tmp_path / "m.json"), "json", None, None, 0, 9), window)
    qtbot.waitUntil(worker.isFinished, timeout=120_000)
    data = json.loads((tmp_path / "m.json").read_text())  # the command line's motion JSON
    assert data["fps"] == window.session.project.fps
    assert len(data["landmarks68"]) == 10 and len(data["landmarks68"][0]) == 68 and len(data["pose"]) == 10


def test_another_frame_rate_than_the_projects_is_refused(qtbot, tmp_path: Path, sample_files) -> None:  # noqa: ANN001
    window = _window(qtbot, tmp_path, sample_files)
    with pytest.raises(OutputError, match="project's 30 fps"):
        ExportJob(window.session, ExportSettings(str(tmp_path / "a.mp4"), "mp4", 25.0))


def test_a_cancelled_png_export_leaves_nothing(qtbot, tmp_path: Path, sample_files) -> None:  # noqa: ANN001
    window = _window(qtbot, tmp_path, sample_files)
    frames_written: list[int] = []
    exports = tmp_path / "exports"
    exports.mkdir()
    worker = run_export(window.session, ExportSettings(str(exports / "all"), "png"), window)

    def cancel_after_some_frames(stage: str, done: int, _total: int) -> None:
        if stage == "Rendering frames":
            frames_written.append(done)
            if done == 3:
                worker.cancel()

    worker.progressed.connect(cancel_after_some_frames)
    qtbot.waitUntil(worker.isFinished, timeout=120_000)
    assert worker.error == "cancelled"
    assert 3 in frames_written and max(frames_written) < window.session.project.frame_count
    assert list(exports.iterdir()) == []  # no frames, no partial folder
