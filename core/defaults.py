"""The one set of generation defaults, shared by the studio, the command line and batch.

A line rendered from the studio, from ``space-studio generate`` or from a batch manifest row
looks the same unless the user changes something: all three read these values.

- 30 fps: the engine's frame rate (S2L and the emotion model are trained on 25–30 fps clips;
  30 is what video editors expect).
- 17 blinks per minute: the mean resting rate measured in adults (Bentivoglio et al., 1997,
  "Analysis of blink rate patterns in normal subjects", Movement Disorders 12(6)); 15 was a
  round number below it.
- a generated head (PoseGen, seed 0, amplitude 1): a talking face whose head never moves reads
  as a photo with a moving mouth; the studio always showed the generated head, so the
  command line and batch now follow it. ``--pose still`` keeps the still head.
"""

from __future__ import annotations

from dataclasses import dataclass

FPS = 30.0
BLINKS_PER_MINUTE = 17.0
BLINK_SEED = 0
POSE_MODE = "generate"  # the command line's word for the kind "generated" (core.pose_source)
POSE_SEED = 0
POSE_AMPLITUDE = 1.0
AUTOSAVE_SECONDS = 2.0  # an edit reaches the recovery copy within this long


@dataclass(frozen=True)
class GenerationDefaults:
    """The defaults as one value (what the studio's Preferences start from)."""

    fps: float = FPS
    blinks_per_minute: float = BLINKS_PER_MINUTE
    pose_mode: str = POSE_MODE
    pose_seed: int = POSE_SEED
    pose_amplitude: float = POSE_AMPLITUDE
    autosave_seconds: float = AUTOSAVE_SECONDS


POSE_MODES = ("still", "generate")  # what a preference may choose (from-video needs a clip)


def studio_pose_kind(pose_mode: str) -> str:
    """The command line's pose mode as the project's pose source kind."""
    from core.pose_source import pose_kind

    return pose_kind(pose_mode)
