"""One horizontal time mapping shared by every strip of the timeline (ruler, waveform, mouth shapes, lanes).

Each strip keeps the same left column (``left`` px of labels) and asks the mapping where a time
lies; zooming or panning any strip changes the mapping, whose ``changed`` signal repaints them all.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Qt, Signal

MIN_PX_PER_S, MAX_PX_PER_S = 10.0, 2000.0


class TimeMapping(QObject):
    """Seconds ↔ widget x: ``x = left + (t - t0) * px_per_s``; the view never starts before 0 s."""

    changed = Signal()

    def __init__(self, left: float, px_per_s: float = 120.0) -> None:
        super().__init__()
        self.left, self.t0, self.px_per_s = float(left), 0.0, float(px_per_s)
        self.fitted = True  # follows the line's length until the user zooms

    def x_of(self, t: float | np.ndarray) -> float | np.ndarray:
        return self.left + (t - self.t0) * self.px_per_s

    def t_of(self, x: float | np.ndarray) -> float | np.ndarray:
        return self.t0 + (x - self.left) / self.px_per_s

    def set_view(self, t0: float, px_per_s: float, fitted: bool = False) -> None:
        """Show from ``t0`` at ``px_per_s`` (clamped); emits ``changed`` when it moved."""
        t0, px = max(0.0, float(t0)), float(np.clip(px_per_s, MIN_PX_PER_S, MAX_PX_PER_S))
        self.fitted = fitted
        if (t0, px) != (self.t0, self.px_per_s):
            self.t0, self.px_per_s = t0, px
            self.changed.emit()

    def zoom_at(self, x: float, factor: float) -> None:
        """Zoom by ``factor`` keeping the time under ``x`` in place."""
        t = float(self.t_of(x))
        px = float(np.clip(self.px_per_s * factor, MIN_PX_PER_S, MAX_PX_PER_S))
        self.set_view(t - (x - self.left) / px, px)

    def pan_by(self, dx: float) -> None:
        self.set_view(self.t0 - dx / self.px_per_s, self.px_per_s)

    def follow_wheel(self, event) -> None:  # noqa: ANN001 - a QWheelEvent
        """The header's wheel gesture: Shift pans, a plain wheel zooms about the cursor."""
        steps = event.angleDelta().y() / 120
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.pan_by(steps * 60)
        else:
            self.zoom_at(event.position().x(), 1.2**steps)

    def fit(self, duration: float, width: float) -> None:
        """The whole line across ``width`` px (a small margin after its end)."""
        span = max(width - self.left - 12.0, 40.0)
        self.set_view(0.0, span / max(duration, 0.2), fitted=True)
