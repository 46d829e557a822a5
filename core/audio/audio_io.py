"""Load any audio file as 16 kHz mono float32.

wav/flac/ogg are read with soundfile; everything else (mp3, m4a, aac, video
containers) is decoded by the ffmpeg binary shipped in imageio-ffmpeg, piped as
raw 16 kHz mono float32 so nothing larger than the result is ever held.
"""

from __future__ import annotations

import math
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.errors import AudioError

SAMPLE_RATE = 16000
_SOUNDFILE_SUFFIXES = {".wav", ".flac", ".ogg", ".oga"}
# soundfile reads block by block (mono-mixed as it goes); long files that also need
# resampling go to ffmpeg, which resamples as a stream, so a 1 h 48 kHz stereo file
# never sits in memory at its original rate (≈0.5 GB peak instead of 2 GB).
_BLOCK_FRAMES = 1 << 20
_MAX_SOUNDFILE_RESAMPLE_S = 600.0
# The longest line we animate (a project's duration has the same bound).
MAX_DURATION_S = 6 * 3600.0


@dataclass(frozen=True)
class Audio:
    """Mono float32 samples at ``sample_rate`` (always 16 kHz from load_audio)."""

    samples: np.ndarray
    sample_rate: int = SAMPLE_RATE

    @property
    def duration(self) -> float:
        """Length in seconds."""
        return len(self.samples) / float(self.sample_rate)


def load_audio(path: str | Path) -> Audio:
    """Read ``path`` as 16 kHz mono float32; raise AudioError naming the file."""
    path = Path(path)
    if not path.is_file():
        raise AudioError(f"Audio file not found: {path}")
    declared = duration_from_header(path)
    if declared is not None and declared > MAX_DURATION_S:
        raise AudioError(f"Audio file {path.name} is {declared / 3600:.1f} hours long; at most "
                         f"{MAX_DURATION_S / 3600:g} hours can be animated at once — split it")
    samples = None
    if path.suffix.lower() in _SOUNDFILE_SUFFIXES:
        samples = _read_soundfile(path)
    if samples is None:
        samples = _read_ffmpeg(path)
    return Audio(_validated(samples, path), SAMPLE_RATE)


def duration_from_header(path: str | Path) -> float | None:
    """Seconds of audio a wav/flac/ogg header declares, without decoding; None when unknown."""
    path = Path(path)
    if path.suffix.lower() not in _SOUNDFILE_SUFFIXES or not path.is_file():
        return None
    import soundfile as sf

    try:
        info = sf.info(str(path))
    except (RuntimeError, sf.LibsndfileError, ValueError, OSError):
        return None
    seconds = float(info.duration)
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def _validated(samples: np.ndarray, path: Path) -> np.ndarray:
    """Reject empty and all-NaN audio; zero isolated NaNs/infs."""
    if samples.size == 0:
        raise AudioError(f"Audio file is empty (no samples): {path}")
    finite = np.isfinite(samples)
    if not finite.any():
        raise AudioError(f"Audio file contains only NaN/invalid samples: {path}")
    if not finite.all():
        samples = np.where(finite, samples, 0.0).astype(np.float32)
    return np.ascontiguousarray(samples, dtype=np.float32)


def _read_soundfile(path: Path) -> np.ndarray | None:
    """Decode with soundfile, block-wise to 16 kHz mono; None if it can't read it."""
    import soundfile as sf

    try:
        with sf.SoundFile(str(path)) as f:
            rate = f.samplerate
            if rate != SAMPLE_RATE and f.frames > _MAX_SOUNDFILE_RESAMPLE_S * rate:
                return None
            samples = _read_blocks(f)
    except (RuntimeError, sf.LibsndfileError, ValueError):
        return None  # let ffmpeg try; it reports a clear error if it fails too
    return resample(samples, rate)


def _read_blocks(f) -> np.ndarray:  # noqa: ANN001 - soundfile.SoundFile
    """Mono float32 samples, block by block into one array of the file's length
    (a list of blocks joined at the end would hold the line twice: 0.9 GB for 2 h)."""
    out = np.empty(max(f.frames, 0), np.float32)
    filled = 0
    for block in f.blocks(blocksize=_BLOCK_FRAMES, dtype="float32", always_2d=True):
        mono = _to_mono(block)
        if filled + len(mono) > len(out):  # the header undercounted: grow rather than fail
            out = np.concatenate([out[:filled], np.empty(len(mono), np.float32)])
        out[filled: filled + len(mono)] = mono
        filled += len(mono)
    return out[:filled]


def _to_mono(block: np.ndarray) -> np.ndarray:
    return block.mean(axis=1, dtype=np.float32)


def resample(samples: np.ndarray, rate: int, target: int = SAMPLE_RATE) -> np.ndarray:
    """Polyphase resampling to ``target`` Hz (exact for integer rate ratios)."""
    if rate == target or samples.size == 0:
        return samples.astype(np.float32, copy=False)
    from math import gcd

    from scipy.signal import resample_poly

    g = gcd(int(rate), int(target))
    return resample_poly(samples, target // g, int(rate) // g).astype(np.float32)


def _read_ffmpeg(path: Path) -> np.ndarray:
    """Decode anything ffmpeg understands to 16 kHz mono f32le through a pipe."""
    import imageio_ffmpeg

    cmd = [
        imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-v", "error", "-i", str(path),
        "-vn", "-ac", "1", "-ar", str(SAMPLE_RATE), "-f", "f32le", "-",
    ]
    try:
        proc = subprocess.run(cmd, capture_output=True, check=False)
    except OSError as err:
        raise AudioError(f"Cannot run ffmpeg to decode {path}: {err}") from err
    if proc.returncode != 0:
        detail = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = detail[-1] if detail else f"ffmpeg exit code {proc.returncode}"
        raise AudioError(f"Cannot decode audio file {path}: {reason}")
    return np.frombuffer(proc.stdout, dtype="<f4").copy()
