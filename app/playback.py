"""Transport: a wall-clock driven playhead that drops frames rather than drifting.

Audio output: PySide6-Essentials ships no QtMultimedia, so playback is silent here;
``audio_sink`` is the hook where an audio device would be started at ``start_time``.
"""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, QObject, QTimer, Signal

from app.studio_session import StudioSession


class Playback(QObject):
    """Plays the session's frames at ``speed`` (J/K/L); loops inside ``loop_range`` when set."""

    playing_changed = Signal(bool)

    def __init__(self, session: StudioSession) -> None:
        super().__init__()
        self.session = session
        self.speed = 0.0
        self.loop_range: tuple[int, int] | None = None
        self._clock = QElapsedTimer()
        self._start_frame = 0
        self._timer = QTimer(self)
        self._timer.setInterval(10)
        self._timer.timeout.connect(self._tick)

    @property
    def playing(self) -> bool:
        return self.speed != 0.0

    def play(self, speed: float = 1.0) -> None:
        self._start_frame, self.speed = self.session.frame, speed
        self._clock.start()
        self._timer.start()
        self.playing_changed.emit(True)

    def pause(self) -> None:
        self._timer.stop()
        self.speed = 0.0
        self.playing_changed.emit(False)

    def toggle(self) -> None:
        self.pause() if self.playing else self.play()

    def shuttle(self, direction: int) -> None:
        """J (−1) / L (+1): start or double speed in that direction."""
        if self.playing and (self.speed > 0) == (direction > 0):
            self.play(min(8.0, abs(self.speed) * 2) * direction)
        else:
            self.play(float(direction))

    def _bounds(self) -> tuple[int, int]:
        return self.loop_range or (0, self.session.project.frame_count - 1)

    def _tick(self) -> None:
        """Frame from elapsed wall time (skips frames when painting is slow)."""
        lo, hi = self._bounds()
        elapsed = self._clock.elapsed() / 1000.0
        frame = self._start_frame + int(elapsed * self.session.project.fps * self.speed)
        if frame > hi or frame < lo:
            if self.loop_range is None:
                self.session.set_frame(hi if frame > hi else lo)
                self.pause()
                return
            self._start_frame = lo if frame > hi else hi
            self._clock.start()
            frame = self._start_frame
        self.session.set_frame(frame)
