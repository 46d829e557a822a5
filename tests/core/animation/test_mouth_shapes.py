"""The mouth-shape lane's model: derived blocks, overrides, the lips following them, edits and files."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.core.animation.drawn_face import DrawnFace

from core.animation.commands import (FollowModelMouth, MergeMouthShapes, MoveMouthShapeEdge, SetMouthShape,
                                     SetMouthShapeStrength, SplitMouthShape)
from core.animation.compose import compose
from core.landmarks.face_geometry import mouth_openness
from core.animation.mouth_shape_lips import EDGE_EASE_S, SHAPE_WIDTH, WIDE_OPEN_GAP, inner_gap, mouth_width
from core.animation.mouth_shapes import (MouthShapeBlock, MouthShapeTrack, blocks_from_cues, effective_blocks,
                                         effective_cues)
from core.animation.project import Project
from core.animation.project_schema import SCHEMA_VERSION
from core.animation.project_file import load_project, save_project
from core.animation.tracks import Tracks
from core.errors import ProjectFileError
from core.export.mouth_cues import SHAPE_OPENING, MouthCue

FPS = 30.0
FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parents[3]
DERIVED = [MouthCue(0.0, 0.4, "X"), MouthCue(0.4, 0.7, "B"), MouthCue(0.7, 1.0, "C")]


def _base(face: DrawnFace, frames: int = 30) -> np.ndarray:
    return np.repeat(face.points68[None, :, :2], frames, axis=0)


def _composed_gap(face: DrawnFace, tracks: Tracks, frames: int = 30) -> np.ndarray:
    return inner_gap(compose(_base(face, frames), face, tracks, None, None, FPS).rig[:, :68].astype(np.float64))


# --- derive and paste ------------------------------------------------------------
def test_overrides_paste_over_the_derived_track_and_reach_the_cues() -> None:
    derived = blocks_from_cues(DERIVED)
    override = MouthShapeBlock(0.5, 0.8, "F", 0.5)
    shown = effective_blocks(derived, [override])
    assert [(b.start, b.end, b.shape) for b in shown] == [
        (0.0, 0.4, "X"), (0.4, 0.5, "B"), (0.5, 0.8, "F"), (0.8, 1.0, "C")]
    project = Project(fps=FPS, duration=1.0)
    assert effective_cues(project, DERIVED) == DERIVED  # empty track: the model's cues unchanged
    project.tracks.mouth_shapes.set_blocks([override, MouthShapeBlock(0.8, 1.0, "C")])
    assert effective_cues(project, DERIVED) == [MouthCue(0.0, 0.4, "X"), MouthCue(0.4, 0.5, "B"),
                                                MouthCue(0.5, 0.8, "F"), MouthCue(0.8, 1.0, "C")]
    project.tracks.mouth_shapes.set_blocks([MouthShapeBlock(0.5, 0.7, "G")])  # G is B without extended shapes
    assert effective_cues(project, DERIVED, "ABCDEF") == [MouthCue(0.0, 0.4, "A"), MouthCue(0.4, 0.7, "B"),
                                                          MouthCue(0.7, 1.0, "C")]


def test_blocks_refuse_bad_values_and_overlaps() -> None:
    with pytest.raises(ValueError, match="one of"):
        MouthShapeBlock(0.0, 1.0, "Q")
    with pytest.raises(ValueError, match="end after"):
        MouthShapeBlock(1.0, 1.0, "A")
    with pytest.raises(ValueError, match="strength"):
        MouthShapeBlock(0.0, 1.0, "A", 1.5)
    with pytest.raises(ValueError, match="overlap"):
        MouthShapeTrack([MouthShapeBlock(0.0, 0.5, "A"), MouthShapeBlock(0.4, 0.9, "D")])


def test_speech_marks_match_the_cue_export_and_name_the_transcript_words() -> None:
    """Real speech (the bundled sample) through S2L: the lane's derived blocks are the cues
    the export writes, its phones are the aligned ones, its words the transcript's."""
    pytest.importorskip("pocketsphinx")
    from core.animation.speech_marks import speech_marks
    from core.audio.audio_io import load_audio
    from core.export.mouth_cues import cues_from_motion, neutral_face
    from core.motion.s2l_inference import SpeechToLandmarks

    sys.path.insert(0, str(REPO / "packaging"))
    from make_sample import SENTENCE_1, SENTENCE_2

    audio = load_audio(REPO / "resources" / "sample" / "speech.wav")
    model = SpeechToLandmarks.load()
    base, mfcc = model.animate_speech(audio, FPS, neutral_face())
    marks = speech_marks(audio, base, FPS, f"{SENTENCE_1} {SENTENCE_2}", model.phones)
    exported = cues_from_motion(audio, base, mfcc, FPS, posteriors=model.phones)
    assert marks.derived == blocks_from_cues(exported)
    assert [w.label for w in marks.words][:3] == ["hello", "there", "welcome"]
    assert [w.label for w in marks.words][-1] == "anything"
    assert all(a.end <= b.start + 1e-9 for a, b in zip(marks.words, marks.words[1:]))
    assert [p.label for p in marks.phones][:3] == ["HH", "AH", "L"]
    unaligned = speech_marks(audio, base, FPS, "", model.phones)
    assert unaligned.words == () and len(unaligned.phones) > 10  # PhoneNet's runs without a transcript


