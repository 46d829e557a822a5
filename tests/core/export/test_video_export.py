"""MP4 export through imageio-ffmpeg's binary: frame count, audio stream, cancel, errors."""

from __future__ import annotations

import os
import re
import subprocess
import wave
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest

from core.errors import Cancelled, OutputError
from core.export.video_export import VideoWriter, export_video
from core.timebase import frame_count


def probe(path: Path) -> dict:
    """Frame count, duration and stream lines of a media file, from ffmpeg's own report."""
    result = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-i", str(path), "-map", "0:v", "-c", "copy", "-f", "null", "-"],
        capture_output=True,
        text=True,
    )
    text = result.stderr
    frames = re.findall(r"frame=\s*(\d+)", text)
    h, m, s = re.search(r"Duration: (\d+):(\d+):([\d.]+)", text).groups()
    return {
        "frames": int(frames[-1]) if frames else 0,
        "duration": int(h) * 3600 + int(m) * 60 + float(s),
        "video": re.search(r"Stream #0:\d.*Video: (.*)", text),
        "audio": re.search(r"Stream #0:\d.*Audio: (.*)", text),
    }


def wav_samples(path: Path) -> np.ndarray:
    with wave.open(str(path)) as f:
        return np.frombuffer(f.readframes(f.getnframes()), "<i2").astype(np.float32) / 32768


def test_two_second_export_has_every_frame_and_aac_audio(tmp_path, speech_2s, face_frames):
    out = tmp_path / "talk.mp4"
    seen = []
    total = frame_count(2.0, 25)
    export_video(out, face_frames, (129, 97), 25, speech_2s, total, progress=lambda i, n: seen.append((i, n)))
    info = probe(out)
    assert total == 50 and info["frames"] == 50
    assert "h264" in info["video"].group(1) and "yuv420p" in info["video"].group(1)
    assert "130x98" in info["video"].group(1)  # odd sides padded to even
    assert info["audio"] and "aac" in info["audio"].group(1)
    assert info["duration"] == pytest.approx(2.0, abs=0.05)
    assert seen[0] == (1, 50) and seen[-1] == (50, 50)
    assert sorted(os.listdir(tmp_path)) == ["talk.mp4"]


def test_float_samples_and_m4a_input_both_mux(tmp_path, speech_2s, face_frames):
    m4a = tmp_path / "speech.m4a"
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(speech_2s), "-c:a", "aac", str(m4a)], check=True)
    for audio, name in ((wav_samples(speech_2s), "samples.mp4"), (m4a, "m4a.mp4")):
        export_video(tmp_path / name, face_frames, (129, 97), 25, audio, 50)
        info = probe(tmp_path / name)
        assert info["frames"] == 50 and "aac" in info["audio"].group(1)
    assert not any(p.name.startswith(".") for p in tmp_path.iterdir())


def test_cancel_leaves_no_file(tmp_path, speech_2s, face_frames):
    out = tmp_path / "cancelled.mp4"
    done = []
    with pytest.raises(Cancelled):
        export_video(out, face_frames, (129, 97), 25, speech_2s, 50, progress=lambda i, n: done.append(i), cancel=lambda: len(done) >= 10)
    assert len(done) == 10
    assert list(tmp_path.iterdir()) == []


def test_unwritable_folder_names_the_path(tmp_path, face_frames):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    if os.access(locked, os.W_OK):  # root ignores permission bits; sysfs refuses even root
        locked = Path("/sys")
    try:
        with pytest.raises(OutputError, match=f"folder {locked} is not writable"):
            VideoWriter(locked / "out.mp4", (129, 97), 25)
    finally:
        (tmp_path / "locked").chmod(0o700)


def test_missing_folder_is_an_output_error(tmp_path):
    with pytest.raises(OutputError, match="does not exist"):
        VideoWriter(tmp_path / "nowhere" / "out.mp4", (64, 64), 25)


def test_silent_video_without_audio(tmp_path, face_frames):
    with VideoWriter(tmp_path / "silent.mp4", (129, 97), 25, total_frames=10) as writer:
        for frame in face_frames[:10]:
            writer.write(frame)
    info = probe(tmp_path / "silent.mp4")
    assert info["frames"] == 10 and info["audio"] is None


def test_audio_is_in_sync_from_frame_zero(tmp_path, speech_2s, face_frames):
    out = export_video(tmp_path / "sync.mp4", face_frames, (129, 97), 25, speech_2s, 50)
    pcm = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(out), "-f", "s16le", "-ac", "1", "-ar", "16000", "-"],
        capture_output=True,
        check=True,
    ).stdout
    decoded = np.frombuffer(pcm, "<i2").astype(np.float64)
    source = wav_samples(speech_2s).astype(np.float64)
    assert len(decoded) == pytest.approx(32000, abs=16)
    n = 24000
    lags = np.arange(-320, 321)
    score = [np.dot(decoded[max(0, lag) : n + min(0, lag)], source[max(0, -lag) : n - max(0, lag)]) for lag in lags]
    assert abs(lags[int(np.argmax(score))]) <= 16  # within 1 ms
