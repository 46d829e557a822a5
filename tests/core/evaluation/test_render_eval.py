"""Renderer metrics: identical images score perfectly, blur lowers the sharpness ratio and SSIM."""

from __future__ import annotations

import cv2
import numpy as np

from core.evaluation.render_eval import ClipScores, RenderEvaluation, frame_scores, psnr, sharpness_ratio, ssim
from tests.drawn_face import draw_portrait


def test_identical_images_score_perfectly():
    image, face = draw_portrait(128)
    rgb = image[:, :, :3]
    scores = frame_scores(rgb, rgb, face.rig_points())
    assert scores["ssim_face"] == 1.0 and scores["ssim_mouth"] == 1.0
    assert scores["psnr_face"] == 100.0 and scores["sharpness_mouth"] == 1.0


def test_blur_lowers_sharpness_ratio_and_ssim_and_noise_lowers_psnr():
    image, face = draw_portrait(128)
    rgb = image[:, :, :3]
    blurred = cv2.GaussianBlur(rgb, (0, 0), 2.0)
    assert sharpness_ratio(blurred, rgb) < 0.5
    assert ssim(blurred, rgb) < 0.95
    noisy = np.clip(rgb.astype(int) + np.random.default_rng(0).integers(-20, 21, rgb.shape), 0, 255).astype(np.uint8)
    assert 20 < psnr(noisy, rgb) < 40


def test_json_has_both_renderers_with_the_metric_keys_and_clip_rows():
    row = {"psnr_face": 30.0, "ssim_face": 0.9, "psnr_mouth": 28.0, "ssim_mouth": 0.8, "sharpness_mouth": 1.0}
    better = {k: v + 1 for k, v in row.items()}
    clips = [ClipScores("a/one.mp4", "p1", 10, {"warp": row, "neural": better}),
             ClipScores("a/two.mp4", "p2", 10, {"warp": better, "neural": better})]
    data = RenderEvaluation(clips, []).to_json()
    assert set(data["renderers"]) == {"warp", "neural"}
    assert data["renderers"]["warp"]["psnr_face"] == 30.5 and data["renderers"]["neural"]["ssim_mouth"] == 1.8
    assert [c["clip"] for c in data["renderers"]["neural"]["clips"]] == ["a/one.mp4", "a/two.mp4"]
    assert set(data["people"]) == {"p1", "p2"}
