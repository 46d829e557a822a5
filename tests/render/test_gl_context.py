"""Headless context creation and its one-line failure."""

from __future__ import annotations

import pytest

from core.render import gl_context
from core.render.gl_context import RenderContextError, create_headless_context


def test_headless_context_is_gl33_or_newer():
    ctx = create_headless_context()
    try:
        assert ctx.version_code >= 330
        assert ctx.error == "GL_NO_ERROR"
    finally:
        ctx.release()


def test_missing_egl_becomes_a_one_line_error(monkeypatch):
    def no_egl(**kwargs):
        raise Exception("libEGL.so: cannot open shared object file\nmore driver detail")

    monkeypatch.setattr(gl_context.moderngl, "create_standalone_context", no_egl)
    with pytest.raises(RenderContextError) as err:
        create_headless_context()
    assert "\n" not in str(err.value) and "libEGL.so" in str(err.value) and "libegl1" in str(err.value)
