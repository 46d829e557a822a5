"""The Timeline dock's content: a fixed header (ruler, waveform, mouth shapes) over scrolling lanes.

Every strip shares one ``TimeMapping``; only the lanes scroll vertically, so the ruler and the
speech stay in view whichever lane group is being edited.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget

from app.studio_session import StudioSession
from app.time_mapping import TimeMapping
from app.timeline_lanes import HEADER_W
from app.timeline_ruler import TimelineRuler
from app.timeline_view import TimelineView

MOUTH_SLOT = "mouth_shape_slot"  # objectName of the header's place for the mouth-shape lane


def mouth_shape_lane(session: StudioSession, mapping: TimeMapping) -> QWidget | None:
    """The mouth-shape lane (app/mouth_shape_lane.py) when it is part of this build."""
    try:
        from app.mouth_shape_lane import MouthShapeLane
    except ImportError:  # built separately; the header keeps an empty, named slot for it
        return None
    return MouthShapeLane(session, mapping)


class TimelinePanel(QWidget):
    """Header (``ruler``, ``mouth_slot``) and ``scroll`` holding the lanes (``view``)."""

    def __init__(self, session: StudioSession) -> None:
        super().__init__()
        self.session = session
        self.mapping = TimeMapping(HEADER_W)
        self.ruler = TimelineRuler(session, self.mapping)
        self.view = TimelineView(session, self.mapping)
        self.mouth_slot = QWidget(objectName=MOUTH_SLOT)
        slot_layout = QVBoxLayout(self.mouth_slot)
        slot_layout.setContentsMargins(0, 0, 0, 0)
        self.mouth_lane = mouth_shape_lane(session, self.mapping)
        if self.mouth_lane is not None:
            slot_layout.addWidget(self.mouth_lane)
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.view)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)  # same width above and below
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        for widget in (self.ruler, self.mouth_slot):
            layout.addWidget(widget)
        layout.addWidget(self.scroll, 1)
        session.media_changed.connect(self.fit)
        session.project_changed.connect(self._follow_length)

    def header_height(self) -> int:
        """Height of the part that never scrolls."""
        return self.ruler.height() + self.mouth_slot.sizeHint().height()

    def fit(self) -> None:
        """The whole line across the lanes' width."""
        lanes_width = self.width() - self.scroll.verticalScrollBar().sizeHint().width()
        self.mapping.fit(self.session.project.duration, lanes_width)

    def _follow_length(self) -> None:
        if self.mapping.fitted:
            self.fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.mapping.fitted:
            self.fit()
