"""GLSL shared by the render passes, kept as package data (``*.glsl``) beside this module.

``vertex_shader(declarations, body)`` builds a GLSL 3.30 vertex shader whose vertices are in
portrait pixels (``in vec2 in_pos``): the pixel → clip transform (``image_to_clip.glsl``,
uniforms ``image_size`` and ``flip_y``) is written once, here, for the warp, the mouth
cavity and the eyelid passes.
"""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def glsl(name: str) -> str:
    """The text of a shared GLSL file of this package."""
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def vertex_shader(declarations: str, body: str) -> str:
    """``#version 330`` + the shared transform + ``declarations`` (ins/outs) + a main that
    places ``in_pos`` with ``image_to_clip`` and then runs ``body``."""
    return (
        "#version 330\n"
        + glsl("image_to_clip.glsl")
        + "in vec2 in_pos;\n"
        + declarations.strip("\n")
        + "\nvoid main() {\n    gl_Position = image_to_clip(in_pos);\n"
        + body.strip("\n")
        + "\n}\n"
    )
