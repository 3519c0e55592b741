"""One store's statuses as checkboxes, read from the store on a worker thread, each with a
preview of what it would send among the store's recent orders (``app.status_choices``,
through the facade).

Until the store answers, and when it cannot be reached, the saved choice is shown ticked and
cannot be changed, so saving never loses it. No status can be typed: only the store's own
(and a saved one the store no longer lists, marked so) can be ticked.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from desktop_sync.app.facade import DesktopSync
from desktop_sync.app.facade_types import StatusChoices, StatusOption
from desktop_sync.gui.background import TaskRunner
from desktop_sync.gui.verify import ERROR_COLOR, BusyIndicator
from desktop_sync.gui.wizard_orderdesk import hint_label

__all__ = ["StatusBoxes"]

_COLUMNS = 2
"""Checkboxes side by side (Shopify has 16 states): left to right, then down, as Tab goes."""


def _unexpected(exc: Exception) -> str:
    return (
        f"The statuses could not be read ({type(exc).__name__}); your saved choice is kept "
        "(reopen Settings to try again)."
    )


class StatusBoxes(QWidget):
    """The checkboxes of one store's statuses; ``chosen()`` is what to save."""

    answered = Signal()
    """The store answered (or could not be reached): the boxes changed, and may need room."""

    def __init__(
        self, platform: str, saved: Sequence[str], store_name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.platform = platform
        self.saved = tuple(saved)
        self.store_name = store_name
        self.choices: StatusChoices = DesktopSync.saved_status_choices(platform, self.saved)
        self.boxes: dict[str, QCheckBox] = {}
        self.loaded = False
        self.runner = TaskRunner(self, describe=_unexpected)
        self.runner.succeeded.connect(self._show)
        self.runner.failed.connect(self.say_unavailable)

        self.busy = BusyIndicator()
        self.runner.busy_changed.connect(self.busy.set_running)
        self.reading = QLabel()
        self.reading.setWordWrap(True)
        header = QHBoxLayout()
        header.addWidget(self.reading, 1)
        header.addWidget(self.busy)
        self._list = QGridLayout()
        self._list.setVerticalSpacing(2)
        self.preview = QLabel()
        self.preview.setWordWrap(True)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(f"color: {ERROR_COLOR};")
        self.problem.setVisible(False)
        self.default_hint = hint_label(self.choices.default_sentence())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(header)
        layout.addLayout(self._list)
        layout.addWidget(self.preview)
        layout.addWidget(self.problem)
        layout.addWidget(self.default_hint)
        self._fill(editable=False)
        self.reading.setText(f"Send {store_name} orders in these statuses:")

    def load(self, read: Callable[[], StatusChoices]) -> None:
        """Ask the store (``read`` runs on a worker thread); the boxes follow its answer."""
        self.reading.setText(f"Reading the statuses of {self.store_name}…")
        self.runner.start(read)

    def chosen(self) -> tuple[str, ...]:
        """The statuses ticked, in the store's order (the saved ones while not loaded)."""
        if not self.loaded:
            return self.saved
        return tuple(value for value, box in self.boxes.items() if box.isChecked())

    # -- internals -----------------------------------------------------------------------

    def _show(self, result: object) -> None:
        assert isinstance(result, StatusChoices)
        self.choices = result
        self.loaded = result.reachable
        self.reading.setText(result.counts_heading(self.store_name))
        self._fill(editable=result.reachable)
        self.problem.setText(result.problem)
        self.problem.setVisible(bool(result.problem))
        self._update_preview()
        self.answered.emit()

    def say_unavailable(self, sentence: str) -> None:
        """The statuses cannot be read (``sentence`` says why): the saved choice stays."""
        self.reading.setText(f"Send {self.store_name} orders in these statuses:")
        self.problem.setText(sentence)
        self.problem.setVisible(True)
        self.answered.emit()

    def _fill(self, *, editable: bool) -> None:
        while self._list.count():
            item = self._list.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.boxes = {}
        ticked = set(self.saved)
        groups = list(dict.fromkeys(option.group for option in self.choices.options))
        row = 0
        for group in groups:
            if len(groups) > 1:
                self._list.addWidget(QLabel(f"<b>{group}</b>"), row, 0, 1, _COLUMNS)
                row += 1
            options = [o for o in self.choices.options if o.group == group]
            for index, option in enumerate(options):
                box = QCheckBox(self._text(option))
                box.setChecked(option.value in ticked)
                box.setEnabled(editable)
                box.toggled.connect(self._update_preview)
                self.boxes[option.value] = box
                self._list.addWidget(box, row + index // _COLUMNS, index % _COLUMNS)
            row += (len(options) + _COLUMNS - 1) // _COLUMNS
        self.preview.setVisible(editable)

    def _text(self, option: StatusOption) -> str:
        shown = self.choices.option_preview(option.value)
        return f"{option.label} ({shown})" if shown else option.label

    def _update_preview(self) -> None:
        self.preview.setText(self.choices.preview(self.chosen()))
