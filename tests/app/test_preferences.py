"""Preferences (QSettings), the one set of defaults, Ctrl+Y, View ▸ Panels, Help, and progress while models run."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialog

from app.main_window import StudioWindow
from app.preferences import Preferences, PreferencesDialog, load_preferences
from app.timeline_items import add_command, items
from core import defaults


def _window(qtbot, tmp_path: Path) -> StudioWindow:  # noqa: ANN001
    window = StudioWindow(untitled_path=tmp_path / "untitled.space.json")
    window.settings = QSettings(str(tmp_path / "studio.ini"), QSettings.Format.IniFormat)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_preferences_persist_and_shape_new_projects(qtbot, tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    window = _window(qtbot, tmp_path)
    assert window.preferences == Preferences()  # nothing stored yet: core's defaults

    def choose(dialog: PreferencesDialog) -> int:
        dialog.fps.setValue(24.0)
        dialog.blinks.setValue(9.0)
        dialog.pose.setCurrentText("still")
        dialog.autosave.setValue(5.0)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(PreferencesDialog, "exec", choose)
    window.preferences_action.trigger()
    stored = load_preferences(QSettings(str(tmp_path / "studio.ini"), QSettings.Format.IniFormat))
    assert (stored.fps, stored.blinks_per_minute, stored.pose_mode, stored.autosave_seconds) == (24.0, 9.0, "still", 5.0)
    window.new_project()
    project = window.session.project
    assert project.fps == 24.0 and project.settings.blink_rate == 9.0
    assert project.tracks.pose.source.kind == "still"
    reopened = _window(qtbot, tmp_path)  # a later start (same settings file) reads them back
    reopened.preferences = load_preferences(reopened.settings)
    assert reopened.preferences == stored


def test_restore_defaults_are_cores_and_the_cli_shares_them(qtbot) -> None:  # noqa: ANN001
    dialog = PreferencesDialog(Preferences(fps=12.0, blinks_per_minute=3.0, pose_mode="still"))
    qtbot.addWidget(dialog)
    dialog.restore_defaults()
    assert dialog.preferences() == Preferences()
    from core.cli import build_parser

    args = build_parser().parse_args(["render", "--image", "a.png", "--audio", "a.wav", "--out", "o.mp4"])
    assert (args.fps, args.blinks_per_minute, args.pose) == (defaults.FPS, defaults.BLINKS_PER_MINUTE,
                                                             [defaults.POSE_MODE])
    assert (dialog.preferences().fps, dialog.preferences().blinks_per_minute) == (args.fps, args.blinks_per_minute)


def test_ctrl_y_redoes(qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    window = _window(qtbot, tmp_path)
    session = window.session
    command, _item = add_command(session.project.tracks, "emotion.happy", 1.0, 0.5)
    session.push(command)
    session.undo()
    assert not items(session.project.tracks, "emotion.happy")
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow(), timeout=3000)
    qtbot.keyClick(window, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert len(items(session.project.tracks, "emotion.happy")) == 1
    session.undo()
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert len(items(session.project.tracks, "emotion.happy")) == 1


def test_view_menu_reopens_a_closed_dock_and_help_lists_shortcuts(qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    window = _window(qtbot, tmp_path)
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    panels = next(a.menu() for a in view_menu.actions() if a.text() == "Panels")
    by_name = {a.text(): a for a in panels.actions()}
    assert set(by_name) == {"Timeline", "Curves", "Inspector"}
    curves = window.docks["curves"]
    curves.close()
    assert not curves.isVisible() and not by_name["Curves"].isChecked()
    by_name["Curves"].trigger()
    qtbot.waitUntil(curves.isVisible, timeout=2000)
    from app.help_dialogs import ShortcutSheet

    sheet = ShortcutSheet(window)
    qtbot.addWidget(sheet)
    cells = {sheet.table.item(r, 2).text(): sheet.table.item(r, 1).text() for r in range(sheet.table.rowCount())}
    assert "Ctrl+Y" in cells[next(k for k in cells if k.startswith("Redo"))]
    assert any(k.startswith("Preferences") for k in cells)


def test_canvas_shows_the_still_portrait_with_progress_while_models_run(qtbot, tmp_path: Path,  # noqa: ANN001
                                                                          sample_files) -> None:
    from PySide6.QtCore import QThread

    window = _window(qtbot, tmp_path)
    assert window.open_portrait(str(sample_files[0])) and window.open_audio(str(sample_files[1]))
    canvas, session = window.canvas, window.session
    session.set_frame(40)
    talking = canvas.shown_rig()
    release = []
    task = QThread()
    task.run = lambda: [QThread.msleep(20) for _ in range(200) if not release]
    window.activity.track(task, "Generating lip motion")
    task.start()
    still, mouth = canvas.shown_rig()
    assert np.allclose(still, session.portrait.rest_face.rig_points()) and mouth == 0.0
    assert not np.allclose(still, talking[0])
    overlay = canvas.overlay.grab().toImage()
    assert window.activity.text() == "Generating lip motion…"
    assert any(overlay.pixelColor(x, overlay.height() - 40).lightness() > 200 for x in range(0, overlay.width(), 2))
    release.append(True)
    qtbot.waitUntil(lambda: not window.activity.busy, timeout=5000)
    assert np.allclose(canvas.shown_rig()[0], talking[0])
