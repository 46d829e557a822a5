"""One validation layer for every file a user hands us: sizes, nesting, numbers, messages.

Readers of user files (projects, landmark files, motion files) decode JSON through
``load_json_text`` and check values with ``number``; both raise ``InputLimitError``
(a ValueError) with a short, one-line reason that the caller wraps in its own
SpaceStudioError with the file's name. ``one_line`` bounds any message we show.
"""

from __future__ import annotations

import json
import math
import os
import re
from typing import Any

# A project or landmark file is a few hundred KB; 64 MB is far beyond any real one and
# still small enough to read into memory at once.
MAX_JSON_BYTES = 64 * 1024 * 1024
# Real files nest 5 deep; JSON nested thousands deep is hostile (RecursionError in the parser).
MAX_JSON_DEPTH = 64
# Digits of an integer literal: 2**63 has 19. Python refuses over 4300 with a ValueError.
MAX_INT_DIGITS = 30
MAX_MESSAGE_CHARS = 300
# Never read from or written to on a user's say-so (a project's media, an output path).
SYSTEM_FOLDERS = ("/proc", "/dev", "/sys")


class InputLimitError(ValueError):
    """A value or document beyond what any real file holds; ``str`` is one short line."""


def is_system_path(path: str | os.PathLike) -> bool:
    """Whether ``path`` (symlinks resolved) lies under /proc, /dev or /sys."""
    real = os.path.realpath(path)
    return any(real == root or real.startswith(root + os.sep) for root in SYSTEM_FOLDERS)


def one_line(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """``text`` on a single line of at most ``limit`` characters (… marks a cut)."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def short_list(items: Any, limit: int = 5) -> str:
    """The first ``limit`` items of a collection and how many more, for messages."""
    items = sorted(str(item)[:40] for item in items)
    shown = ", ".join(repr(item) for item in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


_DEPTH_CHUNK = 1 << 22
_OPENING = (ord("["), ord("{"))
_CLOSING = (ord("]"), ord("}"))
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def _max_depth(text: str) -> int:
    """Deepest bracket nesting of JSON ``text`` (brackets inside strings ignored), without
    recursion and in chunks, so a large file costs little more than its own size."""
    import numpy as np

    skeleton = _STRING.sub("", text)
    depth = deepest = 0
    for start in range(0, len(skeleton), _DEPTH_CHUNK):
        codes = np.frombuffer(skeleton[start : start + _DEPTH_CHUNK].encode("utf-8", "replace"), np.uint8)
        steps = np.isin(codes, _OPENING).astype(np.int32) - np.isin(codes, _CLOSING)
        running = depth + np.cumsum(steps)
        if running.size:
            deepest, depth = max(deepest, int(running.max())), int(running[-1])
    return deepest


def _parse_int(literal: str) -> int:
    if len(literal.lstrip("-")) > MAX_INT_DIGITS:
        raise InputLimitError(f"a number with {len(literal.lstrip('-'))} digits (at most {MAX_INT_DIGITS})")
    return int(literal)


def _parse_float(literal: str) -> float:
    value = float(literal)
    if not math.isfinite(value):
        raise InputLimitError(f"the number {literal[:20]}{'…' if len(literal) > 20 else ''} is too large")
    return value


def _refuse_constant(name: str) -> float:
    raise InputLimitError(f"{name} is not a number JSON allows")


def read_text_limited(path: str | os.PathLike, limit: int = MAX_JSON_BYTES) -> str:
    """UTF-8 text of a file of at most ``limit`` bytes (a FIFO or /dev/zero cannot make us read
    forever); InputLimitError when larger, OSError / UnicodeDecodeError as usual."""
    with open(path, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise InputLimitError(f"the file is larger than {limit // 2**20} MB")
    return data.decode("utf-8")


def load_json_text(text: str, max_bytes: int = MAX_JSON_BYTES) -> Any:
    """Decode JSON refusing what no real file holds: > MAX_JSON_BYTES, nesting > MAX_JSON_DEPTH,
    integers over MAX_INT_DIGITS digits, floats that overflow, NaN / Infinity.

    Raises json.JSONDecodeError for malformed text and InputLimitError for the rest."""
    if len(text) > max_bytes:
        raise InputLimitError(f"the file is {len(text) / 1e6:.0f} MB; at most {max_bytes // 2**20} MB")
    if _max_depth(text) > MAX_JSON_DEPTH:
        raise InputLimitError(f"the JSON is nested more than {MAX_JSON_DEPTH} levels deep")
    try:
        return json.loads(text, parse_int=_parse_int, parse_float=_parse_float, parse_constant=_refuse_constant)
    except RecursionError:  # guarded by _max_depth; kept so no parser path can escape as a traceback
        raise InputLimitError("the JSON is nested too deeply") from None


def number(value: Any, what: str, low: float = -math.inf, high: float = math.inf, *,
           low_open: bool = False, integer: bool = False) -> float:
    """``value`` as a finite float in [low, high] (``low_open``: (low, high]); else InputLimitError.

    Booleans and strings are refused: a file that says ``"fps": true`` or ``"fps": "30"``
    is wrong, not meant. Messages format numbers with %g so 300-digit values stay short."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InputLimitError(f"{what} must be a number, got {_describe(value)}")
    if integer and not isinstance(value, int):
        raise InputLimitError(f"{what} must be a whole number, got {_g(value)}")
    try:
        as_float = float(value)
    except OverflowError:
        raise InputLimitError(f"{what} is too large") from None
    if not math.isfinite(as_float):
        raise InputLimitError(f"{what} must be a finite number, got {_g(as_float)}")
    too_low = as_float <= low if low_open else as_float < low
    if too_low or as_float > high:
        bracket = "(" if low_open else "["
        raise InputLimitError(f"{what} must be in {bracket}{_g(low)}, {_g(high)}], got {_g(as_float)}")
    return as_float


def finite_array(values: Any, what: str, limit: float) -> None:
    """Raise InputLimitError unless every entry of the array is finite and within ±``limit``."""
    import numpy as np

    array = np.asarray(values, dtype=np.float64)
    if not np.isfinite(array).all():
        raise InputLimitError(f"{what} contains a value that is not a finite number")
    if array.size and np.abs(array).max() > limit:
        raise InputLimitError(f"{what} contains {_g(float(np.abs(array).max()))}; values must lie within ±{_g(limit)}")


def _g(value: float) -> str:
    return f"{value:g}"


def _describe(value: Any) -> str:
    if isinstance(value, str):
        return f"the text {one_line(repr(value), 40)}"
    return type(value).__name__ if not isinstance(value, (int, float)) else _g(float(value))
