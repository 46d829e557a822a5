import numpy as np
import pytest

from core.animation.keyframes import Curve, Key
from core.animation.tracks import (
    BlinkEvent,
    BlinkTrack,
    EmotionTrack,
    GazeTrack,
    LandmarkKeyframe,
    LandmarkKeyframeTrack,
    PoseTrack,
    Tracks,
)


def test_emotion_weights_mix_and_clip() -> None:
    track = EmotionTrack({"happy": Curve([Key(0, 0.5)]), "angry": Curve([Key(0, 0.0), Key(1, 2.0)])})
    weights = track.weights(np.array([0.0, 1.0]))
    assert weights.shape == (2, 8)
    np.testing.assert_allclose(weights[:, 1], [0.5, 0.5])
    np.testing.assert_allclose(weights[:, 3], [0.0, 1.0])
    conditioning = track.conditioning(np.array([0.0, 1.0]))
    np.testing.assert_allclose(conditioning[:, 0], [0.5, 0.0])


def test_blink_regenerate_keeps_hand_placed_blinks() -> None:
    track = BlinkTrack([BlinkEvent(1.0), BlinkEvent(5.0, generated=True)])
    track.regenerate(rate_per_minute=30.0, seed=2, duration=60.0)
    assert BlinkEvent(1.0) in list(track.events)
    generated = [e for e in track.events if e.generated]
    assert 10 < len(generated) < 60
    assert [e.time for e in track.events] == sorted(e.time for e in track.events)


def test_blink_closure_peaks_mid_blink() -> None:
    track = BlinkTrack([BlinkEvent(2.0, duration=0.2)])
    assert track.closure(np.array([2.1]))[0] == pytest.approx(1.0)
    assert track.closure(np.array([1.0]))[0] == 0.0


def test_gaze_linked_and_unlinked() -> None:
    track = GazeTrack({"left_x": Curve([Key(0, 1.0)]), "right_x": Curve([Key(0, -1.0)])})
    fired = []
    track.changed.connect(fired.append)
    assert track.offsets(np.array([0.0]))[0, 1, 0] == pytest.approx(1.0)
    track.linked = False
    assert track.offsets(np.array([0.0]))[0, 1, 0] == pytest.approx(-1.0)
    assert fired == [track]


def test_pose_add_and_override() -> None:
    base = np.tile(np.array([10.0, 0, 0, 5, 5, 0, 2]), (2, 1))
    track = PoseTrack({"yaw": Curve([Key(0, 1.0)])}, mode="add")
    np.testing.assert_allclose(track.evaluate(np.array([0.0, 1.0]), base)[:, 0], [11, 11])
    track.mode = "override"
    pose = track.evaluate(np.array([0.0, 1.0]), base)
    np.testing.assert_allclose(pose[:, 0], [1, 1])
    np.testing.assert_allclose(pose[:, 3], [5, 5])  # un-keyed channels keep the base
    with pytest.raises(ValueError):
        track.mode = "replace"  # type: ignore[assignment]


def test_landmark_keyframe_blends_in_and_out() -> None:
    keyframe = LandmarkKeyframe(1.0, {19: (0.0, -0.1)}, ease_in=0.5, ease_out=1.0, easing="linear")
    track = LandmarkKeyframeTrack([keyframe])
    offsets = track.offsets(np.array([0.4, 0.75, 1.0, 1.5, 2.5]))
    np.testing.assert_allclose(offsets[:, 19, 1], [0.0, -0.05, -0.1, -0.05, 0.0])
    assert np.count_nonzero(offsets[:, :19]) == 0
    with pytest.raises(ValueError):
        LandmarkKeyframe(0.0, {68: (0.0, 0.0)})


def test_tracks_relays_every_track_change() -> None:
    tracks = Tracks()
    fired = []
    tracks.changed.connect(fired.append)
    tracks.emotion.curves["sad"].add(Key(0, 1))
    tracks.blinks.add(BlinkEvent(1.0))
    tracks.landmarks.add(LandmarkKeyframe(0.0))
    tracks.pose.mode = "override"
    assert fired == [tracks.emotion, tracks.blinks, tracks.landmarks, tracks.pose]
