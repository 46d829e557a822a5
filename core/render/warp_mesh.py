"""The triangle mesh the portrait is warped with, and its per-frame vertex motion.

The mesh is built once from the rest face: the rig points (minus the 8 eye-contour
points that duplicate the 7-point lid contours), a small ring of points inside each
iris, and extra points that keep the rest of the picture in place:

- ``head``: an arc over the top and sides of the head, just outside the hair, that
  follows the head rigidly (the similarity motion of the stable face points);
- ``jaw``: points just outside the jaw line, rigid plus most of the jaw's own motion,
  so an opening jaw does not tear the cheek outline;
- ``neck``: points under the chin, half the head motion and half the jaw motion;
- ``ring``: background anchors around the head with a fraction of the head motion,
  so a turning head drags the background near it a little and nothing far away;
- ``border``: the image border, fixed, so the frame never shows holes.

Topology is Delaunay of the rest positions with the closed lips pulled apart, so
the inner-lip polygon is made of mesh edges and an opening mouth never folds
triangles across the lip line. Per frame only the positions change
(``WarpMesh.positions``); triangles are checked for fold-overs and the background
ring is made to follow the head more until none fold.

Upper lids never pull the mesh below their open shape (``hold_open_lids``): a
closing lid would squash the eye's outline, lashes and pupil into dark streaks.
The eye stays open under the lid and ``eyelid_pass`` draws the lid over it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from scipy.spatial import Delaunay

from core.landmarks.face_geometry import similarity_fit
from core.landmarks.face_landmarks import (
    BROWS,
    EYE_CORNERS,
    INNER_LIP_PAIRS,
    JAW,
    LID_POINTS,
    RIG_IRIS,
    RIG_LOWER_LIDS,
    RIG_POINT_COUNT,
    RIG_UPPER_LIDS,
    FaceLandmarks,
)

# The 37/38/40/41 and 43/44/46/47 contour points lie on the 7-point lid curves;
# as vertices they would only add slivers that fold when the two disagree.
_EYE_CONTOUR_DUPLICATES = (37, 38, 40, 41, 43, 44, 46, 47)
# Points that move with the head but not with speech or expression.
_STABLE = np.array([0, 1, 15, 16, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 39, 42, 45])
# An open mouth in a frame where the outer corners 48 and 54 are (-1, 0) and (1, 0), y down:
# the mesh is triangulated with the mouth in this shape, whatever the portrait's lips do.
_MOUTH_TEMPLATE = np.array(
    [[-1.0, 0.0], [-0.67, -0.33], [-0.33, -0.45], [0.0, -0.4], [0.33, -0.45], [0.67, -0.33], [1.0, 0.0]]
    + [[0.67, 0.42], [0.33, 0.55], [0.0, 0.58], [-0.33, 0.55], [-0.67, 0.42]]
    + [[-0.8, 0.0], [-0.45, -0.17], [0.0, -0.2], [0.45, -0.17], [0.8, 0.0]]
    + [[0.45, 0.22], [0.0, 0.26], [-0.45, 0.22]]
)


@dataclass(frozen=True)
class MeshConfig:
    """How far the extra points sit from the face and how much they follow it."""

    head_margin: float = 1.25  # head arc radius / head ellipse radius
    ring_scale: float = 1.75  # background ring radius / head ellipse radius
    ring_follow: float = 0.3
    neck_follow: float = 0.5
    jaw_follow: float = 0.8  # share of the jaw's own (non-rigid) motion
    border_points_per_side: int = 8
    iris_ring_points: int = 12
    iris_ring_fractions: tuple[float, ...] = (0.55, 1.1)  # ring radii / iris radius
    brow_band: float = 0.3  # brow thickness kept rigid, as a share of the brow-to-lid distance
    crease_height: float = 0.4  # lid crease points above the upper lid, same share
    crease_follow: float = 0.4  # share of the upper lid's motion the crease follows


@dataclass(frozen=True)
class _Extras:
    """Extra (non-rig) vertices: rest positions and how each one follows."""

    rest: np.ndarray  # E×2
    head_follow: np.ndarray  # E, share of the similarity motion
    anchor: np.ndarray  # E, rig index whose local motion is followed (or -1)
    anchor_follow: np.ndarray  # E
    is_ring: np.ndarray  # E bool: may be made to follow more to avoid folds
    is_border: np.ndarray  # E bool


def clamp_rig(rig: np.ndarray) -> np.ndarray:
    """Keep lids and lips from crossing: an upper contour never goes below its lower one."""
    rig = np.array(rig, np.float64)
    upper = rig[RIG_UPPER_LIDS]
    lower = rig[RIG_LOWER_LIDS]
    upper[:, 1] = np.minimum(upper[:, 1], lower[:, 1])
    rig[RIG_UPPER_LIDS] = upper
    for up, low in INNER_LIP_PAIRS:
        rig[up, 1] = min(rig[up, 1], rig[low, 1])
    return rig


def eye_frame(rig: np.ndarray, eye: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Inner-to-outer corner origin, unit axis along the corners and unit normal (pointing down)."""
    c0, c1 = rig[EYE_CORNERS[eye][0]], rig[EYE_CORNERS[eye][1]]
    axis = (c1 - c0) / max(float(np.linalg.norm(c1 - c0)), 1e-6)
    return c0, axis, np.array([-axis[1], axis[0]])


