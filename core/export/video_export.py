"""MP4 export: raw RGB frames piped to imageio-ffmpeg's ffmpeg → H.264 + AAC.

The ffmpeg binary comes from the imageio-ffmpeg wheel (never the system one), so
export works on machines without ffmpeg installed. Audio is muxed from the
user's file as given (ffmpeg decodes wav/mp3/m4a/flac alike) or from 16 kHz
float samples. Audio and video both start at 0 and the file is exactly
``frame_count / fps`` long: audio is padded with silence (or trimmed by under a
frame) to match, so lip-sync holds to the last frame.

The output appears only when ``close`` succeeds (see ``atomic_output``); a cancel
(``core.errors.Cancelled``) or an error leaves nothing behind.
"""

from __future__ import annotations

import os
import queue
import subprocess
import tempfile
import threading
import wave
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg
import numpy as np

from core.errors import Cancelled, OutputError
from core.export.atomic_output import commit_file, discard, reserve_file, write_error
from core.input_limits import one_line

SAMPLE_RATE = 16_000
QUEUED_FRAMES = 4  # frames drawn ahead of the encoder (each 1 MB at 512², 16 MB at 2048²)
ProgressCallback = Callable[[int, int], None]  # (frames done, frames total or 0)
CancelCheck = Callable[[], bool]


@dataclass(frozen=True)
class VideoSettings:
    """Encoder choices; the defaults favour quality at a speed two cores can afford."""

    crf: int = 18
    preset: str = "veryfast"
    audio_bitrate: str = "160k"


