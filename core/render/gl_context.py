"""Standalone OpenGL contexts for export, the command line and tests, chosen per platform.

The preview widget makes its own context inside Qt; everything else renders offscreen
in a standalone moderngl context:

- Linux uses EGL, which needs no display server (a server, a container, CI, Xvfb);
  on a desktop with an X display (``DISPLAY``) GLX is the fallback when EGL is missing.
  EGL comes first there too: a GLX context made beside Qt's own GLX context (the
  studio's preview) or after an EGL one aborts the process with an X error
  (BadAccess on GLXMakeCurrent, seen under Xvfb with Mesa);
- Windows and macOS use the platform's default standalone context (WGL, CGL);
- ``SPACE_STUDIO_GL=egl`` forces EGL, ``SPACE_STUDIO_GL=native`` the platform default.

When no context can be made the error is one line naming what is missing.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass

import moderngl

from core.errors import SpaceStudioError

REQUIRED_GL_VERSION = 330
GL_ENV = "SPACE_STUDIO_GL"


class RenderContextError(SpaceStudioError):
    """No usable OpenGL context (EGL or the platform's GL missing, or too old a driver)."""


@dataclass(frozen=True)
class ContextBackend:
    """One way to make a standalone context: moderngl's ``backend`` name (None = the
    platform default), how it is called, and what to install when it is missing."""

    backend: str | None
    name: str
    missing: str


EGL = ContextBackend("egl", "EGL", "install libegl1 and a Mesa driver (e.g. libegl-mesa0)")
_NATIVE = {
    "win32": ContextBackend(None, "WGL", "install or update the graphics driver (OpenGL 3.3 or newer)"),
    "darwin": ContextBackend(None, "CGL", "macOS 10.9 or newer provides OpenGL 3.3 core"),
    "linux": ContextBackend(None, "GLX", "install libgl1 and a Mesa driver (e.g. libgl1-mesa-dri)"),
}


def _platform_key(platform: str) -> str:
    return "linux" if platform.startswith(("linux", "freebsd")) else platform


def context_backends(platform: str = sys.platform, environ: Mapping[str, str] | None = None) -> tuple[ContextBackend, ...]:
    """The standalone contexts to try, in order, for ``platform`` (a ``sys.platform`` value)."""
    env = os.environ if environ is None else environ
    key = _platform_key(platform)
    native = _NATIVE.get(key, ContextBackend(None, "the platform's OpenGL", "install an OpenGL 3.3 driver"))
    forced = env.get(GL_ENV, "").strip().lower()
    if forced == "egl":
        return (EGL,)
    if forced == "native":
        return (native,)
    if forced:
        raise RenderContextError(f"{GL_ENV}={forced!r} is not understood; use egl or native")
    if key != "linux":
        return (native,)
    if not env.get("DISPLAY"):
        return (EGL,)  # no X server, GLX cannot start (Wayland-only sessions included)
    return (EGL, native)


def create_headless_context(platform: str = sys.platform, environ: Mapping[str, str] | None = None) -> moderngl.Context:
    """A standalone moderngl context (OpenGL 3.3 core or newer) chosen by ``context_backends``.

    Raises RenderContextError with a one-line message naming what is missing when no
    choice works (e.g. libEGL absent on a minimal server).
    """
    failures: list[str] = []
    choices = context_backends(platform, environ)
    for choice in choices:
        try:
            if choice.backend is None:
                return moderngl.create_standalone_context(require=REQUIRED_GL_VERSION)
            return moderngl.create_standalone_context(backend=choice.backend, require=REQUIRED_GL_VERSION)
        except Exception as err:  # moderngl/glcontext raise bare Exceptions with driver text
            failures.append(f"{choice.name}: {_first_line(err)}")
    raise RenderContextError(
        f"cannot create an offscreen OpenGL {REQUIRED_GL_VERSION // 100}.{REQUIRED_GL_VERSION % 100 // 10} context "
        f"({'; '.join(failures)}); {'; or '.join(choice.missing for choice in choices)}"
    )


def _first_line(err: BaseException) -> str:
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__
