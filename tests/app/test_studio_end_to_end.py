"""Drive the real studio window: open media, direct it, undo/redo, save, reopen, export a video."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
from PySide6.QtCore import QPoint, Qt

from app.export_job import ExportSettings
from app.export_dialog import run_export
from app.main_window import StudioWindow
from app.timeline_items import items
from app.timeline_view import TimelineView

BLINK_AT = 0.4


def _point(view: TimelineView, lane: str, t: float, value: float | None = None) -> QPoint:
    i = [ln.name for ln in view.lanes].index(lane)
    y = view.tops[i] + view.lanes[i].height / 2 if value is None else view.y_of(i, value)
    return QPoint(int(round(view.x_of(t))), int(round(y)))


def _direct(qtbot, window: StudioWindow) -> None:  # noqa: ANN001
    view = window.timeline
    qtbot.mouseDClick(view, Qt.MouseButton.LeftButton, pos=_point(view, "blinks", BLINK_AT))
    qtbot.mouseDClick(view, Qt.MouseButton.LeftButton, pos=_point(view, "gaze.left_x", 2.0, 0.0))
    start = _point(view, "gaze.left_x", 2.0, 0.0)
    qtbot.mousePress(view, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(view, start + QPoint(24, -8))
    qtbot.mouseRelease(view, Qt.MouseButton.LeftButton, pos=start + QPoint(24, -8))


def _export(qtbot, window: StudioWindow, path: Path, last_frame: int) -> None:  # noqa: ANN001
    worker = run_export(window.session, ExportSettings(str(path), "mp4", window.session.project.fps, None, 0, last_frame),
                        window)
    assert worker is not None
    qtbot.waitUntil(worker.isFinished, timeout=120_000)
    assert worker.error is None


def _frames(path: Path, width: int, height: int) -> np.ndarray:
    """Decoded RGB frames N×H×W×3 (ffmpeg to raw video on stdout)."""
    import imageio_ffmpeg

    cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(path), "-f", "rawvideo", "-pix_fmt", "rgb24", "-"]
    raw = subprocess.run(cmd, capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(-1, height, width, 3).astype(np.float32)


def test_open_direct_undo_save_reopen_export(qtbot, tmp_path: Path, sample_files) -> None:  # noqa: ANN001
    window = StudioWindow(untitled_path=tmp_path / "untitled.space.json")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    portrait, speech = (Path(shutil.copy(f, tmp_path)) for f in sample_files)  # media beside the project
    shutil.copy(sample_files[0].with_name("portrait_landmarks.json"), tmp_path)
    assert window.open_portrait(str(portrait)) and window.open_audio(str(speech))
    _direct(qtbot, window)
    tracks = window.session.project.tracks
    moved = items(tracks, "gaze.left_x")[0]
    assert moved.time > 2.0 and moved.value > 0.0
    assert window.undo_action.text() == "Undo Move Gaze Key"
    window.undo_action.trigger()
    assert items(tracks, "gaze.left_x")[0].time == 2.0
    window.redo_action.trigger()
    assert items(tracks, "gaze.left_x")[0] == moved

    project_path = tmp_path / "scene.space.json"
    assert window.save_to(str(project_path))
    assert window.open_project(str(project_path))
    tracks = window.session.project.tracks
    assert [b.time for b in items(tracks, "blinks")] == [BLINK_AT]
    assert items(tracks, "gaze.left_x")[0].time == moved.time
    assert window.session.portrait is not None and window.session.samples is not None

    fps = window.session.project.fps
    video = tmp_path / "clip.mp4"
    window.pose.still()  # the export is render-project's: a still head, so only the lids move around the eyes
    _export(qtbot, window, video, last_frame=int(fps) - 1)
    import imageio_ffmpeg

    assert imageio_ffmpeg.count_frames_and_secs(str(video))[0] == int(fps)
    probe = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-i", str(video)], capture_output=True, text=True)
    assert "Audio: aac" in probe.stderr

    h, w = window.session.portrait.rgba.shape[:2]
    frames = _frames(video, w // 2 * 2, h // 2 * 2)
    eyes = window.session.portrait.rest_face.points68[36:48, :2]
    x0, y0 = (eyes.min(0) - 6).astype(int)
    x1, y1 = (eyes.max(0) + 6).astype(int)
    region = [f[y0:y1, x0:x1] for f in frames]
    blink_mid = int(round((BLINK_AT + 0.066) * fps))
    closed = np.abs(region[blink_mid] - region[blink_mid - 4]).mean()
    open_ = np.abs(region[blink_mid + 4] - region[blink_mid - 4]).mean()
    assert closed > 3 * open_ + 1.0, (closed, open_)


def test_transcript_drives_the_lips_and_a_bad_one_shows_a_dialog(qtbot, tmp_path: Path, sample_files,  # noqa: ANN001
                                                                  monkeypatch) -> None:
    import sys

    from PySide6.QtWidgets import QMessageBox

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "packaging"))
    from make_sample import SENTENCE_1, SENTENCE_2

    window = StudioWindow(untitled_path=tmp_path / "untitled.space.json")
    qtbot.addWidget(window)
    assert window.open_portrait(str(sample_files[0])) and window.open_audio(str(sample_files[1]))
    session = window.session
    window.generate_speech_motion()
    qtbot.waitUntil(lambda: session.speech_base is not None, timeout=60_000)
    guessed = session.speech_base

    window.inspector.transcript.setPlainText(f"{SENTENCE_1} {SENTENCE_2}")
    window.inspector.apply_transcript()
    qtbot.waitUntil(lambda: session.speech_base is not guessed, timeout=60_000)
    aligned = session.speech_base
    assert aligned.shape == guessed.shape and not np.allclose(aligned, guessed)

    window.undo_action.trigger()  # back to no transcript: the guessed lips come back
    qtbot.waitUntil(lambda: session.speech_base is not aligned, timeout=60_000)
    np.testing.assert_allclose(session.speech_base, guessed, atol=1e-5)
    window.redo_action.trigger()
    qtbot.waitUntil(lambda: not np.allclose(session.speech_base, guessed), timeout=60_000)
    aligned = session.speech_base

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: shown.append(text))
    window.inspector.transcript.setPlainText("Hello zorblaxian crew")
    window.inspector.apply_transcript()
    qtbot.waitUntil(lambda: bool(shown), timeout=60_000)
    assert "zorblaxian" in shown[0]
    assert session.speech_base is aligned  # the lips the user had are kept
