"""Standalone context creation: the per-platform choice, a real context, and the one-line failure."""

from __future__ import annotations

import pytest

from core.render import gl_context
from core.render.gl_context import RenderContextError, context_backends, create_headless_context


def _names(platform: str, **env: str) -> list[str]:
    return [choice.name for choice in context_backends(platform, env)]


def test_headless_linux_uses_egl_and_an_x_desktop_falls_back_to_glx():
    assert _names("linux") == ["EGL"]
    assert _names("linux", WAYLAND_DISPLAY="wayland-0") == ["EGL"]  # GLX needs an X server
    assert _names("linux", DISPLAY=":0") == ["EGL", "GLX"]
    assert _names("linux", DISPLAY=":0", SPACE_STUDIO_GL="egl") == ["EGL"]
    assert _names("linux", DISPLAY=":0", SPACE_STUDIO_GL="native") == ["GLX"]


def test_windows_and_macos_use_their_own_gl_never_egl():
    assert _names("win32") == ["WGL"]
    assert _names("darwin") == ["CGL"]
    assert [c.backend for c in context_backends("win32", {})] == [None]  # moderngl's platform default
    assert _names("darwin", SPACE_STUDIO_GL="egl") == ["EGL"]  # forced, for whoever wants it


def test_an_unknown_gl_setting_is_a_one_line_error():
    with pytest.raises(RenderContextError, match="SPACE_STUDIO_GL"):
        context_backends("linux", {"SPACE_STUDIO_GL": "vulkan"})


def test_context_is_gl33_or_newer():
    # Only EGL is made for real here: a GLX context after an EGL one aborts the process.
    ctx = create_headless_context(environ={})
    try:
        assert ctx.version_code >= 330
        assert ctx.error == "GL_NO_ERROR"
    finally:
        ctx.release()


def test_missing_gl_becomes_a_one_line_error_naming_what_to_install(monkeypatch):
    def no_gl(**kwargs):
        raise Exception("libEGL.so: cannot open shared object file\nmore driver detail")

    monkeypatch.setattr(gl_context.moderngl, "create_standalone_context", no_gl)
    with pytest.raises(RenderContextError) as err:
        create_headless_context("linux", {})
    assert "\n" not in str(err.value) and "libEGL.so" in str(err.value) and "libegl1" in str(err.value)
    with pytest.raises(RenderContextError) as err:
        create_headless_context("linux", {"DISPLAY": ":0"})
    message = str(err.value)
    assert "\n" not in message and "EGL" in message and "GLX" in message and "libgl1" in message
    with pytest.raises(RenderContextError) as err:
        create_headless_context("win32", {})
    assert "(WGL: " in str(err.value) and "graphics driver" in str(err.value) and "libegl1" not in str(err.value)
