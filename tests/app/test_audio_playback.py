"""Speech playback: silent without a device (one notice), the playhead follows the audio clock,
scrubbing plays a snippet, and a sub-range mp4 export carries the matching stretch of speech."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np

from app.audio_output import AudioClip, AudioOutput
from app.export_dialog import run_export
from app.export_job import ExportSettings
from app.main_window import StudioWindow
from app.playback import Playback
from app.studio_session import StudioSession


def _speech_session(seconds: float = 3.0) -> StudioSession:
    """A session with a synthesised 16 kHz tone sweep as its speech (no portrait needed)."""
    session = StudioSession()
    t = np.arange(int(seconds * 16000)) / 16000
    session.samples = (0.3 * np.sin(2 * np.pi * (200 + 300 * t) * t)).astype(np.float32)
    session.project.duration = seconds
    return session


class PulledOutput(AudioOutput):
    """AudioOutput whose 'device' is the test: it pulls blocks at a stream time it chooses."""

    def __init__(self) -> None:
        super().__init__()
        self._probed, self.device_rate, self.now, self.latency = True, 16000, 0.0, 0.0
        self.pulled: list[np.ndarray] = []

    def _open(self) -> bool:
        self._stream = self
        return True

    @property
    def time(self) -> float:
        return self.now

    def pull(self, frames: int, dac_time: float) -> None:
        out = np.empty((frames, 1), np.float32)
        self._callback(out, frames, type("T", (), {"outputBufferDacTime": dac_time})(), None)
        self.pulled.append(out[:, 0].copy())


def test_no_device_plays_silently_and_says_so_once(qtbot) -> None:  # noqa: ANN001
    session = _speech_session()
    playback = Playback(session, AudioOutput(device="no-such-output-device"))
    notes: list[str] = []
    playback.audio_unavailable.connect(notes.append)
    playback.play()
    assert playback.playing and not playback.audio_clock
    qtbot.waitUntil(lambda: session.frame >= 5, timeout=3000)  # the wall clock drives it instead
    playback.pause()
    session.set_frame(10)  # scrub: no sound either, no second notice
    playback.play()
    playback.pause()
    assert len(notes) == 1 and notes[0].startswith("Playing without sound")


def test_playhead_follows_the_audio_clock(qtbot) -> None:  # noqa: ANN001
    session = _speech_session()
    audio = PulledOutput()
    playback = Playback(session, audio)
    fps = session.project.fps
    session.set_frame(round(fps))  # 1.0 s
    playback.play()
    assert playback.audio_clock
    audio.pull(800, dac_time=10.0)  # 50 ms block starting at the clip's 1.0 s reaches the DAC at t=10
    audio.now = 10.0 + 0.3  # the device says 0.3 s of sound has been heard since
    qtbot.waitUntil(lambda: session.frame == playback.frame_at(1.3) == int(1.3 * fps), timeout=2000)
    audio.now = 10.0 + 0.04  # the sound is behind (the device stalled): the playhead waits for it
    qtbot.waitUntil(lambda: session.frame == int(1.04 * fps), timeout=2000)
    assert playback.audio_clock
    playback.pause()
    first = audio.pulled[0]
    assert np.allclose(first, session.samples[16000:16800], atol=1e-6)  # sound starts at the playhead


def test_a_racing_audio_clock_hands_over_to_the_wall_clock(qtbot) -> None:  # noqa: ANN001
    session = _speech_session()
    audio = PulledOutput()
    playback = Playback(session, audio)
    playback.play()
    audio.pull(800, dac_time=0.0)
    audio.now = 2.5  # a sink that swallows sound faster than real time (e.g. ALSA's null device)
    qtbot.waitUntil(lambda: not playback.audio_clock, timeout=2000)
    assert session.frame < 25  # the wall clock's frame, not 2.5 s in
    playback.pause()


def test_scrubbing_plays_a_short_faded_snippet(qtbot) -> None:  # noqa: ANN001
    session = _speech_session()
    audio = PulledOutput()
    playback = Playback(session, audio)  # noqa: F841 - kept alive: it listens to the playhead
    session.set_frame(round(2.0 * session.project.fps))  # 2.0 s
    audio.pull(4000, dac_time=1.0)
    heard = audio.pulled[-1]
    sound = np.flatnonzero(np.abs(heard) > 1e-4)
    assert 0.05 * 16000 < len(sound) <= 0.1 * 16000  # about 90 ms, then silence
    assert abs(heard[0]) < 1e-6  # faded in
    start = 32000 + 400  # past the 10 ms fade, the samples are the speech under the playhead
    assert np.allclose(heard[400:800], session.samples[start:start + 400], atol=1e-6)


def test_audio_clip_clock_maps_samples_to_clip_time() -> None:
    clip = AudioClip(np.zeros(16000, np.float32), 16000, start_s=2.0)
    assert clip.position(5.0) is None
    out = np.empty((160, 1), np.float32)
    clip.fill(out, dac_time=5.0)
    clip.fill(out, dac_time=5.01)
    assert abs(clip.position(5.015) - (2.0 + 160 / 16000 + 0.005)) < 1e-9


def _decoded_audio(path: Path) -> np.ndarray:
    import imageio_ffmpeg

    raw = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-loglevel", "error", "-i", str(path), "-f", "f32le",
                          "-ac", "1", "-ar", "16000", "-"], capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.float32)


def test_sub_range_export_keeps_the_speech_in_sync(qtbot, tmp_path: Path, sample_files) -> None:  # noqa: ANN001
    window = StudioWindow(untitled_path=tmp_path / "untitled.space.json")
    qtbot.addWidget(window)
    window.open_portrait(str(sample_files[0]))
    window.open_audio(str(sample_files[1]))
    fps = window.session.project.fps
    out = tmp_path / "range.mp4"
    first, last = round(fps), round(2 * fps) - 1  # the second second of the line
    worker = run_export(window.session, ExportSettings(str(out), "mp4", fps, (128, 128), first, last), window)
    qtbot.waitUntil(worker.isFinished, timeout=120_000)
    assert worker.error is None and out.exists()
    heard = _decoded_audio(out)
    speech = window.session.samples
    assert abs(len(heard) - 16000) < 1600  # one second of frames = 1 s of sound
    n = min(len(heard), 12000) - 2000
    lags = range(16000 - 2000, 16000 + 2001, 100)
    best = max(lags, key=lambda lag: np.dot(heard[1000:1000 + n], speech[lag + 1000:lag + 1000 + n]))
    assert abs(best - 16000) <= 200  # the clip's sound starts at the range's first frame (1.0 s), not at 0
