"""The CLI's progress bar moves inside a stage, on a terminal and in a log (issue 16)."""

from __future__ import annotations

import io

from core.progress import LOG_EVERY_S, TextProgressBar


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_terminal_bar_redraws_as_frames_are_done() -> None:
    clock, terminal = _Clock(), _Terminal()
    bar = TextProgressBar(terminal, width=10, clock=clock)
    for done in range(0, 216_001, 27_000):
        bar("Predicting lip motion", done, 216_000)
        clock.now += 1.0
    draws = [d for d in terminal.getvalue().split("\r") if d.strip()]
    assert len(draws) == 9
    assert "[#####-----] 108000/216000" in draws[4] and draws[-1].strip().endswith("216000/216000")


def test_log_gets_a_line_inside_a_long_stage_and_when_it_ends() -> None:
    clock, log = _Clock(), io.StringIO()
    bar = TextProgressBar(log, clock=clock)
    for done in range(0, 61):  # one report a second for a minute
        bar("Predicting lip motion", done * 100, 6000)
        clock.now += 1.0
    every = int(LOG_EVERY_S)
    expected = [f"Predicting lip motion: {k * 100}/6000" for k in range(every, 60, every)]
    assert log.getvalue().splitlines() == expected + ["Predicting lip motion: 6000/6000 done"]


def test_log_stays_quiet_for_short_stages() -> None:
    clock, log = _Clock(), io.StringIO()
    bar = TextProgressBar(log, clock=clock)
    for stage in ("Reading audio", "Generating pose"):
        bar(stage, 0, 1)
        clock.now += 0.5
        bar(stage, 1, 1)
    assert log.getvalue().splitlines() == ["Reading audio: 1/1 done", "Generating pose: 1/1 done"]