def open_upper_lids(rest_rig: np.ndarray, rig: np.ndarray) -> np.ndarray:
    """2×7×2: the rest upper lids carried onto this frame's eye corners (the open lid's place)."""
    out = np.empty((2, LID_POINTS, 2))
    rest = np.asarray(rest_rig)
    if rest.dtype == np.float64:  # every renderer's rest rig: its part is computed once
        rest_eyes = _rest_lid_coordinates(rest.tobytes(), rest.shape)
    else:
        rest_eyes = _lid_coordinates(rest)
    for eye, (rest_width, u, v) in enumerate(rest_eyes):
        c0, ca, cn = eye_frame(rig, eye)
        scale = np.linalg.norm(rig[EYE_CORNERS[eye][1]] - c0) / rest_width
        out[eye] = c0 + scale * (u * ca + v * cn)
    return out


def _lid_coordinates(rest_rig: np.ndarray) -> tuple[tuple[float, np.ndarray, np.ndarray], ...]:
    """Per eye: the rest corner distance (≥ 1e-6) and the rest upper lid's coordinates along
    and across the corner line (7×1 each)."""
    rest_upper = rest_rig[RIG_UPPER_LIDS].reshape(2, LID_POINTS, 2)
    eyes = []
    for eye in (0, 1):
        r0, ra, rn = eye_frame(rest_rig, eye)
        local = rest_upper[eye] - r0
        u, v = (local @ ra)[:, None], (local @ rn)[:, None]
        u.flags.writeable = v.flags.writeable = False  # shared by every later frame
        eyes.append((max(float(np.linalg.norm(rest_rig[EYE_CORNERS[eye][1]] - r0)), 1e-6), u, v))
    return tuple(eyes)


@functools.lru_cache(maxsize=16)
def _rest_lid_coordinates(rest_bytes: bytes, shape: tuple[int, ...]) -> tuple[tuple[float, np.ndarray, np.ndarray], ...]:
    return _lid_coordinates(np.frombuffer(rest_bytes, np.float64).reshape(shape))


def hold_open_lids(rest_rig: np.ndarray, rig: np.ndarray) -> np.ndarray:
    """``rig`` with the closing part of every upper-lid point's motion taken out.

    A point's offset from its open place is split along its closing direction (toward its
    lower-lid point) and across it; only a closing component is dropped, so a blink leaves
    the eye exactly open, a raised or sideways lid still moves, and nothing jumps.
    """
    rig = np.array(rig, np.float64)
    upper = rig[RIG_UPPER_LIDS].reshape(2, LID_POINTS, 2).copy()
    lower = rig[RIG_LOWER_LIDS].reshape(2, LID_POINTS, 2)
    opened = open_upper_lids(rest_rig, rig)
    for eye in (0, 1):
        _, _, normal = eye_frame(rig, eye)
        closing = lower[eye] - opened[eye]
        length = np.linalg.norm(closing, axis=1, keepdims=True)
        closing = np.where(length > 1e-3, closing / np.maximum(length, 1e-9), normal)
        delta = upper[eye] - opened[eye]
        along = (delta * closing).sum(1, keepdims=True)
        upper[eye] -= np.maximum(along, 0.0) * closing
    rig[RIG_UPPER_LIDS] = upper.reshape(-1, 2)
    rig[RIG_UPPER_LIDS.start : RIG_UPPER_LIDS.stop, 1] = np.minimum(rig[RIG_UPPER_LIDS, 1], rig[RIG_LOWER_LIDS, 1])
    return rig


