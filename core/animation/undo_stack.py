"""Undoable edits: the Command base and the UndoStack (QUndoStack's model, without Qt).

``push`` runs the command. A command whose ``merge_id`` matches the top one's
is offered to ``merge_with`` first, so a drag that pushes a command per mouse
move leaves one undo step. ``macro(label)`` groups several pushes into one step.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from core.animation.events import Signal


class Command:
    """One user edit. Subclasses set ``label`` and implement ``do``/``undo``."""

    label: str = "Edit"
    merge_id: object | None = None  # equal, non-None ids may merge (e.g. one dragged key)

    def do(self) -> None:
        """Apply the edit (also used for redo)."""
        raise NotImplementedError

    def undo(self) -> None:
        """Revert exactly what ``do`` did."""
        raise NotImplementedError

    def merge_with(self, other: Command) -> bool:
        """Absorb ``other`` (already done) into self; True if merged. Default: never."""
        return False


class Macro(Command):
    """Several commands undone and redone as one step."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.commands: list[Command] = []

    def do(self) -> None:
        for command in self.commands:
            command.do()

    def undo(self) -> None:
        for command in reversed(self.commands):
            command.undo()


@dataclass(frozen=True)
class UndoState:
    """What an Undo/Redo menu needs; payload of ``UndoStack.changed``."""

    can_undo: bool
    can_redo: bool
    undo_label: str
    redo_label: str
    clean: bool


class UndoStack:
    """Linear undo history with merging, macros and a clean mark (saved state)."""

    def __init__(self) -> None:
        self._commands: list[Command] = []
        self._index = 0  # commands[:index] are done
        self._clean_index: int | None = 0
        self._macros: list[Macro] = []
        self._merge_blocked = False
        self.changed: Signal[UndoState] = Signal()

    # --- state ---------------------------------------------------------------
    @property
    def can_undo(self) -> bool:
        return self._index > 0 and not self._macros

    @property
    def can_redo(self) -> bool:
        return self._index < len(self._commands) and not self._macros

    @property
    def undo_label(self) -> str:
        """Label of the step ``undo`` would revert ('' if none)."""
        return self._commands[self._index - 1].label if self._index > 0 else ""

    @property
    def redo_label(self) -> str:
        """Label of the step ``redo`` would apply ('' if none)."""
        return self._commands[self._index].label if self._index < len(self._commands) else ""

    @property
    def is_clean(self) -> bool:
        """True when the project equals its last saved state."""
        return self._clean_index == self._index

    def state(self) -> UndoState:
        """A snapshot for views."""
        return UndoState(self.can_undo, self.can_redo, self.undo_label, self.redo_label, self.is_clean)

    def __len__(self) -> int:
        return len(self._commands)

    # --- editing -------------------------------------------------------------
    def push(self, command: Command) -> None:
        """Run ``command`` and record it (merging with the top step when allowed)."""
        command.do()
        if self._macros:
            self._macros[-1].commands.append(command)
            return
        if self._try_merge(command):
            self._emit()
            return
        del self._commands[self._index :]
        if self._clean_index is not None and self._clean_index > self._index:
            self._clean_index = None  # the saved state can no longer be reached
        self._commands.append(command)
        self._index += 1
        self._merge_blocked = False
        self._emit()

    def _try_merge(self, command: Command) -> bool:
        if self._merge_blocked or self._index == 0 or self._index != len(self._commands):
            return False
        top = self._commands[-1]
        if command.merge_id is None or top.merge_id != command.merge_id:
            return False
        if self._clean_index == self._index:
            return False  # keep the saved state reachable
        return top.merge_with(command)

    def end_merge(self) -> None:
        """Stop merging into the top step (call when a drag ends)."""
        self._merge_blocked = True

    def undo(self) -> None:
        """Revert the last step (no-op if none)."""
        if not self.can_undo:
            return
        self._index -= 1
        self._commands[self._index].undo()
        self._merge_blocked = True
        self._emit()

    def redo(self) -> None:
        """Re-apply the next step (no-op if none)."""
        if not self.can_redo:
            return
        self._commands[self._index].do()
        self._index += 1
        self._merge_blocked = True
        self._emit()

    def set_clean(self) -> None:
        """Mark the current state as saved."""
        self._clean_index = self._index
        self._merge_blocked = True
        self._emit()

    def set_dirty(self) -> None:
        """Mark the state as unsaved with no reachable clean point (e.g. recovered autosave)."""
        self._clean_index = None
        self._emit()

    def clear(self) -> None:
        """Forget all history (e.g. after loading a project); the state is clean."""
        self._commands.clear()
        self._index = 0
        self._clean_index = 0
        self._emit()

    # --- grouping ------------------------------------------------------------
    def begin_macro(self, label: str) -> None:
        """Start grouping pushes into one step labelled ``label``."""
        self._macros.append(Macro(label))

    def end_macro(self) -> None:
        """Finish the innermost group; an empty group leaves no step."""
        macro = self._macros.pop()
        if not macro.commands:
            return
        if self._macros:
            self._macros[-1].commands.append(macro)
            return
        self._merge_blocked = True
        self._record_done(macro)

    def _record_done(self, command: Command) -> None:
        """Record a command whose effects are already applied."""
        del self._commands[self._index :]
        if self._clean_index is not None and self._clean_index > self._index:
            self._clean_index = None
        self._commands.append(command)
        self._index += 1
        self._emit()

    @contextmanager
    def macro(self, label: str) -> Iterator[None]:
        """``with stack.macro("Move Blinks"): ...`` — one undo step for the block.

        If the block raises, its commands are undone and nothing is recorded.
        """
        self.begin_macro(label)
        try:
            yield
        except BaseException:
            failed = self._macros.pop()
            failed.undo()
            raise
        self.end_macro()

    def _emit(self) -> None:
        self.changed.emit(self.state())
