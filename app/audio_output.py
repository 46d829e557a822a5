"""Speech playback and scrub snippets through sounddevice (PortAudio), silent when no device exists.

``AudioClip`` is the Qt- and device-free part: the samples a stream pulls block by block, and the
clock that says which clip time is at the speaker now (the playhead follows it). ``AudioOutput``
owns one PortAudio stream; any failure to load PortAudio or open a device leaves it ``available``
False with a one-line ``unavailable_reason``, and every call becomes a no-op.
"""

from __future__ import annotations

import threading

import numpy as np
from PySide6.QtCore import QObject, QTimer

from core.audio.audio_io import resample  # speech is 16 kHz; most devices want 44.1/48 kHz

SCRUB_SECONDS = 0.09  # one scrub snippet (about two frames at 25 fps), faded at both ends
IDLE_CLOSE_MS = 3000  # close the device this long after the last sound


def faded(snippet: np.ndarray, fade: int) -> np.ndarray:
    """``snippet`` with linear fades of ``fade`` samples at both ends (no clicks when scrubbing)."""
    out = np.array(snippet, np.float32)
    fade = min(fade, len(out) // 2)
    if fade > 0:
        ramp = np.linspace(0.0, 1.0, fade, dtype=np.float32)
        out[:fade] *= ramp
        out[-fade:] *= ramp[::-1]
    return out


class AudioClip:
    """Samples at ``rate`` starting at clip time ``start_s``; ``fill`` is the stream callback's work.

    The clock: ``fill`` records which sample will reach the DAC at which stream time, so
    ``position(now)`` is the clip time audible at stream time ``now`` (None before the first block).
    """

    def __init__(self, samples: np.ndarray, rate: int, start_s: float = 0.0) -> None:
        self.samples, self.rate, self.start_s = np.asarray(samples, np.float32), rate, start_s
        self.cursor = 0
        self._anchor: tuple[float, int] | None = None  # (dac time, cursor) of the latest block
        self._lock = threading.Lock()

    @property
    def finished(self) -> bool:
        return self.cursor >= len(self.samples)

    def fill(self, out: np.ndarray, dac_time: float) -> None:
        """Write the next ``len(out)`` samples into ``out`` (frames × channels), zeros past the end."""
        n = len(out)
        with self._lock:
            chunk = self.samples[self.cursor:self.cursor + n]
            self._anchor = (dac_time, self.cursor)
            self.cursor += n
        out[:len(chunk)] = chunk[:, None]
        out[len(chunk):] = 0.0

    def position(self, now: float) -> float | None:
        """Clip time (seconds) of the sample at the speaker at stream time ``now``."""
        with self._lock:
            anchor = self._anchor
        if anchor is None:
            return None
        dac_time, cursor = anchor  # before dac_time, the block before this one is still sounding
        return max(self.start_s, self.start_s + cursor / self.rate + (now - dac_time))


class AudioOutput(QObject):
    """One output stream for the studio: ``play`` the speech from a time, ``scrub`` a snippet, ``stop``."""

    def __init__(self, device: int | str | None = None) -> None:
        super().__init__()
        self.device = device  # PortAudio's default output when None
        self._sd = None
        self._stream = None
        self._clip: AudioClip | None = None
        self.device_rate = 48000
        self.unavailable_reason: str | None = None
        self._probed = False
        self._idle = QTimer(self, singleShot=True, interval=IDLE_CLOSE_MS)
        self._idle.timeout.connect(self._close)

    @property
    def available(self) -> bool:
        """True when a device could be opened (probes lazily, once)."""
        if not self._probed:
            self._probe()
        return self.unavailable_reason is None

    def _probe(self) -> None:
        self._probed = True
        try:
            import sounddevice as sd

            info = sd.query_devices(self.device, kind="output")
            self.device_rate = int(info["default_samplerate"]) or 48000
            self._sd = sd
        except (ImportError, OSError) as e:  # PortAudio missing: sounddevice raises OSError
            self.unavailable_reason = f"no audio library ({e})"
        except Exception as e:  # noqa: BLE001 - sounddevice.PortAudioError: no output device
            self.unavailable_reason = f"no audio output device ({str(e) or type(e).__name__})"

    def play(self, samples: np.ndarray, rate: int, start_s: float) -> bool:
        """Play ``samples`` (at ``rate``) from clip time ``start_s``; False when silent."""
        first = int(max(0.0, start_s) * rate)
        return self._start(AudioClip(resample(samples[first:], rate, self.device_rate), self.device_rate,
                                     first / rate))

    def scrub(self, samples: np.ndarray, rate: int, at_s: float) -> bool:
        """A short faded snippet of the speech under the playhead."""
        first = int(max(0.0, at_s) * rate)
        snippet = samples[first:first + int(SCRUB_SECONDS * rate)]
        if len(snippet) == 0:
            return False
        data = faded(resample(snippet, rate, self.device_rate), int(0.01 * self.device_rate))
        return self._start(AudioClip(data, self.device_rate, first / rate))

    def position(self) -> float | None:
        """Clip time now at the speaker during ``play``; None when silent or not yet started."""
        clip, stream = self._clip, self._stream
        if clip is None or stream is None:
            return None
        try:
            return clip.position(stream.time)
        except Exception:  # noqa: BLE001 - the device went away mid-play
            return None

    def stop(self) -> None:
        """Silence now; the device is closed after a short idle time."""
        self._clip = None
        if self._stream is not None:
            self._idle.start()

    def _start(self, clip: AudioClip) -> bool:
        if not self.available:
            return False
        self._idle.stop()
        if self._stream is None and not self._open():
            return False
        self._clip = clip
        self._idle.start(max(IDLE_CLOSE_MS, int(len(clip.samples) / clip.rate * 1000) + IDLE_CLOSE_MS))
        return True

    def _open(self) -> bool:
        try:
            self._stream = self._sd.OutputStream(samplerate=self.device_rate, device=self.device, channels=1, dtype="float32",
                                                 latency="low", callback=self._callback)
            self._stream.start()
        except Exception as e:  # noqa: BLE001 - PortAudioError: device busy or gone
            self.unavailable_reason = f"audio output failed ({str(e) or type(e).__name__})"
            self._stream = None
            return False
        return True

    def _callback(self, outdata: np.ndarray, _frames: int, times, _status) -> None:  # noqa: ANN001
        clip = self._clip
        if clip is None:
            outdata.fill(0.0)
            return
        stream = self._stream
        dac = times.outputBufferDacTime
        if not dac and stream is not None:  # some backends leave DAC times at 0
            dac = stream.time + stream.latency
        clip.fill(outdata, dac)

    def _close(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.stop()
                stream.close()
            except Exception:  # noqa: BLE001 - closing a device that failed is fine
                pass

    def shutdown(self) -> None:
        """Close the device now (window closing)."""
        self._clip = None
        self._idle.stop()
        self._close()
