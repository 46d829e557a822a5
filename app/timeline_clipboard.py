"""Copy selected timeline items and paste them at the playhead (one undo step)."""

from __future__ import annotations

from app.studio_session import StudioSession
from app.timeline_items import Item, add_command


class TimelineClipboard:
    """Items copied with their lanes; pasted relative to the earliest one."""

    def __init__(self, session: StudioSession) -> None:
        self.session = session
        self.items: list[Item] = []

    def copy(self) -> None:
        self.items = [i for i in self.session.selection if i.lane != "landmarks"]

    def paste(self) -> None:
        if not self.items:
            return
        project = self.session.project
        t0 = min(i.time for i in self.items)
        now = self.session.frame / project.fps
        pasted = []
        with project.undo_stack.macro("Paste Keys"):
            for item in self.items:
                try:
                    command, new = add_command(project.tracks, item.lane, project.snap(now + item.time - t0),
                                               item.value, item.duration or 0.2)
                    project.undo_stack.push(command)
                    pasted.append(new)
                except ValueError:
                    continue  # a key already sits there
        self.session.select(pasted)
