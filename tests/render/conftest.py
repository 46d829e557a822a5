"""GL fixtures: one headless EGL context for the session, checked for errors after every test."""

from __future__ import annotations

import moderngl
import numpy as np
import pytest

from core.landmarks.face_landmarks import FaceLandmarks
from core.render.delaunay_warp import MeshWarpRenderer
from core.render.gl_context import create_headless_context
from tests.drawn_face import draw_portrait


@pytest.fixture(scope="session")
def gl_session() -> moderngl.Context:
    ctx = create_headless_context()
    yield ctx
    ctx.release()


@pytest.fixture
def ctx(gl_session: moderngl.Context) -> moderngl.Context:
    _ = gl_session.error  # reading the flag clears anything a previous test left
    yield gl_session
    assert gl_session.error == "GL_NO_ERROR"


@pytest.fixture(scope="session")
def drawn() -> tuple[np.ndarray, FaceLandmarks]:
    """A 256×256 opaque drawn portrait and its exact landmarks."""
    return draw_portrait(256)


@pytest.fixture
def renderer(ctx: moderngl.Context, drawn: tuple[np.ndarray, FaceLandmarks]):
    """The mesh-warp renderer of the drawn portrait at its own size."""
    image, face = drawn
    warp = MeshWarpRenderer(ctx, image, face, (image.shape[1], image.shape[0]))
    yield warp
    warp.release()



@pytest.fixture(scope="session")
def teeth_sample() -> tuple[np.ndarray, FaceLandmarks]:
    """The bundled sample portrait and its landmarks (teeth plate tests)."""
    from tests.render.teeth_film import sample_portrait

    return sample_portrait()


@pytest.fixture(scope="session")
def filmed_teeth(teeth_sample) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(a 'filmed' open mouth with separable teeth drawn on the sample, its rig, the plate cut from it)."""
    from tests.render.teeth_film import filmed_plate

    return filmed_plate(*teeth_sample)
