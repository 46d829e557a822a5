"""One studio export, free of Qt: a snapshot of the open project written by core's
``export_project`` — the code ``space-studio render-project`` runs — fed from the session's
derived-motion cache, so speech motion and head pose the preview already has are reused."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.studio_session import StudioSession
from core.errors import OutputError
from core.progress import Progress
from core.project_render import HANDOFF_FORMATS, ProjectOutput, export_project, snapshot

HANDOFF_KINDS = HANDOFF_FORMATS  # formats for other tools: Rhubarb cues, rig curves


@dataclass(frozen=True)
class ExportSettings:
    """What the export dialog asks for. Frames run at the project's fps: ``fps`` may only
    repeat it (None = the project's); change the project's frame rate to export at another."""

    path: str
    kind: str = "mp4"  # mp4 | png | json | a HANDOFF_KINDS format (cues, rig curves)
    fps: float | None = None
    size: int | tuple[int, int] | None = None  # the longer side in pixels (of a (w, h) pair: its larger);
    # None: the portrait's (at most 2048). The portrait's aspect is always kept, as render-project keeps it.
    first_frame: int = 0
    last_frame: int | None = None


class ExportJob:
    """A snapshot of the project (the UI may keep editing while it runs) and where it goes."""

    def __init__(self, session: StudioSession, settings: ExportSettings) -> None:
        project = session.project
        if session.portrait is None:
            raise OutputError("Open a portrait before exporting.")
        if project.audio_path is None:
            raise OutputError("Open a speech recording before exporting.")
        if settings.fps is not None and abs(settings.fps - project.fps) > 1e-6:
            raise OutputError(f"Exports run at the project's {project.fps:g} fps, not {settings.fps:g}; "
                              "change the project's frame rate to export at another.")
        self.settings = settings
        self.project = snapshot(project)
        size = max(settings.size) if isinstance(settings.size, tuple) else settings.size
        self.output = ProjectOutput(Path(settings.path), settings.kind, size, settings.first_frame, settings.last_frame)
        self.motion = session.motion
        self.progress = Progress()  # the worker wires its callback; cancel() stops at the next step
        self._frame_count = project.frame_count

    def frames(self) -> range:
        """The frames an image or motion export writes (the whole line for other formats)."""
        return self.output.frames(self._frame_count)

    def cancel(self) -> None:
        """Stop at the next frame or stage; the atomic writers leave nothing at the output."""
        self.progress.cancel()

    def run(self, report: Callable[[int, int], None] | None = None) -> Path:
        """Write the output (raises Cancelled after ``cancel``); ``report(done, total)`` follows
        each stage when the worker has not wired ``progress`` itself."""
        if report is not None and self.progress.callback is None:
            self.progress.callback = lambda _stage, done, total: report(done, total)
        export_project(self.project, self.output, self.progress, self.motion)
        return self.output.out
