"""Render the app icon (one SVG) into what each platform wants: PNGs 16..512 (Linux), an .ico
(Windows) and an .iconset folder for macOS's ``iconutil``.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/make_icons.py [--svg S] [--out DIR]

Re-run it after changing resources/app-icon.svg and commit resources/icons/.
"""

from __future__ import annotations

import argparse
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SVG = ROOT / "resources" / "app-icon.svg"
OUT = ROOT / "resources" / "icons"

PNG_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
"""The freedesktop hicolor sizes (and what the README and store pages use)."""
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
"""Windows: small icons in lists and the tray, large ones in Explorer; 256 is the largest."""
ICONSET = {
    "icon_16x16.png": 16,
    "icon_16x16@2x.png": 32,
    "icon_32x32.png": 32,
    "icon_32x32@2x.png": 64,
    "icon_128x128.png": 128,
    "icon_128x128@2x.png": 256,
    "icon_256x256.png": 256,
    "icon_256x256@2x.png": 512,
    "icon_512x512.png": 512,
    "icon_512x512@2x.png": 1024,
}
"""The file names ``iconutil -c icns`` expects."""


def render_png(svg: bytes, size: int) -> bytes:
    """The SVG drawn at ``size`` x ``size`` pixels, as PNG bytes."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(QByteArray(svg))
    if not renderer.isValid():
        raise SystemExit("The icon SVG could not be read.")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise SystemExit(f"The {size} px icon could not be encoded as PNG.")
    buffer.close()
    return bytes(data.data())


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """An .ico holding each PNG as is (PNG-in-ICO, read by Windows Vista and later)."""
    sizes = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(sizes))  # reserved, type 1 = icon, count
    offset = len(header) + 16 * len(sizes)
    entries, images = b"", b""
    for size in sizes:
        data = pngs[size]
        side = 0 if size >= 256 else size  # 0 means 256 in the directory entry
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset)
        images += data
        offset += len(data)
    return header + entries + images


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--svg", type=Path, default=SVG)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)

    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    svg = args.svg.read_bytes()
    out: Path = args.out
    (out / "desktop-sync.iconset").mkdir(parents=True, exist_ok=True)
    cache: dict[int, bytes] = {}

    def png(size: int) -> bytes:
        if size not in cache:
            cache[size] = render_png(svg, size)
        return cache[size]

    for size in PNG_SIZES:
        (out / f"desktop-sync-{size}.png").write_bytes(png(size))
    (out / "desktop-sync.ico").write_bytes(ico_bytes({s: png(s) for s in ICO_SIZES}))
    for name, size in ICONSET.items():
        (out / "desktop-sync.iconset" / name).write_bytes(png(size))
    del app
    print(f"Icons written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
