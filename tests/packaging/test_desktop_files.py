"""The files that make the bundle a desktop app: menu entry, AppStream data, macOS Info.plist,
Windows version resource, and the icons in every size each platform asks for."""

from __future__ import annotations

import plistlib
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from desktop_sync import APP_DISPLAY_NAME, __version__

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
ICONS = ROOT / "resources" / "icons"
APP_ID = "io.github.desktopsync.DesktopSync"


def _desktop_keys(path: Path) -> dict[str, str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "[Desktop Entry]"
    return dict(line.split("=", 1) for line in lines[1:] if "=" in line)


def test_menu_entry_starts_the_app_with_its_icon() -> None:
    keys = _desktop_keys(PACKAGING / "linux" / "desktop-sync.desktop")
    assert keys["Name"] == APP_DISPLAY_NAME
    assert keys["Exec"] == "desktop-sync"
    # Matches QApplication.setDesktopFileName("desktop-sync"), so Wayland finds the icon.
    assert keys["Icon"] == keys["StartupWMClass"] == "desktop-sync"
    assert keys["Terminal"] == "false"


@pytest.mark.skipif(not shutil.which("desktop-file-validate"), reason="desktop-file-utils")
def test_menu_entry_is_valid() -> None:
    result = subprocess.run(
        ["desktop-file-validate", str(PACKAGING / "linux" / "desktop-sync.desktop")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout


def test_appstream_data_names_the_menu_entry_and_this_version() -> None:
    path = PACKAGING / "linux" / f"{APP_ID}.metainfo.xml"
    root = ET.parse(path).getroot()
    assert root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.findtext("launchable") == "desktop-sync.desktop"
    assert root.findtext("name") == APP_DISPLAY_NAME
    releases = root.find("releases")
    assert releases is not None
    assert releases[0].get("version") == __version__


@pytest.mark.skipif(not shutil.which("appstreamcli"), reason="appstream")
def test_appstream_data_is_valid() -> None:
    path = PACKAGING / "linux" / f"{APP_ID}.metainfo.xml"
    result = subprocess.run(
        ["appstreamcli", "validate", "--no-net", str(path)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout


def test_macos_app_has_no_dock_icon() -> None:
    info = plistlib.loads((PACKAGING / "macos" / "Info.plist").read_bytes())
    assert info["LSUIElement"] is True
    assert info["CFBundleExecutable"] == "desktop-sync"


def _windows_version_text() -> str:
    text = (PACKAGING / "windows" / "version_info.txt").read_text(encoding="utf-8")
    # What packaging/desktop-sync.spec does with it.
    return text.replace("@VERSION_TUPLE@", "0, 1, 0, 0").replace("@VERSION@", __version__)


def test_windows_version_resource_is_one_vsversioninfo_expression() -> None:
    import ast

    lines = [line for line in _windows_version_text().splitlines() if not line.startswith("#")]
    tree = ast.parse("\n".join(lines), mode="eval")
    assert isinstance(tree.body, ast.Call)
    assert isinstance(tree.body.func, ast.Name) and tree.body.func.id == "VSVersionInfo"
    strings = {
        node.args[0].value: node.args[1].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "StringStruct"
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[1], ast.Constant)
    }
    assert strings["ProductVersion"] == strings["FileVersion"] == __version__
    assert strings["OriginalFilename"] == "desktop-sync.exe"


def test_windows_version_resource_reads_as_pyinstaller_reads_it(tmp_path: Path) -> None:
    # PyInstaller's reader needs pefile, which it installs on Windows only.
    versioninfo = pytest.importorskip("PyInstaller.utils.win32.versioninfo")
    target = tmp_path / "version_info.txt"
    target.write_text(_windows_version_text(), encoding="utf-8")
    info = versioninfo.load_version_info_from_text_file(str(target))
    assert info.ffi.fileVersionMS == (0 << 16) | 1


def test_launcher_and_spec_are_where_the_build_scripts_look() -> None:
    spec = (PACKAGING / "desktop-sync.spec").read_text(encoding="utf-8")
    assert "launcher.py" in spec and "LSUIElement" not in spec  # the plist fragment says it
    for script in ("build_linux.sh", "build_macos.sh", "build_windows.ps1"):
        assert "desktop-sync.spec" in (PACKAGING / script).read_text(encoding="utf-8"), script


# -- icons --------------------------------------------------------------------------------


def _image_size(data: bytes) -> tuple[int, int]:
    from PySide6.QtGui import QImage

    image = QImage.fromData(data)
    assert not image.isNull()
    return image.width(), image.height()


def test_linux_icons_in_every_hicolor_size(qapp: object) -> None:
    for size in (16, 22, 24, 32, 48, 64, 128, 256, 512):
        data = (ICONS / f"desktop-sync-{size}.png").read_bytes()
        assert _image_size(data) == (size, size)


def test_windows_ico_holds_each_size_as_png() -> None:
    import struct

    data = (ICONS / "desktop-sync.ico").read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind) == (0, 1)
    sizes = []
    for index in range(count):
        width, _h, _c, _r, _p, _b, length, offset = struct.unpack_from(
            "<BBBBHHII", data, 6 + 16 * index
        )
        image = data[offset : offset + length]
        assert image.startswith(b"\x89PNG")
        sizes.append(width or 256)
    assert sizes == [16, 24, 32, 48, 64, 128, 256]


def test_macos_iconset_has_the_names_iconutil_wants(qapp: object) -> None:
    iconset = ICONS / "desktop-sync.iconset"
    for base in (16, 32, 128, 256, 512):
        one = (iconset / f"icon_{base}x{base}.png").read_bytes()
        two = (iconset / f"icon_{base}x{base}@2x.png").read_bytes()
        assert _image_size(one) == (base, base)
        assert _image_size(two) == (2 * base, 2 * base)


def test_make_icons_renders_the_svg_into_every_file(tmp_path: Path) -> None:
    import sys

    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_icons.py"), "--out", str(tmp_path)],
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    made = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.*"))
    committed = sorted(p.relative_to(ICONS).as_posix() for p in ICONS.rglob("*.*"))
    assert made == committed
