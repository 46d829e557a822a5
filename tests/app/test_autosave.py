"""Crash safety (issue 16): every edit is on disk within 2 s, a kill -9 keeps it, and an
accepted recovery keeps its autosave until the recovered project is saved again."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from app.autosave import MAX_DELAY_MS
from app.main_window import StudioWindow
from app.timeline_items import add_command, items
from core.animation.project_file import autosave_path, load_autosave

REPO = Path(__file__).resolve().parents[2]


def _window(qtbot, tmp_path: Path) -> StudioWindow:  # noqa: ANN001
    window = StudioWindow(untitled_path=tmp_path / "untitled.space.json")
    qtbot.addWidget(window)
    return window


def _add_blink(window: StudioWindow, time_s: float) -> None:
    command, _item = add_command(window.session.project.tracks, "blinks", time_s, 1.0)
    window.session.push(command)


def _blinks_on_disk(untitled: Path) -> list[float]:
    if not autosave_path(untitled).exists():
        return []
    return [b.time for b in items(load_autosave(untitled).tracks, "blinks")]


def test_an_edit_is_on_disk_within_two_seconds(qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    window = _window(qtbot, tmp_path)
    untitled = tmp_path / "untitled.space.json"
    _add_blink(window, 0.5)
    edited = time.monotonic()
    qtbot.waitUntil(lambda: _blinks_on_disk(untitled) == [0.5], timeout=2000)
    assert time.monotonic() - edited < 2.0
    _add_blink(window, 1.5)  # the next edit is written too, not only the first
    qtbot.waitUntil(lambda: _blinks_on_disk(untitled) == [0.5, 1.5], timeout=2000)


def test_edits_that_never_pause_are_still_written(qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    window = _window(qtbot, tmp_path)
    untitled = tmp_path / "untitled.space.json"
    start = time.monotonic()
    seen_during_burst = False
    for i in range(14):  # an edit every 200 ms for 2.8 s: the quiet period never comes
        _add_blink(window, 0.2 * (i + 1))
        qtbot.wait(200)
        seen_during_burst |= len(_blinks_on_disk(untitled)) > 0
        if seen_during_burst:
            break
    assert seen_during_burst, "nothing reached the disk while the edits went on"
    assert time.monotonic() - start < MAX_DELAY_MS / 1000 + 0.8


def test_a_killed_studio_keeps_the_edits_of_two_seconds_before(tmp_path: Path) -> None:
    """A real studio process, edited, then SIGKILLed 2 s later: the autosave holds the edit."""
    untitled = tmp_path / "untitled.space.json"
    script = textwrap.dedent(f"""
        import sys
        from PySide6.QtWidgets import QApplication
        from app.studio_main import _gl_format
        _gl_format()
        app = QApplication(sys.argv[:1])
        from pathlib import Path
        from app.main_window import StudioWindow
        from app.timeline_items import add_command
        window = StudioWindow(untitled_path=Path({str(untitled)!r}))
        window.show()
        for t in (0.5, 1.25):
            window.session.push(add_command(window.session.project.tracks, "blinks", t, 1.0)[0])
        print("edited", flush=True)
        app.exec()
    """)
    with subprocess.Popen([sys.executable, "-c", script], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                          env=dict(os.environ, PYTHONPATH=str(REPO)), text=True) as studio:
        try:
            assert studio.stdout.readline().strip() == "edited"
            time.sleep(2.0)
            assert studio.poll() is None, "the studio exited by itself"
            studio.send_signal(signal.SIGKILL)
            studio.wait(timeout=10)
        finally:
            if studio.poll() is None:
                studio.kill()
                studio.wait()
    assert studio.returncode == -signal.SIGKILL
    assert _blinks_on_disk(untitled) == [0.5, 1.25]


def test_accepted_recovery_keeps_the_autosave_until_saved(qtbot, tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    untitled = tmp_path / "untitled.space.json"
    first = _window(qtbot, tmp_path)
    _add_blink(first, 0.5)
    first.autosave()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    second = _window(qtbot, tmp_path)
    assert second.offer_recovery()
    assert autosave_path(untitled).exists(), "accepting deleted the only copy of the recovered edits"
    assert [b.time for b in items(second.session.project.tracks, "blinks")] == [0.5]
    assert second.save_to(str(tmp_path / "kept.space.json"))
    assert not autosave_path(untitled).exists()
    assert not autosave_path(tmp_path / "kept.space.json").exists()


def test_recovery_of_a_saved_project_keeps_its_autosave_until_saved(qtbot, tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    project = tmp_path / "song.space.json"
    first = _window(qtbot, tmp_path)
    assert first.save_to(str(project))
    time.sleep(0.01)  # the autosave must be newer than the project file
    _add_blink(first, 2.0)
    first.autosave()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    second = _window(qtbot, tmp_path)
    assert second.open_project(str(project))
    assert [b.time for b in items(second.session.project.tracks, "blinks")] == [2.0]
    assert autosave_path(project).exists()
    assert second.save()
    assert not autosave_path(project).exists()


def test_declined_recovery_deletes_the_autosave(qtbot, tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    untitled = tmp_path / "untitled.space.json"
    first = _window(qtbot, tmp_path)
    _add_blink(first, 0.5)
    first.autosave()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    assert not _window(qtbot, tmp_path).offer_recovery()
    assert not autosave_path(untitled).exists()


def test_an_unwritable_autosave_is_reported_once(qtbot, tmp_path: Path, no_modal_boxes) -> None:  # noqa: ANN001
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("a file where the app-data folder should be")
    window = StudioWindow(untitled_path=blocker / "untitled.space.json")
    qtbot.addWidget(window)
    _add_blink(window, 0.5)
    window.autosave()
    _add_blink(window, 1.0)
    window.autosave()
    assert len(no_modal_boxes) == 1 and "Traceback" not in no_modal_boxes[0]
