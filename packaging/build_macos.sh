#!/usr/bin/env bash
# Builds the macOS app: "dist/Desktop Sync.app" and dist/desktop-sync-<version>-macos-<arch>.zip.
# Needs Python 3.11+ from python.org or Homebrew, and Xcode's command line tools (iconutil).
# Usage: packaging/build_macos.sh   (PYTHON=python3.11 to choose the interpreter for a new .venv)
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

echo "== the app icon =="
mkdir -p build/icons
iconutil -c icns resources/icons/desktop-sync.iconset -o build/icons/desktop-sync.icns

echo "== building Desktop Sync $version for macOS $arch =="
rm -rf "dist/Desktop Sync.app" dist/desktop-sync build/pyinstaller
"$venv/bin/pyinstaller" --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller packaging/desktop-sync.spec

echo "== packing the .zip =="
archive="dist/desktop-sync-$version-macos-$arch.zip"
rm -f "$archive"
# ditto keeps the bundle's symlinks and extended attributes, which zip(1) would break.
ditto -c -k --sequesterRsrc --keepParent "dist/Desktop Sync.app" "$archive"

echo "== checking the app starts =="
"dist/Desktop Sync.app/Contents/MacOS/desktop-sync" --version
echo "Built \"dist/Desktop Sync.app\" and $archive"