def _head_ellipse(face: FaceLandmarks) -> tuple[np.ndarray, np.ndarray]:
    """Centre and radii of the whole head, extrapolated from brows, jaw and chin."""
    p = face.points68[:, :2].astype(np.float64)
    brow_y = p[BROWS, 1].mean()
    chin_y = p[8, 1]
    face_height = chin_y - brow_y
    top = brow_y - 0.85 * face_height  # the skull and hair rise about this far above the brows
    centre = np.array([(p[0, 0] + p[16, 0]) / 2, (top + chin_y) / 2])
    radii = np.array([0.55 * np.linalg.norm(p[16] - p[0]), (chin_y - top) / 2])
    return centre, radii


def _inside(points: np.ndarray, size: tuple[int, int], margin: float) -> np.ndarray:
    w, h = size
    x, y = points[:, 0], points[:, 1]
    return (x > margin - 0.5) & (x < w - 0.5 - margin) & (y > margin - 0.5) & (y < h - 0.5 - margin)


def _pull_inside(points: np.ndarray, centre: np.ndarray, size: tuple[int, int], margin: float) -> np.ndarray:
    """Move points toward ``centre`` until they are ``margin`` inside the image."""
    lo = np.array([margin - 0.5, margin - 0.5])
    hi = np.array(size, np.float64) - 0.5 - margin
    offset = points - centre
    with np.errstate(divide="ignore", invalid="ignore"):
        limit = np.where(offset > 0, (hi - centre) / offset, np.where(offset < 0, (lo - centre) / offset, np.inf))
    scale = np.clip(limit.min(axis=1), 0.0, 1.0)
    return centre + offset * scale[:, None]


def _border_points(size: tuple[int, int], per_side: int) -> np.ndarray:
    w, h = size
    xs = np.linspace(-0.5, w - 0.5, per_side + 1)
    ys = np.linspace(-0.5, h - 0.5, per_side + 1)
    top = np.stack([xs, np.full_like(xs, -0.5)], -1)
    bottom = np.stack([xs, np.full_like(xs, h - 0.5)], -1)
    left = np.stack([np.full_like(ys, -0.5), ys], -1)[1:-1]
    right = np.stack([np.full_like(ys, w - 0.5), ys], -1)[1:-1]
    return np.concatenate([top, bottom, left, right])


