"""A studio project → its ``Animation`` → every output format: the one export path.

``space-studio render-project`` and the studio's File ▸ Export both call ``export_project``
(the studio with a snapshot of the open project and its ``DerivedMotion`` cache, so the
speech motion and head pose the preview already has are not computed again), so a
project gives the same frames, sound and files from either.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from core.animation.project import Project, RenderSettings
from core.derived_motion import DerivedMotion, base_pose, pose_key, speech_key
from core.errors import ProjectFileError
from core.input_limits import one_line
from core.landmarks.normalized_space import normalize
from core.pipeline import Animation, compose_motion
from core.portrait_setup import PortraitSetup, find_face
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


def snapshot(project: Project) -> Project:
    """An independent copy of ``project`` exactly as its file would hold it (the studio may
    keep editing while an export renders the copy, and ``render-project`` reads the file)."""
    from core.animation.project_schema import project_from_json, project_to_json

    folder = (project.path.parent if project.path is not None else Path.cwd()).absolute()
    try:
        copy = project_from_json(json.loads(json.dumps(project_to_json(project, folder))), folder)
    except (KeyError, TypeError, ValueError, OverflowError) as err:  # what a save would refuse, said in one line
        raise ProjectFileError(one_line(f"The project cannot be exported as it is: {err}")) from err
    copy.path = project.path
    return copy


def animate_loaded_project(project: Project, progress: Progress | None = None,
                           motion: DerivedMotion | None = None) -> Animation:
    """Generate the motion of an open project with all its tracks; the speech motion and base
    pose come from ``motion`` when it has them for these media and settings (and are kept there)."""
    progress = progress or Progress()
    motion = motion or DerivedMotion()
    if project.audio_path is None:
        raise ProjectFileError("The project has no audio; open a speech recording first.")
    progress.step("Preparing portrait", 0, 3)
    setup = project_setup(project)
    progress.step("Predicting lip motion", 1, 3)
    key = speech_key(project.audio_path, setup.face, project.fps, project.settings.transcript)
    speech = motion.speech_for(key, setup.face, progress.step)
    progress.step("Generating pose", 2, 3)
    deltas = motion.pose_for(pose_key(project.tracks.pose.source, project.audio_path, project.fps, speech.frames))
    progress.step("Composing tracks", 2, 3)
    composed, frames = compose_motion(setup, speech, project.tracks, base_pose(setup.face, deltas, speech.frames))
    progress.step("Composing tracks", 3, 3)
    return Animation(setup, speech, project.tracks, composed, frames, project.audio_path)


def animate_project(path: Path, progress: Progress | None = None) -> Animation:
    """Load a project file and generate its motion."""
    from core.animation.project_file import load_project

    return animate_loaded_project(load_project(path), progress)


# Formats for other tools, made from the project's Animation: Rhubarb mouth cues and rig curves.
HANDOFF_FORMATS = ("cues.tsv", "cues.json", "cues.xml", "cues.dat", "arkit", "live2d", "spine", "csv")
EXPORT_FORMATS = ("mp4", "png", "json", *HANDOFF_FORMATS)


@dataclass(frozen=True)
class ProjectOutput:
    """What to write: ``fmt`` one of EXPORT_FORMATS; ``size`` the longer side in pixels (None:
    the portrait's, at most 2048); frames ``first_frame``..``last_frame`` (inclusive; None: to
    the end) of the line for mp4, png and json. Frames run at the project's fps."""

    out: Path
    fmt: str = "mp4"
    size: int | None = None
    first_frame: int = 0
    last_frame: int | None = None

    def frames(self, count: int) -> range:
        last = count - 1 if self.last_frame is None else min(self.last_frame, count - 1)
        return range(max(0, self.first_frame), last + 1)


def check_project_output(project: Project, output: ProjectOutput, inputs: tuple[Path, ...] = ()) -> None:
    """Before any work: the format is known and the output is writable, is none of the
    project's files, and has room for a rough estimate (core.export.output_check)."""
    from core.animation.project_file import media_paths
    from core.errors import OutputError
    from core.export.output_check import check_output, estimated_bytes, frame_size_guess

    if output.fmt not in EXPORT_FORMATS:
        raise OutputError(f"Unknown output format '{output.fmt}'; use one of {', '.join(EXPORT_FORMATS)}.")
    frames = len(output.frames(project.frame_count)) if output.fmt in ("mp4", "png", "json") else project.frame_count
    size = frame_size_guess(project.portrait_path, output.size) if output.fmt in ("mp4", "png") else None
    check_output(output.out, output.fmt, [*inputs, *media_paths(project)], estimated_bytes(output.fmt, frames, size))


def export_project(project: Project, output: ProjectOutput, progress: Progress | None = None,
                   motion: DerivedMotion | None = None, say: Callable[[str], None] | None = None,
                   inputs: tuple[Path, ...] = ()) -> Animation:
    """Write ``project`` as ``output`` with the project's render settings (renderer, mouth set,
    background): checked first, animated through ``motion``'s cache, written atomically
    (Cancelled through ``progress`` leaves nothing). ``say`` hears the renderer ``auto`` chose."""
    progress = progress or Progress()
    check_project_output(project, output, inputs)
    style = None if output.fmt not in ("mp4", "png") else frame_style_of(project.render)  # checked before work
    animation = animate_loaded_project(project, progress, motion)
    if output.fmt in HANDOFF_FORMATS:
        _write_handoff(animation, output)
        return animation
    from core.export.animation_export import export_animation

    renderer = "warp" if style is None else _renderer_for(project.render, animation.setup, style, say)
    export_animation(animation, output.out, output.fmt, output.size, progress, renderer=renderer, style=style,
                     frames=output.frames(len(animation.motion)))
    return animation


def _renderer_for(render: RenderSettings, setup: PortraitSetup, style, say) -> str:  # noqa: ANN001
    """The project's renderer, ``auto`` resolved for this portrait (the weights are checked now)."""
    from core.render.render_choice import resolve_renderer

    chosen, note = resolve_renderer(render.renderer, setup.portrait.rgba, setup.face, style.mouth_set is not None)
    if say is not None and render.renderer != "drawn" and style.mouth_set is None:
        if note:
            say(note)
        elif render.renderer == "auto":
            say(f"renderer: {chosen} ({'photographic' if chosen == 'neural' else 'drawn'} portrait; "
                "override with --renderer)")
    return chosen


def _write_handoff(animation: Animation, output: ProjectOutput) -> None:
    """Mouth cues (with the mouth-shape lane's edits) or rig curves of the whole line."""
    if output.fmt.startswith("cues."):
        from core.animation.mouth_shapes import effective_cues
        from core.export.cue_formats import CueDocument, write_cues
        from core.export.mouth_cues import cues_for_animation, shape_set

        cues = effective_cues(animation, cues_for_animation(animation))
        document = CueDocument(cues, animation.audio_path, animation.speech.audio.duration, shape_set())
        write_cues(output.out, document, output.fmt.removeprefix("cues."))
    else:
        from core.export.rigs.rig_export import export_rig

        export_rig(animation, output.out, output.fmt)
