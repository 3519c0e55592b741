#!/usr/bin/env bash
# Builds the Linux app: dist/desktop-sync/ (one folder: run dist/desktop-sync/desktop-sync) and
# dist/desktop-sync-<version>-linux-<arch>.tar.gz with the menu entry and icons beside it.
# Usage: packaging/build_linux.sh   (PYTHON=python3.11 to choose the interpreter for a new .venv)
set -euo pipefail
cd "$(dirname "$0")/.."

venv=${VENV:-.venv}
if [ ! -x "$venv/bin/python" ]; then
  "${PYTHON:-python3}" -m venv "$venv"
fi
echo "== installing the app and PyInstaller into $venv =="
mkdir -p build
# Quiet unless it fails: the build backend's warnings are not news.
if ! "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e '.[packaging]' \
  >build/pip-install.log 2>&1; then
  cat build/pip-install.log
  exit 1
fi

version=$("$venv/bin/python" -c 'import desktop_sync; print(desktop_sync.__version__)')
arch=$(uname -m)
echo "== building desktop-sync $version for Linux $arch =="
rm -rf dist/desktop-sync build/pyinstaller
"$venv/bin/pyinstaller" --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller packaging/desktop-sync.spec

echo "== packing the .tar.gz =="
name="desktop-sync-$version"
stage="build/linux-stage/$name"
rm -rf build/linux-stage
mkdir -p "$stage"
cp -a dist/desktop-sync/. "$stage/"
cp packaging/linux/desktop-sync.desktop "$stage/"
cp resources/icons/desktop-sync-256.png "$stage/desktop-sync.png"
for size in 16 22 24 32 48 64 128 256 512; do
  install -D -m 644 "resources/icons/desktop-sync-$size.png" \
    "$stage/share/icons/hicolor/${size}x${size}/apps/desktop-sync.png"
done
install -D -m 644 resources/app-icon.svg "$stage/share/icons/hicolor/scalable/apps/desktop-sync.svg"
install -D -m 644 packaging/linux/io.github.desktopsync.DesktopSync.metainfo.xml \
  "$stage/share/metainfo/io.github.desktopsync.DesktopSync.metainfo.xml"
install -m 755 packaging/linux/install-menu-entry.sh "$stage/"
tarball="dist/$name-linux-$arch.tar.gz"
tar -C build/linux-stage -czf "$tarball" "$name"

echo "== checking the bundle starts =="
dist/desktop-sync/desktop-sync --version
echo "Built dist/desktop-sync/ and $tarball"
