"""The export dialog's settings, PNG/JSON exports through the worker, and Cancel."""

from __future__ import annotations

import json
from pathlib import Path

from app.export_dialog import ExportDialog, run_export
from app.export_job import ExportSettings
from app.main_window import StudioWindow


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
    assert settings.size == (window.session.portrait.rgba.shape[1], window.session.portrait.rgba.shape[0])


def test_png_and_json_exports(qtbot, tmp_path: Path, sample_files) -> None:  # noqa: ANN001
    window = _window(qtbot, tmp_path, sample_files)
    worker = run_export(window.session, ExportSettings(str(tmp_path / "frames"), "png", 25.0, (128, 128), 0, 4), window)
    qtbot.waitUntil(worker.isFinished, timeout=60_000)
    assert worker.error is None and len(list((tmp_path / "frames").glob("*.png"))) == 5
    worker = run_export(window.session, ExportSettings(str(tmp_path / "m.json"), "json", 25.0, None, 0, 9), window)
    qtbot.waitUntil(worker.isFinished, timeout=60_000)
    data = json.loads((tmp_path / "m.json").read_text())
    assert len(data["rig"]) == 10 and len(data["rig"][0]) == 98


def test_cancel_stops_the_export(qtbot, tmp_path: Path, sample_files) -> None:  # noqa: ANN001
    window = _window(qtbot, tmp_path, sample_files)
    worker = run_export(window.session, ExportSettings(str(tmp_path / "all"), "png", 25.0, None, 0, None), window)
    worker.cancel()
    qtbot.waitUntil(worker.isFinished, timeout=60_000)
    assert worker.error == "cancelled"
    assert len(list((tmp_path / "all").glob("*.png"))) < window.session.project.frame_count
