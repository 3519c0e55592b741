#!/usr/bin/env sh
# Adds Desktop Sync to this user's application menu, pointing at this unpacked folder.
# Run it again after moving the folder; remove with: ./install-menu-entry.sh --remove
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
entry="$data/applications/desktop-sync.desktop"

if [ "${1:-}" = "--remove" ]; then
  rm -f "$entry"
  find "$data/icons/hicolor" -name 'desktop-sync.*' -path '*/apps/*' -delete 2>/dev/null || true
  echo "Desktop Sync was removed from the application menu."
  exit 0
fi

mkdir -p "$data/applications"
cp -R "$here/share/icons" "$data/"
# The Exec path is quoted as the desktop-entry spec asks, so a folder with spaces works.
sed "s|^Exec=.*|Exec=\"$here/desktop-sync\"|" "$here/desktop-sync.desktop" > "$entry"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database "$data/applications" || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$data/icons/hicolor" || true
echo "Desktop Sync is in your application menu (entry: $entry)."
