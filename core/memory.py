"""Giving freed memory back to the system between the stages of long work.

glibc keeps memory freed by the many mid-sized blocks of streamed inference (torch
activations, feature blocks) in its heap, where later long-lived arrays pin it: on
two hours of speech ~0.3 GB stayed resident that no object used (issue 16's 1.5 GB
bound). ``malloc_trim(0)`` hands those free pages back. Elsewhere (macOS, Windows,
musl) this is a no-op: their allocators return large blocks themselves.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from functools import lru_cache


def release_free_memory() -> None:
    """Return the C heap's free pages to the system (glibc only; cheap, a few ms)."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@lru_cache(maxsize=1)
def _malloc_trim():  # noqa: ANN202 - a ctypes function or None
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc.malloc_trim
    except (OSError, AttributeError):
        return None  # not glibc
