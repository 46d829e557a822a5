"""Fixtures for the animation tests."""

from __future__ import annotations

import pytest

from tests.core.animation.drawn_face import DrawnFace, draw_face


@pytest.fixture
def rest_face() -> DrawnFace:
    return draw_face()
