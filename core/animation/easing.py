"""Pure easing functions: map segment progress u in [0, 1] to eased progress.

Each function takes and returns a float64 array (scalars work too) and must map
0 → 0 and 1 → 1, so a curve stays continuous at its keys (except ``step``,
which holds the start value until the next key).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

EasingFunction = Callable[[np.ndarray], np.ndarray]


def linear(u: np.ndarray) -> np.ndarray:
    """Constant speed."""
    return np.asarray(u, np.float64)


def step(u: np.ndarray) -> np.ndarray:
    """Hold the start value; jump at the next key."""
    u = np.asarray(u, np.float64)
    return np.where(u >= 1.0, 1.0, 0.0)


def ease_in(u: np.ndarray) -> np.ndarray:
    """Quadratic: slow start."""
    u = np.asarray(u, np.float64)
    return u * u


def ease_out(u: np.ndarray) -> np.ndarray:
    """Quadratic: slow end."""
    u = np.asarray(u, np.float64)
    return 1.0 - (1.0 - u) ** 2


def ease_in_out(u: np.ndarray) -> np.ndarray:
    """Smoothstep (cubic): slow at both ends, zero velocity at the keys."""
    u = np.asarray(u, np.float64)
    return u * u * (3.0 - 2.0 * u)


EASINGS: dict[str, EasingFunction] = {
    "linear": linear,
    "step": step,
    "ease_in": ease_in,
    "ease_out": ease_out,
    "ease_in_out": ease_in_out,
}
# "constant" is what some users call "step"; both names load.
ALIASES = {"constant": "step", "smoothstep": "ease_in_out"}


def canonical_name(name: str) -> str:
    """The registry key for ``name`` (aliases resolved); ValueError if unknown."""
    name = ALIASES.get(name, name)
    if name not in EASINGS:
        raise ValueError(f"unknown easing {name!r}; choose one of {', '.join(EASINGS)}")
    return name


def get_easing(name: str) -> EasingFunction:
    """The easing function registered under ``name`` (aliases accepted)."""
    return EASINGS[canonical_name(name)]