def test_a_project_animation_carries_the_overrides_to_the_cues_and_the_lips(tmp_path: Path) -> None:
    """The sample line rendered from a saved project: the cue export's track and the
    composed lips both follow a mouth-shape override."""
    from core.pose_source import PoseSource
    from core.audio.audio_io import load_audio
    from core.export.mouth_cues import cue_at, cues_for_animation
    from core.project_render import animate_loaded_project

    sample = REPO / "resources" / "sample"
    duration = load_audio(sample / "speech.wav").duration
    project = Project(sample / "portrait.png", sample / "speech.wav", FPS, duration)
    project.tracks.pose.source = PoseSource(kind="still")
    plain = animate_loaded_project(project)
    derived = cues_for_animation(plain)
    quiet = max((c for c in derived if c.shape in "AX"), key=lambda c: c.end - c.start)
    middle = (quiet.start + quiet.end) / 2
    assert cue_at(effective_cues(plain, derived), [middle]) == [quiet.shape]  # no overrides: the model's
    project.undo_stack.push(SetMouthShape(project.tracks.mouth_shapes, MouthShapeBlock(quiet.start, quiet.end, quiet.shape), "D"))
    save_project(project, tmp_path / "line.space.json")
    edited = animate_loaded_project(load_project(tmp_path / "line.space.json", allow_outside_media=True))
    assert cue_at(effective_cues(edited, cues_for_animation(edited)), [middle]) == ["D"]
    frame = int(middle * FPS)
    assert edited.composed.mouth_open[frame] > plain.composed.mouth_open[frame] + 0.1


# --- the lips follow the overrides -------------------------------------------------
def test_an_override_pulls_the_lips_to_its_shape_at_its_strength(rest_face: DrawnFace) -> None:
    rest = rest_face.points68[:, :2].astype(np.float64)
    model_gap = _composed_gap(rest_face, Tracks())
    tracks = Tracks()
    tracks.mouth_shapes.set_blocks([MouthShapeBlock(10 / FPS, 20 / FPS, "D")])
    full = _composed_gap(rest_face, tracks)
    wide_open = SHAPE_OPENING["D"] * WIDE_OPEN_GAP * float(mouth_width(rest))
    assert full[15] == pytest.approx(wide_open, rel=1e-6)
    np.testing.assert_allclose(full[:8], model_gap[:8])  # outside the block (and its ease): the model's lips
    np.testing.assert_allclose(full[22:], model_gap[22:])
    tracks.mouth_shapes.set_blocks([MouthShapeBlock(10 / FPS, 20 / FPS, "D", 0.5)])
    half = _composed_gap(rest_face, tracks)
    assert half[15] == pytest.approx((model_gap[15] + wide_open) / 2, rel=1e-6)


