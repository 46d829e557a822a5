"""The user landmark file: read, check and write (see docs/landmark_format.md).

A file needs only the 68 iBUG points; lids, iris and pose are derived when
absent (lids along the eye outline, iris at the eye centre). Every problem is a
LandmarkFileError naming the file and what is wrong with it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
from scipy.interpolate import CubicSpline

from core.errors import LandmarkFileError
from core.export.atomic_output import atomic_file
from core.input_limits import InputLimitError, load_json_text, number, one_line, read_text_limited
from core.landmarks.face_landmarks import EYE_LEFT, EYE_RIGHT, LID_POINTS, FaceLandmarks, HeadPose
from core.landmarks.pose_estimation import estimate_pose

FORMAT_NAME = "space-studio-landmarks"
FORMAT_VERSION = 1
# Points may lie this fraction of the image size outside it (a chin cut off by the frame).
OUTSIDE_MARGIN = 0.25
# Iris radius as a fraction of the eye width (corner to corner) when none is given;
# the human iris is about 12 mm across an eye opening about 30 mm wide.
IRIS_RADIUS_PER_EYE_WIDTH = 0.2
POSE_KEYS = ("yaw", "pitch", "roll", "tx", "ty", "tz", "scale")
# image_size beyond this is no real image (a 40 MP portrait, core.image_io's budget, is under 10⁴).
MAX_IMAGE_SIDE = 100_000
# Rotations in degrees; translations in pixels (at most a few image sides); scale in pixels
# per normalized unit (half the face width).
POSE_LIMITS = {"yaw": (-180.0, 180.0), "pitch": (-180.0, 180.0), "roll": (-180.0, 180.0),
               "tx": (-4.0 * MAX_IMAGE_SIDE, 4.0 * MAX_IMAGE_SIDE), "ty": (-4.0 * MAX_IMAGE_SIDE, 4.0 * MAX_IMAGE_SIDE),
               "tz": (-1e3, 1e3), "scale": (0.0, 4.0 * MAX_IMAGE_SIDE)}
# Faces narrower than this (pixels between jaw ends 0 and 16) cannot be animated.
MIN_FACE_WIDTH = 4.0
MIN_FEATURE_SIZE = 0.5  # pixels: eye widths and the chin's height above the jaw line


def check_face_geometry(points68: np.ndarray) -> None:
    """Raise ValueError (one line) when the 68 points cannot be a face: coinciding jaw ends,
    eyes of no width, or a chin on the jaw line (all points equal or collinear)."""
    p = np.asarray(points68, np.float64)[:, :2]
    width = float(np.linalg.norm(p[16] - p[0]))
    if width < MIN_FACE_WIDTH:
        raise ValueError(f"jaw ends 0 and 16 are {width:.3g} px apart; a face needs at least {MIN_FACE_WIDTH:g}")
    for name, (a, b) in (("left eye", (36, 39)), ("right eye", (42, 45))):
        if np.linalg.norm(p[b] - p[a]) < MIN_FEATURE_SIZE:
            raise ValueError(f"the {name}'s corners {a} and {b} coincide")
    jaw = (p[16] - p[0]) / width
    chin = p[8] - p[0]
    chin_height = abs(float(jaw[0] * chin[1] - jaw[1] * chin[0]))  # distance from the jaw line
    if chin_height < MIN_FEATURE_SIZE:
        raise ValueError("the chin (point 8) lies on the line through the jaw ends; the points do not form a face")


def _lid_curve(corner_a: np.ndarray, middle: np.ndarray, corner_b: np.ndarray) -> np.ndarray:
    """LID_POINTS interior points on a smooth curve through corner, 2 lid points, corner."""
    points = np.vstack([corner_a, middle, corner_b]).astype(np.float64)
    chord = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(points, axis=0), axis=1))])
    if chord[-1] <= 0 or np.any(np.diff(chord) <= 0):
        return np.linspace(corner_a, corner_b, LID_POINTS + 2)[1:-1]  # degenerate: straight line
    spline = CubicSpline(chord, points, bc_type="natural")
    return spline(chord[-1] * np.arange(1, LID_POINTS + 1) / (LID_POINTS + 1))


def derive_eye_details(points68: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Upper lids, lower lids (2×7×2), iris centres (2×2), iris radii (2,) from the 68 eye points."""
    xy = np.asarray(points68, np.float64)[:, :2]
    upper, lower, iris, radius = [], [], [], []
    for eye in (EYE_LEFT, EYE_RIGHT):
        e = xy[eye]  # corner, upper, upper, corner, lower, lower (iBUG order)
        upper.append(_lid_curve(e[0], e[1:3], e[3]))
        lower.append(_lid_curve(e[0], e[[5, 4]], e[3]))
        iris.append((upper[-1][LID_POINTS // 2] + lower[-1][LID_POINTS // 2]) / 2)
        radius.append(IRIS_RADIUS_PER_EYE_WIDTH * np.linalg.norm(e[3] - e[0]))
    return np.array(upper), np.array(lower), np.array(iris), np.array(radius)


def face_from_points(points68: np.ndarray, image_size: tuple[int, int], source: str = "user") -> FaceLandmarks:
    """A complete FaceLandmarks from 68 points (68×2 or 68×3) alone."""
    points = np.zeros((68, 3))
    given = np.asarray(points68, np.float64)
    points[:, : given.shape[1]] = given
    upper, lower, iris, radius = derive_eye_details(points)
    return FaceLandmarks(points, upper, lower, iris, radius, estimate_pose(points), tuple(image_size), source)


def _first_non_number(value: Any, where: str = "") -> tuple[str, Any] | None:
    """(index path, item) of the first leaf of nested lists that is not a number, else None."""
    if isinstance(value, list):
        for i, item in enumerate(value):
            found = _first_non_number(item, f"{where}[{i}]")
            if found is not None:
                return found
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return where, value
    return None


def scale_face(face: FaceLandmarks, factor: float, image_size: tuple[int, int]) -> FaceLandmarks:
    """``face`` on the same image resized by ``factor`` (e.g. a huge portrait reduced on load)."""
    pose = face.pose
    return FaceLandmarks(
        points68=face.points68 * factor,
        upper_lids=face.upper_lids * factor,
        lower_lids=face.lower_lids * factor,
        iris=face.iris * factor,
        iris_radius=face.iris_radius * factor,
        pose=HeadPose(pose.yaw, pose.pitch, pose.roll, pose.tx * factor, pose.ty * factor, pose.tz, pose.scale * factor),
        image_size=tuple(image_size),
        source=face.source,
    )


class _Reader:
    """Checks one parsed file and reports problems with the file's name in them."""

    def __init__(self, data: Any, name: str) -> None:
        self.data, self.name = data, name

    def fail(self, problem: str) -> LandmarkFileError:
        return LandmarkFileError(one_line(f"Landmark file '{self.name}': {problem}."))

    def require(self, key: str) -> Any:
        if key not in self.data:
            raise self.fail(f"missing key '{key}'")
        return self.data[key]

    def numbers(self, key: str, shape: tuple[int, ...], value: Any = None) -> np.ndarray:
        """``key`` as a finite float array of ``shape``; the error names the first bad entry."""
        value = self.require(key) if value is None else value
        bad = _first_non_number(value)
        if bad is not None:
            where, item = bad
            raise self.fail(f"'{key}'{where} is not a number: {json.dumps(item)[:40]}")
        try:
            array = np.array(value, dtype=np.float64)
        except ValueError:
            raise self.fail(f"'{key}' has lists of unequal length; expected shape {list(shape)}") from None
        if array.ndim == 0 or array.shape[0] != shape[0]:
            count = array.shape[0] if array.ndim else "no list of"
            raise self.fail(f"'{key}' has {count} entries; expected {shape[0]}")
        if array.shape != shape:
            raise self.fail(f"'{key}' has shape {list(array.shape)}; expected {list(shape)}")
        if not np.isfinite(array).all():
            raise self.fail(f"'{key}' contains a value that is not a finite number")
        return array

    def image_size(self) -> tuple[int, int]:
        size = self.numbers("image_size", (2,))
        if np.any(size < 1) or np.any(size != np.round(size)) or np.any(size > MAX_IMAGE_SIDE):
            raise self.fail(f"'image_size' must be two whole numbers from 1 to {MAX_IMAGE_SIDE}, "
                            f"got {size[0]:g}×{size[1]:g}")
        return int(size[0]), int(size[1])

    def points68(self) -> np.ndarray:
        raw = self.require("points68")
        width = len(raw[0]) if isinstance(raw, list) and raw and isinstance(raw[0], list) else 2
        return self.numbers("points68", (68, 3 if width == 3 else 2))

    def inside(self, key: str, xy: np.ndarray, size: tuple[int, int]) -> None:
        margin = OUTSIDE_MARGIN * np.array(size, np.float64)
        flat = xy.reshape(-1, 2)
        bad = np.flatnonzero(np.any((flat < -margin) | (flat > np.array(size) + margin), axis=1))
        if len(bad):
            x, y = flat[bad[0]]
            raise self.fail(f"'{key}' point {bad[0]} ({x:.6g}, {y:.6g}) lies outside the {size[0]}×{size[1]} image")

    def pose(self) -> HeadPose | None:
        if "pose" not in self.data:
            return None
        pose = self.data["pose"]
        if not isinstance(pose, dict):
            raise self.fail("'pose' must be an object with " + ", ".join(POSE_KEYS))
        values = {}
        for key, (low, high) in POSE_LIMITS.items():
            if key in pose:
                try:
                    values[key] = number(pose[key], f"'pose.{key}'", low, high, low_open=key == "scale")
                except InputLimitError as err:
                    raise self.fail(str(err)) from None
        return HeadPose(**values)



def _parse(text: str, name: str) -> FaceLandmarks:
    try:
        data = load_json_text(text)
    except json.JSONDecodeError as err:
        raise LandmarkFileError(f"Landmark file '{name}' is not valid JSON: {err.msg} at line {err.lineno}.") from None
    except InputLimitError as err:
        raise LandmarkFileError(one_line(f"Landmark file '{name}' cannot be read: {err}.")) from None
    reader = _Reader(data, name)
    if not isinstance(data, dict):
        raise reader.fail("the top level must be a JSON object")
    if reader.require("format") != FORMAT_NAME:
        raise reader.fail(f"'format' must be \"{FORMAT_NAME}\"")
    version = reader.require("version")
    if version != FORMAT_VERSION:
        raise reader.fail(f"version {one_line(repr(version), 30)} is not supported (this program reads version {FORMAT_VERSION})")
    size = reader.image_size()
    points = reader.points68()
    reader.inside("points68", points[:, :2], size)
    try:
        check_face_geometry(points)
    except ValueError as err:
        raise reader.fail(str(err)) from None
    face = face_from_points(points, size, source=str(data.get("source", "user"))[:100])
    details = {}
    for key, shape in (("upper_lids", (2, LID_POINTS, 2)), ("lower_lids", (2, LID_POINTS, 2)), ("iris", (2, 2))):
        if key in data:
            details[key] = reader.numbers(key, shape)
            reader.inside(key, details[key], size)
    if "iris_radius" in data:
        radius = data["iris_radius"]
        details["iris_radius"] = reader.numbers("iris_radius", (2,), [radius, radius] if isinstance(radius, (int, float)) else radius)
        if np.any(details["iris_radius"] <= 0):
            raise reader.fail("'iris_radius' must be positive")
    pose = reader.pose()
    return FaceLandmarks(
        points68=face.points68,
        upper_lids=details.get("upper_lids", face.upper_lids),
        lower_lids=details.get("lower_lids", face.lower_lids),
        iris=details.get("iris", face.iris),
        iris_radius=details.get("iris_radius", face.iris_radius),
        pose=pose if pose is not None else face.pose,
        image_size=size,
        source=face.source,
    )


def load_landmarks(path: str | Path) -> FaceLandmarks:
    """Read a landmark file; raises LandmarkFileError saying what is wrong."""
    path = Path(path)
    try:
        text = read_text_limited(path)
    except (OSError, UnicodeDecodeError, InputLimitError) as err:
        reason = getattr(err, "strerror", None) or err
        raise LandmarkFileError(one_line(f"Cannot read landmark file '{path.name}': {reason}.")) from None
    return _parse(text, path.name)


def landmarks_to_dict(face: FaceLandmarks) -> dict:
    """The JSON object for ``face`` (points68 carry z when any is non-zero)."""
    points = face.points68 if np.any(face.points68[:, 2]) else face.points68[:, :2]
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "image_size": [int(face.image_size[0]), int(face.image_size[1])],
        "source": face.source,
        "points68": points.tolist(),
        "upper_lids": face.upper_lids.tolist(),
        "lower_lids": face.lower_lids.tolist(),
        "iris": face.iris.tolist(),
        "iris_radius": face.iris_radius.tolist(),
        "pose": {key: float(getattr(face.pose, key)) for key in POSE_KEYS},
    }


def save_landmarks(face: FaceLandmarks, path: str | Path) -> None:
    """Write ``face`` as a landmark file (atomically: temp file + rename)."""
    with atomic_file(path) as temp:
        temp.write_text(json.dumps(landmarks_to_dict(face), indent=1, allow_nan=False) + "\n", encoding="utf-8")