def _write_wav(path: Path, samples: np.ndarray, sample_rate: int) -> None:
    pcm = (np.clip(np.asarray(samples, np.float32).reshape(-1), -1.0, 1.0) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(sample_rate)
        out.writeframes(pcm.tobytes())


class VideoWriter:
    """Write frames one by one; ``close()`` finishes the file, ``abort()`` drops it.

    audio: a path to any audio file ffmpeg reads, 16 kHz mono float samples, or None.
    total_frames: how many frames will come (for progress and the exact duration);
    when 0 the duration is whatever was written.
    """

    def __init__(
        self,
        path: str | os.PathLike,
        size: tuple[int, int],
        fps: float,
        audio: str | os.PathLike | np.ndarray | None = None,
        total_frames: int = 0,
        settings: VideoSettings = VideoSettings(),
        progress: ProgressCallback | None = None,
        cancel: CancelCheck | None = None,
    ):
        if fps <= 0:
            raise ValueError(f"fps must be positive, got {fps}")
        self.path = Path(path)
        self.size = (int(size[0]), int(size[1]))
        self.fps = float(fps)
        self.total_frames = int(total_frames)
        self._progress = progress
        self._cancel = cancel
        self._written = 0
        self._finished = False
        self._temp = reserve_file(self.path)
        self._audio_temp: Path | None = None
        self._stderr = tempfile.TemporaryFile()
        try:
            audio_path = self._audio_input(audio)
            self._process = subprocess.Popen(
                self._command(audio_path, settings), stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=self._stderr
            )
        except BaseException:
            self._cleanup(keep_output=False)
            raise

    def _audio_input(self, audio) -> Path | None:
        if audio is None:
            return None
        if isinstance(audio, np.ndarray):
            self._audio_temp = reserve_file(self.path.with_suffix(".wav"))
            try:
                _write_wav(self._audio_temp, audio, SAMPLE_RATE)
            except OSError as err:
                raise write_error(self.path, err) from err
            return self._audio_temp
        path = Path(audio)
        if not path.is_file():
            raise OutputError(f"audio file for the video not found: {path}")
        return path

    def _command(self, audio: Path | None, settings: VideoSettings) -> list[str]:
        w, h = self.size
        cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-loglevel", "error", "-nostats"]
        cmd += ["-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{w}x{h}", "-r", f"{self.fps}", "-i", "-"]
        if audio is not None:
            cmd += ["-i", str(audio)]
        # yuv420p needs even sides: pad by one edge pixel rather than crop the picture.
        cmd += ["-map", "0:v", "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-c:v", "libx264", "-pix_fmt", "yuv420p"]
        cmd += ["-preset", settings.preset, "-crf", str(settings.crf)]
        if audio is not None:
            cmd += ["-map", "1:a:0", "-c:a", "aac", "-b:a", settings.audio_bitrate, "-af", "apad", "-ac", "1"]
            if self.total_frames > 0:
                cmd += ["-t", f"{self.total_frames / self.fps:.6f}"]
            else:
                cmd += ["-shortest"]
        cmd += ["-movflags", "+faststart", "-f", "mp4", str(self._temp)]
        return cmd

    def write(self, frame: np.ndarray) -> None:
        """Append one H×W×3 or H×W×4 uint8 frame (alpha is dropped)."""
        if self._cancel is not None and self._cancel():
            self.abort()
            raise Cancelled("video export cancelled")
        frame = np.asarray(frame)
        if frame.shape[:2] != (self.size[1], self.size[0]) or frame.dtype != np.uint8:
            self.abort()
            raise ValueError(f"frame must be {self.size[1]}×{self.size[0]}×3|4 uint8, got {frame.shape} {frame.dtype}")
        try:
            self._process.stdin.write(np.ascontiguousarray(frame[..., :3]).tobytes())
        except (BrokenPipeError, OSError) as err:
            message = self._ffmpeg_message()
            self.abort()
            if _disk_full(message):
                raise OutputError(f"disk full while writing {self.path}") from err
            raise OutputError(one_line(f"video encoder stopped: {message or err}")) from err
        self._written += 1
        if self._progress is not None:
            self._progress(self._written, self.total_frames)

    def close(self) -> Path:
        """Finish encoding and move the file into place; returns the final path."""
        if self._finished:
            raise OutputError(f"video export to {self.path} was already finished or aborted")
        self._process.stdin.close()
        code = self._process.wait()
        if code != 0 or self._written == 0:
            message = self._ffmpeg_message() if code != 0 else "no frames were written"
            self.abort()
            if _disk_full(message):
                raise OutputError(f"disk full while writing {self.path}")
            raise OutputError(one_line(f"video export to {self.path} failed: {message}"))
        self._cleanup(keep_output=True)
        return self.path

    def abort(self) -> None:
        """Stop ffmpeg and delete everything written so far (safe to call twice)."""
        if self._finished:
            return
        if self._process.poll() is None:
            self._process.kill()
        try:
            self._process.stdin.close()
        except OSError:
            pass  # ffmpeg is gone; nothing left to flush
        self._process.wait()
        self._cleanup(keep_output=False)

    def _cleanup(self, keep_output: bool) -> None:
        self._finished = True
        self._stderr.close()
        if self._audio_temp is not None:
            discard(self._audio_temp)
        if keep_output:
            commit_file(self._temp, self.path)
        else:
            discard(self._temp)

    def _ffmpeg_message(self) -> str:
        self._stderr.seek(0)
        lines = self._stderr.read().decode(errors="replace").strip().splitlines()
        return lines[-1] if lines else ""

    def __enter__(self) -> VideoWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


def _disk_full(ffmpeg_message: str) -> bool:
    return "No space left on device" in ffmpeg_message or "Disk quota exceeded" in ffmpeg_message


def export_video(
    path: str | os.PathLike,
    frames: Iterable[np.ndarray],
    size: tuple[int, int],
    fps: float,
    audio: str | os.PathLike | np.ndarray | None,
    total_frames: int,
    progress: ProgressCallback | None = None,
    cancel: CancelCheck | None = None,
) -> Path:
    """Encode ``frames`` (total_frames of them) with ``audio`` into an mp4 at ``path``.

    A writer thread hands the frames to the encoder: the pipe to ffmpeg blocks while it
    encodes, and meanwhile the caller's ``frames`` iterator draws the next ones (GL work
    stays on the caller's thread). ``progress`` and ``cancel`` are called from the writer
    thread; a failure there (Cancelled included) is raised here, and nothing is left at ``path``."""
    writer = VideoWriter(path, size, fps, audio, total_frames, progress=progress, cancel=cancel)
    handoff: queue.Queue = queue.Queue(QUEUED_FRAMES)
    failure: list[BaseException] = []

    def feed() -> None:
        while (frame := handoff.get()) is not None:
            if failure:
                continue  # drain, so the drawing thread never blocks on a dead writer
            try:
                writer.write(frame)
            except BaseException as err:  # noqa: BLE001 - handed back to the drawing thread
                failure.append(err)

    thread = threading.Thread(target=feed, name="mp4-encoder", daemon=True)
    thread.start()
    try:
        for frame in frames:
            if failure:
                break
            handoff.put(frame)
    except BaseException:
        handoff.put(None)
        thread.join()
        writer.abort()
        raise
    handoff.put(None)
    thread.join()
    if failure:
        writer.abort()
        raise failure[0]
    return writer.close()
