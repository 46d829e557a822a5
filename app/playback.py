"""Transport: the playhead follows the audio clock while speech plays (else the wall clock).

Either way the frame is computed from a clock, never incremented, so a slow paint drops frames
instead of drifting from the sound. Speech plays at normal speed forward; J/L shuttle at other
speeds is silent. While paused, moving the playhead plays a short snippet under it (scrubbing).
Without an audio device everything runs silent and ``audio_unavailable`` fires once.
"""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, QObject, QTimer, Signal

from app.audio_output import AudioOutput
from app.studio_session import StudioSession


AUDIO_GRACE_S = 1.0  # an audio clock further than this from the wall clock is not trusted


class Playback(QObject):
    """Plays the session's frames at ``speed`` (J/K/L); loops inside ``loop_range`` when set."""

    playing_changed = Signal(bool)
    audio_unavailable = Signal(str)

    def __init__(self, session: StudioSession, audio: AudioOutput | None = None) -> None:
        super().__init__()
        self.session = session
        self.audio = audio or AudioOutput()
        self.speed = 0.0
        self.loop_range: tuple[int, int] | None = None
        self.scrub_audio = True
        self.audio_clock = False  # True while the playhead follows the sound
        self._warned = False
        self._clock = QElapsedTimer()
        self._start_frame = 0
        self._last_frame = (session.frame, id(session.samples))  # new speech resets the playhead silently
        self._timer = QTimer(self)
        self._timer.setInterval(10)
        self._timer.timeout.connect(self._tick)
        session.frame_changed.connect(self._scrub)

    @property
    def playing(self) -> bool:
        return self.speed != 0.0

    def play(self, speed: float = 1.0) -> None:
        self._start_frame, self.speed = self.session.frame, speed
        self.audio.stop()  # J/L at other speeds is silent
        self.audio_clock = speed == 1.0 and self._start_audio(self._start_frame)
        self._clock.start()
        self._timer.start()
        self.playing_changed.emit(True)

    def pause(self) -> None:
        self._timer.stop()
        self.audio.stop()
        self.speed, self.audio_clock = 0.0, False
        self.playing_changed.emit(False)

    def toggle(self) -> None:
        self.pause() if self.playing else self.play()

    def shuttle(self, direction: int) -> None:
        """J (−1) / L (+1): start or double speed in that direction."""
        if self.playing and (self.speed > 0) == (direction > 0):
            self.play(min(8.0, abs(self.speed) * 2) * direction)
        else:
            self.play(float(direction))

    def _start_audio(self, frame: int) -> bool:
        """Start the speech at ``frame``; False (and one notice) when it cannot sound."""
        samples = self.session.samples
        if samples is None:
            return False
        if self.audio.play(samples, self.session.sample_rate, frame / self.session.project.fps):
            return True
        self._warn()
        return False

    def _warn(self) -> None:
        if not self._warned and self.audio.unavailable_reason:
            self._warned = True
            self.audio_unavailable.emit(f"Playing without sound: {self.audio.unavailable_reason}.")

    def _scrub(self, frame: int) -> None:
        """Playhead moved while paused: sound the snippet under it (not when a file reloads)."""
        samples = self.session.samples
        moved = (frame, id(samples)) != self._last_frame and id(samples) == self._last_frame[1]
        self._last_frame = (frame, id(samples))
        if self.playing or not self.scrub_audio or samples is None or not moved:
            return
        if not self.audio.scrub(samples, self.session.sample_rate, frame / self.session.project.fps):
            self._warn()

    def _bounds(self) -> tuple[int, int]:
        return self.loop_range or (0, self.session.project.frame_count - 1)

    def frame_at(self, clip_time: float) -> int:
        """The frame shown while the sound at ``clip_time`` (seconds) is heard."""
        return int(clip_time * self.session.project.fps + 1e-6)

    def _clock_frame(self) -> int:
        """The audio clock's frame while it runs in real time; else the wall clock's."""
        fps, elapsed = self.session.project.fps, self._clock.elapsed() / 1000.0
        if self.audio_clock:
            position = self.audio.position()
            wall = self._start_frame / fps + elapsed * self.speed
            if position is None and elapsed < AUDIO_GRACE_S:
                return self._start_frame  # the first block is still on its way to the speaker
            if position is not None and abs(position - wall) < AUDIO_GRACE_S:
                return self.frame_at(position)
            self.audio_clock = False  # a device clock that stalls or races: the wall clock takes over
        return self._start_frame + int(elapsed * fps * self.speed)

    def _tick(self) -> None:
        """Frame from the audio or wall clock (skips frames when painting is slow)."""
        lo, hi = self._bounds()
        frame = self._clock_frame()
        if frame > hi or frame < lo:
            if self.loop_range is None:
                self.session.set_frame(hi if frame > hi else lo)
                self.pause()
                return
            self._start_frame = lo if frame > hi else hi
            if self.audio_clock:
                self.audio_clock = self._start_audio(self._start_frame)
            self._clock.start()
            frame = self._start_frame
        self.session.set_frame(frame)
