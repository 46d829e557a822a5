"""Mesh topology and vertex motion, without GL."""

from __future__ import annotations

import numpy as np

from core.landmarks.face_geometry import similarity_fit
from core.render.warp_mesh import WarpMesh
from tests.render.test_delaunay_warp import close_eyes, open_jaw


def _edges(triangles: np.ndarray) -> set[tuple[int, int]]:
    pairs = np.concatenate([triangles[:, [0, 1]], triangles[:, [1, 2]], triangles[:, [2, 0]]])
    return {tuple(sorted(map(int, p))) for p in pairs}


def test_inner_lip_outline_is_made_of_mesh_edges(drawn):
    _, face = drawn
    mesh = WarpMesh(face, (256, 256))
    where = {int(r): i for i, r in enumerate(mesh.rig_index)}
    outline = [60, 61, 62, 63, 64, 65, 66, 67, 60]
    edges = _edges(mesh.triangles)
    for a, b in zip(outline, outline[1:]):
        assert tuple(sorted((where[a], where[b]))) in edges


def test_no_triangle_folds_at_rest_or_open_jaw(drawn):
    _, face = drawn
    mesh = WarpMesh(face, (256, 256))
    for rig in (face.rig_points(), open_jaw(face.rig_points(), 25)):
        assert (mesh.signed_areas(mesh.positions(rig)) >= -1e-3).all()


def test_closed_eyes_leave_only_subpixel_slivers(drawn):
    _, face = drawn
    mesh = WarpMesh(face, (256, 256))
    # Points collapsed onto the curved lid line can only make slivers under a pixel in area.
    assert (mesh.signed_areas(mesh.positions(close_eyes(face.rig_points()))) > -2.0).all()


def test_rest_rig_gives_rest_positions(drawn):
    _, face = drawn
    mesh = WarpMesh(face, (256, 256))
    assert np.abs(mesh.positions(face.rig_points()) - mesh.rest).max() < 1e-3


def test_similarity_fit_recovers_a_rotation():
    rng = np.random.default_rng(0)
    src = rng.normal(size=(10, 2))
    angle = 0.3
    matrix = 1.5 * np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    fit, offset = similarity_fit(src, src @ matrix.T + [3.0, -2.0])
    assert np.allclose(fit, matrix) and np.allclose(offset, [3.0, -2.0])


def test_open_upper_lids_follow_each_rest_rig_of_its_own(drawn):
    """The rest part is computed once per rest rig: a second portrait's lids never get the first's."""
    from core.landmarks.face_landmarks import RIG_UPPER_LIDS
    from core.render.warp_mesh import clamp_rig, open_upper_lids

    first = clamp_rig(drawn[1].rig_points())
    second = first.copy()
    second[RIG_UPPER_LIDS, 1] -= np.linspace(1.0, 4.0, len(second[RIG_UPPER_LIDS]))  # other lid shapes
    for rest in (first, second, first, second.astype(np.float32)):
        lids = open_upper_lids(rest, rest).reshape(-1, 2)
        assert np.allclose(lids, rest[RIG_UPPER_LIDS], atol=1e-4)  # at rest the open lid is the lid
    turned = first @ np.array([[0.96, -0.28], [0.28, 0.96]]).T + 5.0  # head turned and moved
    assert np.allclose(open_upper_lids(first, turned), turned[RIG_UPPER_LIDS].reshape(2, 7, 2))
