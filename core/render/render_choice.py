"""Which renderer draws a portrait's frames: ``auto`` resolved the same way everywhere.

The command line (``--renderer``), ``render-project`` (the project's render settings) and
the studio's preview and export all ask ``resolve_renderer``, so ``auto`` picks the same
renderer for the same portrait wherever it is rendered.
"""

from __future__ import annotations

import numpy as np

from core.landmarks.face_landmarks import FaceLandmarks


def resolve_renderer(requested: str, portrait_rgba: np.ndarray, face: FaceLandmarks,
                     mouth_set: bool = False) -> tuple[str, str | None]:
    """(warp | neural | drawn, a note for the user or None) for ``requested`` auto | warp | neural | drawn.

    A mouth set is drawn by the drawn style, so it makes the choice ``drawn``; ``auto`` picks the
    learned renderer for photographic portraits and the drawn style for drawings
    (core.render.neural_renderer.choose_renderer reads the style and checks the weights)."""
    from core.render.neural_renderer import choose_renderer

    if requested == "drawn" or mouth_set:
        return "drawn", None
    chosen, note = choose_renderer(requested, portrait_rgba, face)
    # auto: a drawing gets the drawn style; a photo whose learned renderer is missing keeps the warp (the note says so)
    return ("drawn" if requested == "auto" and chosen == "warp" and note is None else chosen), note
