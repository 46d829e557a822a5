"""What a batch worker keeps between rows to draw frames: one GL context, the frame
renderers of the portraits it has seen, and the renderer choice per portrait.

The frames are the ones ``space-studio render`` draws for the same row: the same
renderer choice (``auto`` resolved by core.render.render_choice, as the CLI does),
the same ``FrameStyle.frame`` per frame, the same encoder (core.export.video_export)
and PNG writer. Only set-up work is shared between rows, never per-frame state: the
renderers draw every frame from the rig alone (tests/core/batch/test_batch_frames.py
checks a batch row's frames against a separate ``render`` of it).
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path

import numpy as np

KEEP_RENDERERS = 2  # a character's lines share a portrait; two cover alternating dialogue


def content_key(*paths: Path | None) -> str:
    """A key that is equal for equal file contents, wherever the files are (the same
    portrait copied next to each line's audio is prepared once)."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(b"\0" if path is None else Path(path).read_bytes())
        digest.update(b"\1")
    return digest.hexdigest()


class WorkerRenderer:
    """A GL context and frame renderers kept for the worker's life (see module doc)."""

    def __init__(self) -> None:
        self._ctx = None
        self._renderers: OrderedDict[tuple, object] = OrderedDict()
        self._choices: dict[tuple[str, str], str] = {}

    def choice(self, requested: str, setup, portrait_key: str) -> str:  # noqa: ANN001 - PortraitSetup
        """``requested`` (auto | warp | neural | drawn) resolved for this portrait, as
        ``space-studio render --renderer`` resolves it (core.cli_commands.renderer_choice)."""
        key = (portrait_key, requested)
        if key not in self._choices:
            if requested == "drawn":
                self._choices[key] = "drawn"
            else:
                from core.render.render_choice import resolve_renderer

                self._choices[key] = resolve_renderer(requested, setup.portrait.rgba, setup.face)[0]
        return self._choices[key]

    def frames(self, animation, size: tuple[int, int], renderer: str, style,  # noqa: ANN001
               portrait_key: str) -> Iterator[np.ndarray]:
        """Every frame of ``animation`` as ``core.pipeline.rendered_frames`` yields them."""
        if self._ctx is None:
            from core.render.gl_context import create_headless_context

            self._ctx = create_headless_context()
        # made current again for every row: a context made in between (a `render` in the
        # same process, the studio) leaves this one no longer current
        with self._ctx:
            frame_renderer = self._renderer(animation.setup, size, renderer, style, portrait_key)
            motion = animation.motion
            for index in range(len(motion)):
                yield style.frame(frame_renderer, index, motion.rig[index], float(motion.mouth_open[index]))

    def _renderer(self, setup, size: tuple[int, int], renderer: str, style, portrait_key: str):  # noqa: ANN001, ANN202
        from core.render.frame_style import open_renderer

        mouth_set = None if style.mouth_set is None else id(style.mouth_set)
        key = (portrait_key, tuple(size), renderer, style.background is not None, mouth_set)
        if key in self._renderers:
            self._renderers.move_to_end(key)
            return self._renderers[key]
        made = open_renderer(self._ctx, setup.portrait.rgba, setup.face, size, renderer, style)
        self._renderers[key] = made
        while len(self._renderers) > KEEP_RENDERERS:
            self._renderers.popitem(last=False)[1].release()
        return made

    def release(self) -> None:
        """Free every renderer and the context."""
        if self._ctx is None:
            return
        with self._ctx:
            for made in self._renderers.values():
                made.release()
        self._renderers.clear()
        if self._ctx is not None:
            self._ctx.release()
            self._ctx = None

