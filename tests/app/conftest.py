"""Qt tests run on a private Xvfb display (QOpenGLWidget needs a real X server with GLX)."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parents[2] / "resources" / "sample"


def _start_xvfb(display: str) -> None:
    """Xvfb that stops once this process has exited: Qt and Mesa's GLX/EGL connections close during
    interpreter shutdown, and a display that vanishes first kills the run with an XIO error."""
    script = (f"Xvfb {display} -screen 0 1600x1000x24 -nolisten tcp & x=$!; "
              f"while kill -0 {os.getpid()} 2>/dev/null; do sleep 0.2; done; kill $x")
    quiet = [(os.POSIX_SPAWN_OPEN, fd, "/dev/null", os.O_WRONLY, 0) for fd in (1, 2)]
    os.posix_spawnp("sh", ["sh", "-c", script], dict(os.environ), file_actions=quiet, setsid=True)
    socket = Path(f"/tmp/.X11-unix/X{display[1:]}")
    deadline = time.monotonic() + 10
    while not socket.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.1)


@pytest.fixture(scope="session", autouse=True)
def xvfb_display() -> Iterator[str]:
    """Start Xvfb before the QApplication exists; skip every app test when Xvfb is missing."""
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed: the studio's QOpenGLWidget needs an X server")
    display = f":{200 + os.getpid() % 500}"
    _start_xvfb(display)
    os.environ["DISPLAY"] = display
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    from PySide6.QtCore import QStandardPaths

    QStandardPaths.setTestModeEnabled(True)
    from app.studio_main import _gl_format

    _gl_format()
    yield display


@pytest.fixture
def sample_files() -> tuple[Path, Path]:
    """The sample portrait (with its landmark JSON beside it) and speech."""
    portrait, speech = SAMPLE / "portrait.png", SAMPLE / "speech.wav"
    if not portrait.exists() or not speech.exists():
        pytest.skip("resources/sample/portrait.png and speech.wav are missing")
    return portrait, speech


@pytest.fixture(autouse=True)
def no_modal_boxes(monkeypatch) -> list[str]:  # noqa: ANN001
    """Message boxes never block a test: questions answer Discard, warnings are recorded."""
    from PySide6.QtWidgets import QMessageBox

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Discard)
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text, *a: shown.append(text))
    monkeypatch.setattr(QMessageBox, "information", lambda _parent, _title, text, *a: shown.append(text))
    return shown
