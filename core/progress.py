"""Progress reporting and cancellation for long operations.

Long work (detection, inference, rendering, export) takes a ``Progress`` and
calls ``progress.step(stage, done, total)`` regularly. The CLI passes one that
draws a bar; the GUI passes one that feeds a progress dialog. Cancelling sets
a flag the next ``step`` turns into ``core.errors.Cancelled``, so work stops at
a safe point and atomic writers clean up.
"""

from __future__ import annotations

import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Callable, TextIO

from core.errors import Cancelled

ProgressCallback = Callable[[str, int, int], None]


@dataclass
class Progress:
    """Reports (stage, done, total) and raises Cancelled once cancel() was called."""

    callback: ProgressCallback | None = None
    _cancel: threading.Event = field(default_factory=threading.Event)

    def step(self, stage: str, done: int, total: int) -> None:
        """Report progress; raises Cancelled if cancellation was requested."""
        if self._cancel.is_set():
            raise Cancelled("Cancelled by the user.")
        if self.callback is not None:
            self.callback(stage, done, total)

    def cancel(self) -> None:
        """Ask the running work to stop at its next step."""
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()


LOG_EVERY_S = 10.0  # a log or pipe gets a line at least this often inside a long stage


class TextProgressBar:
    """A one-line progress bar on a terminal stream (redrawn at most 10×/s); on a log or a
    pipe, a line per finished stage and one every LOG_EVERY_S inside a long stage."""

    def __init__(self, stream: TextIO = sys.stderr, width: int = 30,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._stream = stream
        self._width = width
        self._clock = clock
        self._last_draw = 0.0
        self._stage = ""
        self._logged = ("", clock())  # the stage last written to a log, and when
        self._interactive = bool(getattr(stream, "isatty", lambda: False)())

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = self._clock()
        finished = total > 0 and done >= total
        if not self._interactive:
            self._log_line(stage, done, total, finished, now)
            return
        if stage == self._stage and not finished and now - self._last_draw < 0.1:
            return
        if stage != self._stage and self._stage:
            self._stream.write("\n")
        self._stage, self._last_draw = stage, now
        fraction = done / total if total > 0 else 0.0
        filled = int(round(fraction * self._width))
        bar = "#" * filled + "-" * (self._width - filled)
        self._stream.write(f"\r{stage:<22} [{bar}] {done}/{total}")
        if finished:
            self._stream.write("\n")
            self._stage = ""
        self._stream.flush()

    def _log_line(self, stage: str, done: int, total: int, finished: bool, now: float) -> None:
        """Logs and pipes get one line per finished stage, not a pile of redraws, and a
        line now and then inside a long one so a watcher sees it is moving."""
        if stage != self._logged[0]:
            self._logged = (stage, now)
        if finished:
            self._stream.write(f"{stage}: {done}/{total} done\n")
        elif now - self._logged[1] >= LOG_EVERY_S:
            self._stream.write(f"{stage}: {done}/{total}\n")
        else:
            return
        self._logged = (stage, now)
        self._stream.flush()

    def close(self) -> None:
        """End the current line."""
        if self._stage:
            self._stream.write("\n")
            self._stream.flush()
            self._stage = ""
