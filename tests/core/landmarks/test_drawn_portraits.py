"""Every drawn portrait of the shared data: located where hand-marked, or refused — never silently wrong.

fixtures/drawn_portraits.json holds, per drawn portrait (cartoons, anime, 3D cartoons,
illustrations, sketches, paintings), the pupils, mouth centre and chin marked on
zoomed crops. The face the facade returns must have both iris centres and the
inner-lip centre within a quarter of the marked eye distance; otherwise it must
raise NoFaceError (ImplausibleFaceError is one). docs/drawn_faces.md has the table.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from core.errors import NoFaceError
from core.image_io import load_portrait
from core.landmarks.detector import detect_faces

FIXTURE = Path(__file__).with_name("fixtures") / "drawn_portraits.json"
TOLERANCE = 0.25  # of the hand-marked eye distance
LOCATED_SHARE = 0.75  # the bar: at least three in four drawn faces located automatically


def _outcome(entry: dict, image_rgb: np.ndarray) -> tuple[str, float | None]:
    """'located' | 'refused' | 'wrong', and the worst error in eye distances when a face came back."""
    try:
        face = detect_faces(image_rgb)[0]
    except NoFaceError:
        return "refused", None
    if entry["eyes"] is None:
        return "wrong", None  # no face is drawn there
    eyes, mouth = np.asarray(entry["eyes"], np.float64), np.asarray(entry["mouth"], np.float64)
    distance = np.linalg.norm(eyes[1] - eyes[0])
    error = max(*np.linalg.norm(face.iris - eyes, axis=1), np.linalg.norm(face.points68[60:68, :2].mean(0) - mouth))
    return ("located" if error <= TOLERANCE * distance else "wrong"), float(error / distance)


def test_fixture_is_well_formed():
    entries = json.loads(FIXTURE.read_text(encoding="utf-8"))["portraits"]
    assert len({entry["path"] for entry in entries}) == len(entries)
    for entry in entries:
        assert entry["marked"] in ("hand", "checked")
        if entry["eyes"] is not None:
            eyes = np.asarray(entry["eyes"])
            assert eyes.shape == (2, 2) and eyes[0, 0] < eyes[1, 0]
            assert np.asarray(entry["mouth"]).shape == (2,)
            assert entry["mouth"][1] > eyes[:, 1].min()


def test_no_drawn_portrait_is_silently_wrong(shared_data: Path):
    entries = json.loads(FIXTURE.read_text(encoding="utf-8"))["portraits"]
    results = {}
    for entry in entries:
        path = shared_data / "portraits" / entry["path"]
        if not path.exists():
            continue
        results[entry["path"]] = _outcome(entry, load_portrait(path).rgba[:, :, :3])
    if not results:
        pytest.skip("no drawn portrait of the fixture in the shared data")
    wrong = {path: error for path, (outcome, error) in results.items() if outcome == "wrong"}
    assert not wrong, f"silently wrong faces: {wrong}"
    with_face = [entry["path"] for entry in entries if entry["eyes"] is not None and entry["path"] in results]
    located = sum(results[path][0] == "located" for path in with_face)
    assert located >= LOCATED_SHARE * len(with_face), f"{located} of {len(with_face)} drawn faces located"
