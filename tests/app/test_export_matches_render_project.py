"""The studio's File ▸ Export and ``space-studio render-project`` are one export path: the same
project gives identical PNG frames, identical decoded mp4 frames and an identical sound track,
and the studio's export reuses the speech motion and head pose its preview already made."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import cv2
import imageio_ffmpeg
import numpy as np

import core.derived_motion
from app.export_dialog import run_export
from app.export_job import ExportSettings
from app.main_window import StudioWindow
from core.animation.blink_track import BlinkEvent
from core.animation.commands import AddBlink, AddKey, SetPoseSource
from core.animation.keyframes import Key
from core.cli import main
from core.pose_source import PoseSource
from tests.core.audio.speech_fixture import espeak_wav


def _project_folder(tmp_path: Path, sample_files) -> tuple[Path, Path]:  # noqa: ANN001
    """The sample portrait with its landmarks and a short espeak-ng line, in one folder."""
    portrait = tmp_path / "portrait.png"
    shutil.copy(sample_files[0], portrait)
    shutil.copy(sample_files[0].with_name("portrait_landmarks.json"), tmp_path / "portrait_landmarks.json")
    speech = espeak_wav(tmp_path / "line.wav", "Hello there, friend.")
    return portrait, speech


def _decoded(video: Path) -> tuple[np.ndarray, np.ndarray]:
    """All frames (RGB) and the sound track (16-bit PCM, as stored) of an mp4."""
    ffmpeg = imageio_ffmpeg.get_ffmpeg_exe()
    pixels = subprocess.run([ffmpeg, "-v", "error", "-i", str(video), "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                            check=True, capture_output=True).stdout
    sound = subprocess.run([ffmpeg, "-v", "error", "-i", str(video), "-map", "0:a", "-f", "s16le", "-"],
                           check=True, capture_output=True).stdout
    return np.frombuffer(pixels, np.uint8), np.frombuffer(sound, np.int16)


def _studio_export(qtbot, window: StudioWindow, out: Path, kind: str) -> None:  # noqa: ANN001
    worker = run_export(window.session, ExportSettings(str(out), kind), window)
    qtbot.waitUntil(worker.isFinished, timeout=300_000)
    assert worker.error is None


def test_studio_export_and_render_project_write_the_same_frames_and_sound(qtbot, tmp_path: Path, sample_files,  # noqa: ANN001
                                                                            monkeypatch) -> None:
    window = StudioWindow(untitled_path=tmp_path / "untitled.space.json")
    qtbot.addWidget(window)
    window.auto_generate = True  # the app's default: S2L lips, blinks and head motion on open
    portrait, speech = _project_folder(tmp_path, sample_files)
    window.open_portrait(str(portrait))
    window.open_audio(str(speech))
    session = window.session
    tracks = session.project.tracks
    session.push(SetPoseSource(tracks.pose, PoseSource("generated", seed=3)))  # PoseGen's head
    session.push(AddBlink(tracks.blinks, BlinkEvent(0.5)))  # edits on the timeline
    session.push(AddKey(tracks.emotion.curves["happy"], Key(0.2, 0.8)))
    window.pose.ensure()
    qtbot.waitUntil(lambda: not window.activity.busy and session.speech_key() in session.motion.speech
                    and session.pose_ready(), timeout=300_000)
    project_path = tmp_path / "line.space.json"
    session.save(project_path)

    made: list[object] = []  # the studio's exports must not compute the lips or the head again
    compute_speech, compute_pose = core.derived_motion.compute_speech, core.derived_motion.compute_pose
    monkeypatch.setattr(core.derived_motion, "compute_speech", lambda *a, **k: made.append(a) or compute_speech(*a, **k))
    monkeypatch.setattr(core.derived_motion, "compute_pose", lambda *a, **k: made.append(a) or compute_pose(*a, **k))
    _studio_export(qtbot, window, tmp_path / "studio_frames", "png")
    _studio_export(qtbot, window, tmp_path / "studio.mp4", "mp4")
    assert made == []

    assert main(["render-project", str(project_path), "--out", str(tmp_path / "cli_frames")]) == 0
    assert main(["render-project", str(project_path), "--out", str(tmp_path / "cli.mp4")]) == 0

    studio_frames = sorted((tmp_path / "studio_frames").iterdir())
    cli_frames = sorted((tmp_path / "cli_frames").iterdir())
    assert [p.name for p in studio_frames] == [p.name for p in cli_frames]
    assert len(cli_frames) == session.project.frame_count
    for ours, theirs in zip(studio_frames, cli_frames):
        same = np.array_equal(cv2.imread(str(ours), cv2.IMREAD_UNCHANGED), cv2.imread(str(theirs), cv2.IMREAD_UNCHANGED))
        assert same, f"{ours.name} differs"
    studio_pixels, studio_sound = _decoded(tmp_path / "studio.mp4")
    cli_pixels, cli_sound = _decoded(tmp_path / "cli.mp4")
    assert len(cli_pixels) > 0 and np.array_equal(studio_pixels, cli_pixels)
    assert len(cli_sound) > 8000 and np.abs(cli_sound).max() > 1000 and np.array_equal(studio_sound, cli_sound)
