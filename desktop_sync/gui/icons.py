"""The app's icons, rendered from the SVG files shipped inside the package."""

from __future__ import annotations

from functools import cache
from importlib import resources

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QIcon, QImage, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from desktop_sync.app.facade_types import Health, Level

__all__ = ["app_icon", "health_icon", "level_icon", "svg_bytes", "tray_icon"]

# Rendered at fixed sizes rather than relying on Qt's SVG icon-engine plugin, which a frozen
# build can leave out; these sizes cover tray (16-24), menus, title bars and the About box.
_SIZES = (16, 20, 22, 24, 32, 48, 64, 128, 256)

TRAY_STATES = ("ok", "syncing", "error", "paused")


def svg_bytes(name: str) -> bytes:
    """The raw SVG of ``desktop_sync/resources/<name>.svg``."""
    return resources.files("desktop_sync").joinpath("resources", f"{name}.svg").read_bytes()


def _render(name: str, size: int) -> QPixmap:
    renderer = QSvgRenderer(QByteArray(svg_bytes(name)))
    if not renderer.isValid():
        raise ValueError(f"The icon {name}.svg could not be read.")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return QPixmap.fromImage(image)


@cache
def _icon(name: str) -> QIcon:
    icon = QIcon()
    for size in _SIZES:
        icon.addPixmap(_render(name, size))
    return icon


def app_icon() -> QIcon:
    return _icon("app-icon")


def tray_icon(state: str) -> QIcon:
    """``state`` is one of ``ok``, ``syncing``, ``error``, ``paused``."""
    if state not in TRAY_STATES:
        raise ValueError(f"Unknown tray state {state!r}.")
    return _icon(f"tray-{state}")


def health_icon(health: Health, *, syncing: bool = False) -> QIcon:
    """The tray picture for a health: syncing wins over ok, paused and errors win over syncing."""
    if health is Health.PAUSED:
        return tray_icon("paused")
    if health is not Health.OK:
        return tray_icon("error")
    return tray_icon("syncing" if syncing else "ok")


def level_icon(level: str) -> QIcon:
    """A small badge for a log level (``info``, ``warning``, ``error``)."""
    known = {Level.INFO.value, Level.WARNING.value, Level.ERROR.value}
    return _icon(f"level-{level if level in known else Level.INFO.value}")
