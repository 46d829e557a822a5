"""Rig exports of the bundled sample, checked against each format's own rules:
Cubism's motion3.json (Meta counts recomputed from the segments), a Spine 4.x skeleton
and animation, Live Link Face's CSV, and our CSV of every track."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import numpy as np
import pytest

from core.cli import main
from core.emotion_spec import parse_emotion_spec
from core.export.mouth_cues import SHAPES, cues_for_animation
from core.export.rigs.arkit import BLENDSHAPES
from core.export.rigs.face_tracks import face_tracks
from core.export.rigs.rig_export import rig_text
from core.export.rigs.spine import SpineNames
from core.export.rigs.track_csv import COLUMNS
from core.pipeline import GenerationOptions, animate
from core.portrait_setup import prepare_portrait

SAMPLE = Path(__file__).resolve().parents[3] / "resources" / "sample"
LIVE2D_IDS = {"ParamMouthOpenY", "ParamMouthForm", "ParamEyeLOpen", "ParamEyeROpen", "ParamEyeBallX",
              "ParamEyeBallY", "ParamAngleX", "ParamAngleY", "ParamAngleZ", "ParamBrowLY", "ParamBrowRY"}
POINTS_AFTER = {0: 1, 1: 3, 2: 1, 3: 1}  # linear, bezier, stepped, inverse stepped


@pytest.fixture(scope="module")
def tracks():
    setup = prepare_portrait(SAMPLE / "portrait.png", SAMPLE / "portrait_landmarks.json")
    options = GenerationOptions(emotions=(parse_emotion_spec("happy=0.9@2-4"),), blinks_per_minute=30)
    animation = animate(setup, SAMPLE / "speech.wav", options)
    return face_tracks(animation, cues_for_animation(animation))


def recount_motion3(document: dict) -> dict:
    """Meta counts recomputed from the curves by walking each flat Segments array."""
    segments = points = 0
    for curve in document["Curves"]:
        flat = curve["Segments"]
        i, points = 2, points + 1
        last_time = flat[0]
        while i < len(flat):
            kind = int(flat[i])
            assert kind in POINTS_AFTER, f"unknown segment type {flat[i]}"
            count = POINTS_AFTER[kind]
            end_time = flat[i + 1 + 2 * (count - 1)]
            assert end_time >= last_time, "segment times go back"
            last_time = end_time
            i += 1 + 2 * count
            segments, points = segments + 1, points + count
        assert i == len(flat), "Segments array ends inside a segment"
    return {"CurveCount": len(document["Curves"]), "TotalSegmentCount": segments, "TotalPointCount": points}


def test_motion3_json_satisfies_cubisms_rules(tracks) -> None:
    document = json.loads(rig_text(tracks, "live2d"))
    assert document["Version"] == 3
    meta = document["Meta"]
    assert set(meta) == {"Duration", "Fps", "Loop", "AreBeziersRestricted", "CurveCount", "TotalSegmentCount",
                         "TotalPointCount", "UserDataCount", "TotalUserDataSize"}
    assert {k: meta[k] for k in ("CurveCount", "TotalSegmentCount", "TotalPointCount")} == recount_motion3(document)
    assert meta["UserDataCount"] == 0 and meta["TotalUserDataSize"] == 0 and "UserData" not in document
    assert meta["Fps"] == 30.0 and meta["Duration"] == pytest.approx(len(tracks) / 30, abs=1e-3)
    assert all(set(c) == {"Target", "Id", "Segments"} and c["Target"] == "Parameter" for c in document["Curves"])
    curves = {c["Id"]: np.array(c["Segments"][1::3]) for c in document["Curves"]}
    assert LIVE2D_IDS <= set(curves)
    assert all(c["Segments"][-2] <= meta["Duration"] for c in document["Curves"])
    assert curves["ParamMouthOpenY"].min() >= 0 and curves["ParamMouthOpenY"].max() > 0.2  # the mouth talks
    assert curves["ParamEyeLOpen"].min() < 0.2 <= 0.9 < curves["ParamEyeLOpen"].max()  # it blinks
    assert curves["ParamMouthForm"].max() > 0.3  # the happy span smiles


def test_spine_json_is_a_consistent_skeleton_with_its_animation(tracks) -> None:
    names = SpineNames(head_bone="Head", mouth_slot="Mouth", mouth_prefix="m-", animation="line1")
    document = json.loads(rig_text(tracks, "spine", names))
    assert document["skeleton"]["spine"].startswith("4.")
    seen: set[str] = set()
    for bone in document["bones"]:  # a parent is always listed before its children
        assert bone.get("parent") is None or bone["parent"] in seen
        seen.add(bone["name"])
    slots = {s["name"]: s for s in document["slots"]}
    assert all(s["bone"] in seen for s in slots.values())
    skin = {s["name"]: s for s in document["skins"]}["default"]["attachments"]
    assert all(slot["attachment"] in skin[name] for name, slot in slots.items())
    animation = document["animations"]["line1"]
    for slot, timelines in animation["slots"].items():
        keys = timelines["attachment"]
        assert all(k["name"] in skin[slot] for k in keys)
        assert [k["time"] for k in keys] == sorted({k["time"] for k in keys})
    mouth = [k["name"] for k in animation["slots"]["Mouth"]["attachment"]]
    assert {n[2:] for n in mouth} <= set(SHAPES) and len(set(mouth)) >= 4
    assert set(animation["bones"]) <= seen and "Head" in animation["bones"]
    rotate = animation["bones"]["Head"]["rotate"]
    assert all(set(k) == {"time", "value"} for k in rotate) and len(rotate) == len(tracks)
    assert all(e["name"] in document["events"] for e in animation["events"])
    assert "happy" in {e["string"] for e in animation["events"]}


def test_live_link_csv_has_live_link_faces_header_and_rows(tracks) -> None:
    rows = list(csv.reader(rig_text(tracks, "arkit").splitlines()))
    header = rows[0]
    assert header[:2] == ["Timecode", "BlendShapeCount"] and len(header) == 2 + 52 + 9
    assert header[2:54] == list(BLENDSHAPES) and header[2] == "EyeBlinkLeft" and header[-1] == "RightEyeRoll"
    assert header[16:19] == ["JawForward", "JawRight", "JawLeft"]  # Live Link Face's order, not Apple's enum
    assert header[54:57] == ["HeadYaw", "HeadPitch", "HeadRoll"]
    assert len(rows) == 1 + len(tracks)
    assert all(re.fullmatch(r"\d\d:\d\d:\d\d:\d\d\.\d{3}", r[0]) and r[1] == "61" for r in rows[1:])
    values = np.array([[float(v) for v in r[2:54]] for r in rows[1:]])
    assert values.min() >= 0.0 and values.max() <= 1.0
    jaw, blink = values[:, header.index("JawOpen") - 2], values[:, header.index("EyeBlinkLeft") - 2]
    assert np.corrcoef(jaw, tracks.openness)[0, 1] > 0.95
    assert blink.max() > 0.8 and np.median(blink) < 0.2


def test_track_csv_has_every_track(tracks) -> None:
    rows = list(csv.DictReader(rig_text(tracks, "csv").splitlines()))
    assert tuple(rows[0]) == COLUMNS and len(rows) == len(tracks)
    assert {r["cue"] for r in rows} <= set(SHAPES)
    assert max(float(r["emotion_happy"]) for r in rows) == pytest.approx(0.9)
    assert max(float(r["blink_left"]) for r in rows) > 0.8


def test_cli_motion_formats(tmp_path: Path) -> None:
    common = ["motion", "--image", str(SAMPLE / "portrait.png"), "--landmarks", str(SAMPLE / "portrait_landmarks.json"),
              "--audio", str(SAMPLE / "speech.wav")]
    assert main([*common, "--out", str(tmp_path / "a.csv"), "--format", "arkit"]) == 0
    assert (tmp_path / "a.csv").read_text().startswith("Timecode,BlendShapeCount,EyeBlinkLeft")
    assert main([*common, "--out", str(tmp_path / "m.json")]) == 0  # json stays today's format
    assert json.loads((tmp_path / "m.json").read_text())["format"] == "space-studio-motion"
    assert main([*common, "--out", str(tmp_path / "s.json"), "--format", "spine", "--spine-mouth-slot", "lips"]) == 0
    assert "lips" in json.loads((tmp_path / "s.json").read_text())["animations"]["speech"]["slots"]
    assert main([*common, "--out", str(tmp_path), "--format", "live2d"]) == 1  # a folder: refused before any work
