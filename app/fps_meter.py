"""Measured preview frame rate: finished canvas paints per second, refreshed about twice a second."""

from __future__ import annotations

from collections import deque

from PySide6.QtCore import QElapsedTimer, QObject, QTimer, Signal

UPDATE_MS = 500  # how often the shown rate changes
WINDOW_MS = 1000  # paints counted: the last second (intervals between them, so no ±1-frame jitter)


class FpsMeter(QObject):
    """Call ``frame()`` per finished paint; while ``running``, ``fps`` is re-measured every UPDATE_MS."""

    updated = Signal(float)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.fps: float | None = None
        self._stamps: deque[int] = deque()
        self._clock = QElapsedTimer()
        self._clock.start()
        self._timer = QTimer(self, interval=UPDATE_MS)
        self._timer.timeout.connect(self._measure)

    @property
    def running(self) -> bool:
        return self._timer.isActive()

    def set_running(self, on: bool) -> None:
        """Start counting afresh (playback started) or stop and forget the rate (paused)."""
        self._stamps.clear()
        self.fps = None
        self._timer.start() if on else self._timer.stop()
        self.updated.emit(-1.0)

    def frame(self) -> None:
        if self.running:
            self._stamps.append(self._clock.elapsed())

    def _measure(self) -> None:
        now = self._clock.elapsed()
        while self._stamps and self._stamps[0] < now - WINDOW_MS:
            self._stamps.popleft()
        if len(self._stamps) >= 2 and self._stamps[-1] > self._stamps[0]:
            self.fps = (len(self._stamps) - 1) * 1000.0 / (self._stamps[-1] - self._stamps[0])
            self.updated.emit(self.fps)