def _build_extras(face: FaceLandmarks, size: tuple[int, int], cfg: MeshConfig) -> _Extras:
    p = face.points68[:, :2].astype(np.float64)
    centre, radii = _head_ellipse(face)
    margin = 0.02 * min(size)  # keep extra points off the fixed border
    groups: list[tuple[np.ndarray, float, np.ndarray, float, bool]] = []

    angles = np.linspace(np.pi * 0.92, np.pi * 2.08, 13)  # over the top, down to the jaw ends
    head = centre + radii * cfg.head_margin * np.stack([np.cos(angles), np.sin(angles)], -1)
    # A head that fills the picture still needs its top pinned: pull those points inside.
    head = _pull_inside(head, centre, size, 2 * margin)
    groups.append((head, 1.0, np.full(len(head), -1), 0.0, False))

    for brow_idx, eye_idx in ((np.arange(17, 22), np.arange(36, 42)), (np.arange(22, 27), np.arange(42, 48))):
        band = cfg.brow_band * (p[eye_idx, 1].min() - p[brow_idx, 1])
        for sign in (-1.0, 1.0):  # just above and just below the brow: it moves as one piece
            points = p[brow_idx] + np.stack([np.zeros_like(band), sign * band], -1)
            groups.append((points, 1.0, brow_idx, 1.0, False))

    lid_base = RIG_UPPER_LIDS.start
    for eye, brow_idx in ((0, np.arange(17, 22)), (1, np.arange(22, 27))):
        lids = face.upper_lids[eye].astype(np.float64)
        lift = cfg.crease_height * (lids[:, 1].min() - p[brow_idx, 1].mean())
        # Skin above the lid: a blink folds it down instead of folding triangles at the corners.
        crease = lids - np.array([0.0, lift])
        groups.append((crease, 1.0, lid_base + eye * LID_POINTS + np.arange(LID_POINTS), cfg.crease_follow, False))

    jaw_idx = np.arange(JAW.start + 2, JAW.stop - 2)
    outward = p[jaw_idx] - centre
    outward /= np.linalg.norm(outward, axis=1, keepdims=True)
    jaw = p[jaw_idx] + outward * 0.08 * np.linalg.norm(p[16] - p[0])
    groups.append((jaw, 1.0, jaw_idx, cfg.jaw_follow, False))

    face_height = p[8, 1] - p[BROWS, 1].mean()
    neck_idx = np.array([4, 6, 8, 10, 12])
    neck = p[neck_idx] + np.array([0.0, 0.3 * face_height])
    groups.append((neck, cfg.neck_follow, neck_idx, cfg.neck_follow, False))

    ring_angles = np.linspace(0, 2 * np.pi, 16, endpoint=False)
    ring = centre + radii * cfg.ring_scale * np.stack([np.cos(ring_angles), np.sin(ring_angles)], -1)
    groups.append((ring, cfg.ring_follow, np.full(len(ring), -1), 0.0, True))

    rest, follow, anchor, anchor_follow, is_ring = [], [], [], [], []
    for points, weight, anchors, a_weight, ring_flag in groups:
        keep = _inside(points, size, margin)
        rest.append(points[keep])
        follow.append(np.full(keep.sum(), weight))
        anchor.append(np.asarray(anchors)[keep])
        anchor_follow.append(np.full(keep.sum(), a_weight))
        is_ring.append(np.full(keep.sum(), ring_flag))
    border = _border_points(size, cfg.border_points_per_side)
    n = len(border)
    return _Extras(
        rest=np.concatenate(rest + [border]),
        head_follow=np.concatenate(follow + [np.zeros(n)]),
        anchor=np.concatenate(anchor + [np.full(n, -1)]).astype(np.int64),
        anchor_follow=np.concatenate(anchor_follow + [np.zeros(n)]),
        is_ring=np.concatenate(is_ring + [np.zeros(n, bool)]),
        is_border=np.concatenate([np.zeros(sum(len(r) for r in rest), bool), np.ones(n, bool)]),
    )


def _lid_polylines(rig: np.ndarray, eye: int) -> tuple[np.ndarray, np.ndarray]:
    """Upper and lower lid contour of one eye, corner to corner (9 points each)."""
    c0, c1 = rig[EYE_CORNERS[eye][0]], rig[EYE_CORNERS[eye][1]]
    upper = rig[RIG_UPPER_LIDS].reshape(2, LID_POINTS, 2)[eye]
    lower = rig[RIG_LOWER_LIDS].reshape(2, LID_POINTS, 2)[eye]
    return np.vstack([c0, upper, c1]), np.vstack([c0, lower, c1])


def _to_eye_params(points: np.ndarray, upper: np.ndarray, lower: np.ndarray) -> np.ndarray:
    """(s across the eye 0..1, f from upper lid 0 to lower lid 1) for each point."""
    x0, x1 = upper[0, 0], upper[-1, 0]
    s = (points[:, 0] - x0) / (x1 - x0)
    up = np.interp(points[:, 0], upper[:, 0], upper[:, 1])
    low = np.interp(points[:, 0], lower[:, 0], lower[:, 1])
    f = (points[:, 1] - up) / np.maximum(low - up, 1e-6)
    return np.stack([s, f], -1)


