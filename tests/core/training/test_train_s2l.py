"""S2L training pieces: weight averaging, speaker-weighted sampling, tempo copies."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from core.training import s2l_dataset as ds
from core.training.train_s2l import WeightAverage, clip_weights


def test_weight_average_is_the_mean_of_the_added_states():
    model = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.BatchNorm1d(2))
    average = WeightAverage()
    average.load_into(model)  # nothing added: unchanged
    seen = []
    for value in (1.0, 2.0, 6.0):
        with torch.no_grad():
            for p in model.parameters():
                p.fill_(value)
        model.train()
        model(torch.randn(4, 3))  # moves the BatchNorm running stats
        seen.append({k: v.clone() for k, v in model.state_dict().items()})
        average.add(model)
    average.load_into(model)
    assert average.count == 3
    torch.testing.assert_close(model[0].weight, torch.full((2, 3), 3.0))
    expected = sum(s["1.running_mean"] for s in seen) / 3
    torch.testing.assert_close(model[1].running_mean, expected)
    assert model[1].num_batches_tracked.item() == 3  # integer buffers keep the last value


def _clip(speaker: str, frames: int) -> ds.Clip:
    return ds.Clip(f"{speaker}{frames}", speaker, np.zeros((frames, 40), np.float32),
                   np.zeros((frames, 68, 2), np.float32), np.eye(8, dtype=np.float32)[0])


def test_speaker_weights_go_from_by_length_to_equal_people():
    clips = [_clip("a", 600), _clip("b", 90), _clip("b", 90)]
    np.testing.assert_allclose(clip_weights(clips, 1.0), [600 / 780, 90 / 780, 90 / 780])
    np.testing.assert_allclose(clip_weights(clips, 0.0), [0.5, 0.25, 0.25])


def test_split_appends_phones_then_apc_codes_for_the_window():
    from core.audio.features import FeatureStats
    from core.training.train_s2l import Split

    stats = FeatureStats(np.zeros(40, np.float32), np.ones(40, np.float32))
    phones = [np.full((10, 40), 1.0, np.float32), np.full((10, 40), 2.0, np.float32)]
    codes = [np.arange(10, dtype=np.float32)[:, None].repeat(3, 1), np.zeros((10, 3), np.float32)]
    split = Split([], [], {}, stats, phones={"a": phones}, apc={"a": codes})
    feats = split.listened("a", np.zeros((4, 40), np.float32), variant=0, start=5)
    assert feats.shape == (4, 83)
    np.testing.assert_array_equal(feats[:, 40:80], 1.0)
    np.testing.assert_array_equal(feats[:, 80], [5, 6, 7, 8])
    teacher = np.full((10, 40), 9.0, np.float32)
    assert (split.listened("a", np.zeros((4, 40), np.float32), 1, teacher, 5)[:, 40:80] == 9.0).all()


def test_a_companion_model_from_elsewhere_is_copied_beside_the_s2l_weights(tmp_path):
    from core.training.train_s2l import _companion_beside
    from core.weights_file import sha256_of, verify_sha256

    shipped = tmp_path / "weights" / "apc.pt"
    shipped.parent.mkdir()
    shipped.write_bytes(b"shipped")
    other = tmp_path / "build" / "mine.pt"
    other.parent.mkdir()
    other.write_bytes(b"mine")
    out = tmp_path / "fold0"
    out.mkdir()
    assert _companion_beside(shipped, shipped, out) == sha256_of(shipped)
    assert not (out / "apc.pt").exists()
    assert _companion_beside(other, shipped, out) == sha256_of(other)
    assert (out / "apc.pt").read_bytes() == b"mine"
    verify_sha256(out / "apc.pt")


DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data"


@pytest.mark.skipif(not (DATA / "talking").is_dir(), reason="../shared/data absent")
def test_a_tempo_copy_of_a_real_clip_has_every_variant_and_its_phones_on_its_own_frames(tmp_path):
    from core.training.train_s2l import TrainConfig, _teacher_phones, _tempo_copy

    video = DATA / "talking/rizkiarm__LipNet/bbaf2n.mpg"
    clip = ds.build_clip(video, tmp_path)
    config = TrainConfig(reverb_times=(0.5,))
    copy, variants, (source, retime) = _tempo_copy(clip, video, 1.1, np.random.default_rng(0), config)
    assert source == clip.name and copy.name == f"{clip.name}@1.1x"
    assert abs(len(copy.mfcc) - len(clip.mfcc) / 1.1) <= 2 and len(copy.points) == len(copy.mfcc)
    assert len(variants) == 7 and all(v.shape == copy.mfcc.shape for v in variants)  # + pitch ×2, EQ ×2, noise, room
    teacher = retime(_teacher_phones(clip, video))
    assert teacher.shape == (len(copy.mfcc), 40) and np.all(teacher.sum(1) == 1)


def test_a_model_trained_on_everyone_reports_no_held_out_scores():
    from core.audio.features import FeatureStats
    from core.motion.speech2landmarks import S2LConfig, Speech2Landmarks
    from core.training.train_s2l import Split, evaluate

    stats = FeatureStats(np.zeros(40, np.float32), np.ones(40, np.float32))
    model = Speech2Landmarks(S2LConfig(conv_layers=2, symmetric_layers=1, lookahead=1))
    assert evaluate(model, Split([], [], {}, stats)) == {"held_out": {}, "held_out_mean": {}}


def test_the_card_of_weights_trained_on_everyone_says_so_and_counts_emotional_clips():
    from core.audio.features import FeatureStats
    from core.training.train_s2l import Split, TrainConfig, model_card

    sad = ds.Clip("MEAD_sad", "m", np.zeros((40, 40), np.float32), np.zeros((40, 68, 2), np.float32),
                  ds.emotion_of(Path("MEAD_M030_sad_001.mp4")))
    split = Split([_clip("a", 90), sad], [], {}, FeatureStats(np.zeros(40, np.float32), np.ones(40, np.float32)))
    card = model_card(split, TrainConfig(validation_speakers=()), {"held_out": {}, "held_out_mean": {}, "steps": 3},
                      "abc")
    assert "--all-speakers" in card and "None: trained on every person" in card
    assert "1 of 2 training clips carry a non-neutral label" in card and "nan" not in card
    split.val.append(_clip("b", 90))
    held = model_card(split, TrainConfig(), {"steps": 3, "held_out": {"x": dict.fromkeys(
        ("frames", "l1", "l1_still_face", "r_model", "r_energy", "open_quiet_pred", "open_quiet_real"), 1.0)},
        "held_out_mean": dict.fromkeys(("l1", "l1_still_face", "r_model", "r_energy", "open_quiet_pred",
                                        "open_quiet_real"), 1.0)}, "abc")
    assert "--all-speakers" not in held and "| **mean** |" in held and "- b `b90` 90 frames" in held
