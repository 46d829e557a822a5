"""The Export dialog's formats for other tools: Rhubarb cues and rig curves."""

from __future__ import annotations

import json
from pathlib import Path

from app.export_dialog import KINDS, ExportDialog, run_export
from app.export_job import HANDOFF_KINDS, ExportSettings
from app.main_window import StudioWindow


def test_dialog_offers_every_handoff_format(qtbot, tmp_path: Path, sample_files) -> None:  # noqa: ANN001
    window = StudioWindow(untitled_path=tmp_path / "untitled.space.json")
    qtbot.addWidget(window)
    dialog = ExportDialog(window.session, window)
    qtbot.addWidget(dialog)
    assert set(HANDOFF_KINDS) <= set(KINDS.values())
    dialog.kind.setCurrentText("Live2D motion (motion3.json)")
    assert dialog.settings().kind == "live2d"


def test_cues_and_live2d_exports_from_the_studio(qtbot, tmp_path: Path, sample_files) -> None:  # noqa: ANN001
    window = StudioWindow(untitled_path=tmp_path / "untitled.space.json")
    qtbot.addWidget(window)
    window.open_portrait(str(sample_files[0]))
    window.open_audio(str(sample_files[1]))
    worker = run_export(window.session, ExportSettings(str(tmp_path / "line.json"), "cues.json"), window)
    qtbot.waitUntil(worker.isFinished, timeout=120_000)
    assert worker.error is None
    cues = json.loads((tmp_path / "line.json").read_text())["mouthCues"]
    assert cues[-1]["end"] == json.loads((tmp_path / "line.json").read_text())["metadata"]["duration"]
    worker = run_export(window.session, ExportSettings(str(tmp_path / "m.motion3.json"), "live2d"), window)
    qtbot.waitUntil(worker.isFinished, timeout=120_000)
    assert worker.error is None
    motion = json.loads((tmp_path / "m.motion3.json").read_text())
    assert motion["Meta"]["CurveCount"] == len(motion["Curves"])