def test_shapes_set_width_and_rounding_and_the_jaw_follows(rest_face: DrawnFace) -> None:
    tracks = Tracks()
    tracks.mouth_shapes.set_blocks([MouthShapeBlock(0.0, 1.0, "F")])
    rig = compose(_base(rest_face), rest_face, tracks, None, None, FPS).rig[15, :68].astype(np.float64)
    rest = rest_face.points68[:, :2].astype(np.float64)
    assert float(mouth_width(rig)) == pytest.approx(SHAPE_WIDTH["F"] * float(mouth_width(rest)), rel=1e-6)
    tracks.mouth_shapes.set_blocks([MouthShapeBlock(0.0, 1.0, "D")])
    rig = compose(_base(rest_face), rest_face, tracks, None, None, FPS).rig[15, :68]
    assert rig[8, 1] > rest[8, 1] + 0.5 * (rig[57, 1] - rest[57, 1])  # the chin drops with the lower lip


def test_edges_ease_without_a_pop(rest_face: DrawnFace) -> None:
    frames = 240
    fps = 240.0  # fine sampling to see the ramp
    tracks = Tracks()
    tracks.mouth_shapes.set_blocks([MouthShapeBlock(0.3, 0.6, "D"), MouthShapeBlock(0.6, 0.9, "A")])
    out = compose(_base(rest_face, frames), rest_face, tracks, None, None, fps)
    gap = inner_gap(out.rig[:, :68].astype(np.float64))
    total = gap.max() - gap.min()
    steps = np.abs(np.diff(gap))
    assert steps.max() < total * 2.0 / (EDGE_EASE_S * fps)  # smoothstep's steepest slope is 1.5× linear
    assert np.all(out.mouth_open >= 0.0) and out.mouth_open[int(0.45 * fps)] > out.mouth_open[int(0.75 * fps)]
    assert mouth_openness(out.rig[:, :68])[int(0.45 * fps)] == pytest.approx(out.mouth_open[int(0.45 * fps)])


def test_a_long_line_composed_in_blocks_equals_one_pass(rest_face: DrawnFace) -> None:
    tracks = Tracks()
    tracks.mouth_shapes.set_blocks([MouthShapeBlock(0.3, 0.55, "F", 0.7), MouthShapeBlock(0.55, 1.2, "D")])
    base = _base(rest_face, 60) + np.random.default_rng(0).normal(0, 0.002, (60, 68, 2))
    whole = compose(base, rest_face, tracks, None, None, FPS).rig
    parts = [compose(base[a:b], rest_face, tracks, None, None, FPS, first_frame=a).rig for a, b in ((0, 17), (17, 60))]
    np.testing.assert_allclose(np.concatenate(parts), whole, atol=1e-6)
    assert not np.allclose(whole, compose(base, rest_face, Tracks(), None, None, FPS).rig, atol=1e-4)


