"""A saved studio project → the same ``Animation`` the command line renders.

The studio and ``space-studio render-project`` share this, so a project renders
identically in the window, in its export dialog and in a batch script.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from core.animation.project import Project, RenderSettings
from core.audio.audio_io import load_audio
from core.errors import ProjectFileError
from core.landmarks.normalized_space import normalize
from core.pipeline import Animation, SpeechMotion, compose_motion, predict_speech_motion
from core.portrait_setup import PortraitSetup, find_face
from core.pose_source import absolute_pose, pose_deltas
from core.progress import Progress


def render_settings(project: Project, renderer: str | None = None, mouth_set: Path | None = None,
                    background: str | None = None) -> RenderSettings:
    """The project's render settings, each replaced by the command line's when given (not None).

    A mouth set given alone turns a warp or neural project to the drawn style, which draws it."""
    saved = project.render
    if renderer is None:
        renderer = saved.renderer if mouth_set is None or saved.renderer in ("auto", "drawn") else "drawn"
    return RenderSettings(renderer, saved.mouth_set if mouth_set is None else Path(mouth_set),
                          saved.background if background is None else background)


def frame_style_of(render: RenderSettings):  # noqa: ANN201 - core.render.frame_style.FrameStyle
    """The FrameStyle (mouth set read and checked now, background parsed) for ``render``."""
    from core.render.frame_style import FrameStyle

    background = None if render.background is None else str(render.background)
    return FrameStyle.from_options(render.effective_mouth_set, background)


def project_setup(project: Project) -> PortraitSetup:
    """The project's portrait with its edited rest landmarks (detected when it has none)."""
    from core.image_io import load_portrait

    if project.portrait_path is None:
        raise ProjectFileError("The project has no portrait; open an image first.")
    portrait = load_portrait(project.portrait_path)
    if project.rest_landmarks is not None:
        face, notes = project.rest_landmarks, ()
    else:
        face, notes = find_face(portrait)
    return PortraitSetup(portrait, face, normalize(face), notes + tuple(portrait.notes))


def base_pose_for(project: Project, setup: PortraitSetup, speech: SpeechMotion) -> np.ndarray:
    """T×7 absolute base pose from the project's pose source."""
    deltas = pose_deltas(project.tracks.pose.source, speech.mfcc, speech.fps)
    return absolute_pose(setup.face.pose, deltas, speech.frames)


def animate_loaded_project(project: Project, progress: Progress | None = None) -> Animation:
    """Generate the motion of an open project with all its tracks."""
    progress = progress or Progress()
    if project.audio_path is None:
        raise ProjectFileError("The project has no audio; open a speech recording first.")
    progress.step("Preparing portrait", 0, 3)
    setup = project_setup(project)
    progress.step("Predicting lip motion", 1, 3)
    speech = predict_speech_motion(load_audio(project.audio_path), setup, project.fps,
                                   transcript=project.settings.transcript or None)
    progress.step("Composing tracks", 2, 3)
    composed, motion = compose_motion(setup, speech, project.tracks, base_pose_for(project, setup, speech))
    progress.step("Composing tracks", 3, 3)
    return Animation(setup, speech, project.tracks, composed, motion, project.audio_path)


def animate_project(path: Path, progress: Progress | None = None) -> Animation:
    """Load a project file and generate its motion."""
    from core.animation.project_file import load_project

    return animate_loaded_project(load_project(path), progress)
