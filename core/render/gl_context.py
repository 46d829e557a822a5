"""Headless OpenGL contexts for export and tests.

The preview widget makes its own context inside Qt; everything else (export,
CLI, tests) renders offscreen through EGL, which needs no display server.
"""

from __future__ import annotations

import moderngl

from core.errors import SpaceStudioError

REQUIRED_GL_VERSION = 330


class RenderContextError(SpaceStudioError):
    """No usable OpenGL context (EGL missing or too old a driver)."""


def create_headless_context() -> moderngl.Context:
    """A standalone moderngl context on EGL (OpenGL 3.3 core or newer).

    Raises RenderContextError with a one-line message when EGL or a GL 3.3
    driver is not available (e.g. libEGL missing on a minimal server).
    """
    try:
        ctx = moderngl.create_standalone_context(backend="egl", require=REQUIRED_GL_VERSION)
    except Exception as err:  # moderngl/glcontext raise bare Exceptions with driver text
        first_line = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise RenderContextError(
            f"cannot create a headless OpenGL context through EGL ({first_line}); "
            "install libegl1 and a Mesa driver (e.g. libegl-mesa0)"
        ) from err
    return ctx