# --- edits, undo and redo ----------------------------------------------------------
def test_edit_commands_undo_and_redo_with_their_labels() -> None:
    project = Project(fps=FPS, duration=1.0)
    track, stack = project.tracks.mouth_shapes, project.undo_stack
    derived = blocks_from_cues(DERIVED)
    stack.push(SetMouthShape(track, derived[1], "D"))
    assert stack.undo_label == "Change Mouth Shape"
    assert track.blocks == (MouthShapeBlock(0.4, 0.7, "D"),)
    stack.push(SplitMouthShape(track, track.blocks[0], 0.5))
    assert [(b.start, b.end) for b in track.blocks] == [(0.4, 0.5), (0.5, 0.7)]
    stack.push(SetMouthShapeStrength(track, track.blocks[1], 0.25))
    assert track.blocks[1].strength == 0.25 and stack.undo_label == "Set Mouth Shape Strength"
    stack.push(MergeMouthShapes(track, *track.blocks))
    assert track.blocks == (MouthShapeBlock(0.4, 0.7, "D"),)
    stack.push(FollowModelMouth(track, track.blocks[0]))
    assert track.blocks == () and stack.undo_label == "Follow the Model"
    for _ in range(5):
        stack.undo()
    assert track.blocks == () and not stack.can_undo
    for _ in range(2):
        stack.redo()
    assert [(b.start, b.end, b.shape) for b in track.blocks] == [(0.4, 0.5, "D"), (0.5, 0.7, "D")]
    with pytest.raises(ValueError, match="too close"):
        SplitMouthShape(track, track.blocks[0], 0.4)


def test_an_edge_drag_is_one_undo_step() -> None:
    project = Project(fps=FPS, duration=1.0)
    track, stack = project.tracks.mouth_shapes, project.undo_stack
    left, right = blocks_from_cues(DERIVED)[1:]
    began = track.blocks
    for time in (0.68, 0.62, 0.55, 0.5):  # one push per mouse move, each from the drag's start
        stack.push(MoveMouthShapeEdge(track, began, left, right, time))
    stack.end_merge()
    assert len(stack) == 1 and stack.undo_label == "Move Mouth Shape Edge"
    assert [(b.start, b.end, b.shape) for b in track.blocks] == [(0.4, 0.5, "B"), (0.5, 1.0, "C")]
    changed = []
    project.tracks.changed.connect(changed.append)
    stack.undo()
    assert track.blocks == () and changed == [track]


# --- files -------------------------------------------------------------------------
def test_a_v1_project_migrates_to_an_empty_mouth_track(tmp_path: Path) -> None:
    project = load_project(FIXTURES / "project_v1.json")
    assert project.tracks.mouth_shapes.blocks == ()
    assert project.tracks.landmarks.keyframes[0].time == 1.5  # the rest of v1 is untouched
    save_project(project, tmp_path / "p.json")
    data = json.loads((tmp_path / "p.json").read_text())
    assert data["schema_version"] == SCHEMA_VERSION and data["tracks"]["mouth_shapes"] == []


def test_mouth_shapes_survive_save_and_reopen(tmp_path: Path) -> None:
    project = load_project(FIXTURES / "project_v2.json")
    assert project.tracks.mouth_shapes.blocks == (MouthShapeBlock(0.5, 0.8, "D"), MouthShapeBlock(0.8, 1.1, "F", 0.5))
    project.undo_stack.push(SetMouthShape(project.tracks.mouth_shapes, MouthShapeBlock(2.0, 2.5, "X"), "G"))
    save_project(project, tmp_path / "p.json")
    again = load_project(tmp_path / "p.json", allow_outside_media=True)
    assert again.tracks.mouth_shapes.blocks == project.tracks.mouth_shapes.blocks
    assert again.tracks.mouth_shapes.blocks[-1] == MouthShapeBlock(2.0, 2.5, "G")


@pytest.mark.parametrize(("blocks", "message"), [
    ([[0.0, 0.5, "Q", 1.0]], "mouth shape must be one of"),
    ([[0.0, 0.5, "A", 2.0]], "strength"),
    ([[0.0, 0.5, "A", 1.0], [0.4, 0.9, "B", 1.0]], "overlap"),
    ([[0.0, 0.5, "A"]], "invalid value"),
])
def test_bad_mouth_shapes_in_a_file_are_named(tmp_path: Path, blocks: list, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"schema_version": 2, "fps": 30, "tracks": {"mouth_shapes": blocks}}))
    with pytest.raises(ProjectFileError, match=message):
        load_project(path)
