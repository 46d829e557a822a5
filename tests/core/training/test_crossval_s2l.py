"""Cross-validation folds: each fold's model is trained without the people it is scored on."""

from __future__ import annotations

from pathlib import Path

from core.evaluation.crossval import SPEAKERS, speaker_folds, speaker_of
from core.training.crossval_s2l import CrossValConfig, fold_train_config


def test_each_fold_holds_out_exactly_its_people() -> None:
    config = CrossValConfig(out=Path("/tmp/cv"), folds=4, lookahead=6)
    folds = speaker_folds(4)
    held_out = [set(f.test_speakers) for f in folds]
    for fold in folds:
        train_config = fold_train_config(config, fold)
        assert set(train_config.validation_speakers) == set(fold.test_speakers)
        assert train_config.out == Path("/tmp/cv") / f"fold{fold.index}"
        assert train_config.model.lookahead == 6
        assert not {speaker_of(p) for p in fold.train} & set(fold.test_speakers)
    everyone = set(SPEAKERS.values())
    assert set().union(*held_out) == everyone  # every person is scored once...
    assert sum(len(h) for h in held_out) == len(everyone)  # ...and only once


def test_folds_train_the_shipped_recipe_unless_told_otherwise() -> None:
    from core.audio.apc import DEFAULT_WEIGHTS as APC_WEIGHTS
    from core.audio.phone_net import DEFAULT_WEIGHTS

    fold = speaker_folds(4)[0]
    shipped = fold_train_config(CrossValConfig(), fold)
    assert shipped.model.phone_features and shipped.phone_net == DEFAULT_WEIGHTS
    assert shipped.apc == APC_WEIGHTS and shipped.model.apc_features == 128
    assert shipped.reverb_times == (0.3, 0.7) and shipped.tempo_speeds == (0.9, 1.1)
    no_apc = fold_train_config(CrossValConfig(apc=None), fold)
    assert no_apc.apc is None and no_apc.model.apc_features == 0
    mfcc_only = fold_train_config(CrossValConfig(phone_net=None), fold)
    assert not mfcc_only.model.phone_features and mfcc_only.phone_net is None