def _from_eye_params(params: np.ndarray, upper: np.ndarray, lower: np.ndarray) -> np.ndarray:
    x0, x1 = upper[0, 0], upper[-1, 0]
    x = x0 + params[:, 0] * (x1 - x0)
    up = np.interp(x, upper[:, 0], upper[:, 1])
    low = np.interp(x, lower[:, 0], lower[:, 1])
    return np.stack([x, up + params[:, 1] * (low - up)], -1)


class WarpMesh:
    """Static triangles + texture coordinates, and per-frame vertex positions."""

    def __init__(self, rest_face: FaceLandmarks, image_size: tuple[int, int], config: MeshConfig = MeshConfig()):
        self.image_size = image_size
        self.config = config
        # Clamped so that the rest pose itself never counts as crossed lids or lips.
        self.rest_rig = clamp_rig(rest_face.rig_points())
        self.rig_index = np.array([i for i in range(RIG_POINT_COUNT) if i not in _EYE_CONTOUR_DUPLICATES])
        self._iris_rings = [self._iris_ring(rest_face, eye) for eye in (0, 1)]
        self._extras = _build_extras(rest_face, image_size, config)
        self.rest = np.concatenate([self.rest_rig[self.rig_index], *self._iris_rings, self._extras.rest])
        self.triangles = self._triangulate()
        self._rest_sign = np.ones(len(self.triangles))
        # Noisy landmarks can leave a triangle inverted at rest; it stays so, and only change counts.
        self._rest_sign = np.where(self.signed_areas(self.rest) < -1e-6, -1.0, 1.0)
        self._extra_start = len(self.rig_index) + sum(len(r) for r in self._iris_rings)
        tri_extra = (self.triangles >= self._extra_start).any(1)
        self._checked = tri_extra  # only triangles the fold fix can change are checked
        # Per-frame constants, computed once: the checked triangles' corners and rest orientation,
        # the rest eyes' lid contours, the stable rest points.
        self._checked_corners = tuple(self.triangles[tri_extra][:, k] for k in range(3))
        self._checked_sign = self._rest_sign[tri_extra]
        self._rest_lids = [_lid_polylines(self.rest_rig, eye) for eye in (0, 1)]
        self._rest_stable = self.rest_rig[_STABLE]
        extras = self._extras
        self._anchored = extras.anchor >= 0
        self._anchors = extras.anchor[self._anchored]
        self._anchor_follow = extras.anchor_follow[self._anchored][:, None]
        self._free = ~extras.is_border

    def _iris_ring(self, face: FaceLandmarks, eye: int) -> np.ndarray:
        """Rings of points on the iris (whole disc moves rigidly) that lie well inside the open eye."""
        n = self.config.iris_ring_points
        angles = np.linspace(0, 2 * np.pi, n, endpoint=False)
        unit = np.stack([np.cos(angles), np.sin(angles)], -1)
        radii = np.array(self.config.iris_ring_fractions) * float(face.iris_radius[eye])
        ring = face.iris[eye] + (radii[:, None, None] * unit).reshape(-1, 2)
        params = _to_eye_params(ring, *_lid_polylines(self.rest_rig, eye))
        keep = (params[:, 0] > 0.08) & (params[:, 0] < 0.92) & (params[:, 1] > 0.04) & (params[:, 1] < 0.96)
        return ring[keep]

    def _triangulate(self) -> np.ndarray:
        """Delaunay of the rest positions with the mouth replaced by an open template (see module doc)."""
        topo = self.rest.copy()
        where = np.searchsorted(self.rig_index, np.arange(48, 68))
        left, right = self.rest_rig[48], self.rest_rig[54]
        axis = (right - left) / 2
        down = np.array([-axis[1], axis[0]])
        topo[where] = (left + right) / 2 + _MOUTH_TEMPLATE[:, :1] * axis + _MOUTH_TEMPLATE[:, 1:] * down
        triangles = Delaunay(topo).simplices.astype(np.int32)
        a, b, c = (topo[triangles[:, k]] for k in range(3))
        area = (b[:, 0] - a[:, 0]) * (c[:, 1] - a[:, 1]) - (b[:, 1] - a[:, 1]) * (c[:, 0] - a[:, 0])
        triangles[area < 0] = triangles[area < 0][:, [0, 2, 1]]
        return triangles

    def signed_areas(self, positions: np.ndarray) -> np.ndarray:
        """Twice the signed area of every triangle (positive = rest orientation, negative = folded)."""
        a, b, c = (positions[self.triangles[:, k]] for k in range(3))
        area = (b[:, 0] - a[:, 0]) * (c[:, 1] - a[:, 1]) - (b[:, 1] - a[:, 1]) * (c[:, 0] - a[:, 0])
        return area * self._rest_sign

    def positions(self, rig: np.ndarray) -> np.ndarray:
        """V×2 vertex positions (pixels) for one frame's rig points (98×2 pixels)."""
        rig = hold_open_lids(self.rest_rig, clamp_rig(rig))
        matrix, offset = similarity_fit(self._rest_stable, rig[_STABLE])
        to_rest = np.linalg.inv(matrix).T  # current frame → rest face, less the offset
        lids = [_lid_polylines(rig, eye) for eye in (0, 1)]  # iris points are no part of them
        irises = rig[RIG_IRIS]
        rings = [self._iris_ring_positions(irises[eye], eye, offset, to_rest, lids[eye]) for eye in (0, 1)]
        rig[RIG_IRIS] = self._iris_centres(irises, offset, to_rest, lids)
        head = [rig[self.rig_index], *rings]
        rest_moved = self.rest_rig[self._anchors] @ matrix.T + offset
        moved = self._extras.rest @ matrix.T + offset
        for ring_follow in (self.config.ring_follow, 0.55, 0.8, 1.0):
            extras = self._extra_positions(rig, moved, rest_moved, ring_follow)
            positions = np.concatenate([*head, extras])
            if not (self._checked_areas(positions) < 0).any():
                break
        return positions.astype(np.float32)

    def _checked_areas(self, positions: np.ndarray) -> np.ndarray:
        """``signed_areas`` of the triangles the fold fix can change only."""
        a, b, c = (positions[corner] for corner in self._checked_corners)
        area = (b[:, 0] - a[:, 0]) * (c[:, 1] - a[:, 1]) - (b[:, 1] - a[:, 1]) * (c[:, 0] - a[:, 0])
        return area * self._checked_sign

    def _extra_positions(self, rig: np.ndarray, moved: np.ndarray, rest_moved: np.ndarray, ring_follow: float):
        """Extra vertices; ``moved``: their rest places carried by the head motion, ``rest_moved``:
        the anchors' rest places carried so."""
        e = self._extras
        follow = np.where(e.is_ring, ring_follow, e.head_follow)[:, None]
        pos = e.rest + follow * (moved - e.rest)
        local = rig[self._anchors] - rest_moved
        pos[self._anchored] += self._anchor_follow * local
        # Free points stay inside the frame so they never cross the fixed border.
        w, h = self.image_size
        margin = 0.01 * min(w, h)
        free = self._free
        pos[free, 0] = np.clip(pos[free, 0], margin - 0.5, w - 0.5 - margin)
        pos[free, 1] = np.clip(pos[free, 1], margin - 0.5, h - 0.5 - margin)
        return pos

    def _iris_centres(self, irises: np.ndarray, offset: np.ndarray, to_rest: np.ndarray,
                      lids: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
        """Iris centres kept inside the current eye opening (a closed eye swallows them)."""
        centres = []
        for eye in (0, 1):
            local = (irises[eye : eye + 1] - offset) @ to_rest  # measured on the rest eye
            params = np.clip(_to_eye_params(local, *self._rest_lids[eye]), [0.05, 0.05], [0.95, 0.95])
            centres.append(_from_eye_params(params, *lids[eye])[0])
        return np.array(centres)

    def _iris_ring_positions(self, iris: np.ndarray, eye: int, offset: np.ndarray, to_rest: np.ndarray,
                             lids: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        ring = self._iris_rings[eye]
        if len(ring) == 0:
            return ring
        gaze = (iris - offset) @ to_rest - self.rest_rig[RIG_IRIS][eye]
        params = _to_eye_params(ring + gaze, *self._rest_lids[eye])
        params = np.clip(params, [0.06, 0.02], [0.94, 0.98])
        return _from_eye_params(params, *lids)
