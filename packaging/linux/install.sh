#!/bin/sh
# Installerer Dispo for den aktuelle bruger, uden root: programmet i ~/.local/opt/Dispo,
# kommandoen "dispo" i ~/.local/bin og Dispo i programmenuen (med ikon).
#   sh install.sh               installér (eller opdatér) fra mappen, scriptet ligger i
#   sh install.sh --uninstall   fjern programmet, kommandoen og menupunktet (data bevares)
# Dispos data (database, sikkerhedskopier, logfiler) ligger i ~/.local/share/Dispo og røres ikke.
set -eu

source_dir=$(cd "$(dirname "$0")" && pwd -P)
target=${DISPO_INSTALL_DIR:-"$HOME/.local/opt/Dispo"}
bin_dir="$HOME/.local/bin"
apps_dir="${XDG_DATA_HOME:-$HOME/.local/share}/applications"
desktop="$apps_dir/dispo.desktop"

if [ "${1:-}" = "--uninstall" ]; then
    rm -f "$bin_dir/dispo" "$desktop"
    if [ -x "$target/Dispo" ]; then rm -rf "$target"; fi
    echo "Dispo er afinstalleret. Data i ${XDG_DATA_HOME:-$HOME/.local/share}/Dispo er bevaret."
    exit 0
fi

if [ ! -x "$source_dir/Dispo" ]; then
    echo "Dispo findes ikke i $source_dir. Kør scriptet fra den byggede Dispo-mappe." >&2
    exit 1
fi
mkdir -p "$target"
target=$(cd "$target" && pwd -P)
if [ "$source_dir" != "$target" ]; then
    if [ -x "$target/Dispo" ]; then rm -rf "$target" && mkdir -p "$target"; fi  # an earlier version: replaced
    cp -R "$source_dir/." "$target/"
fi

mkdir -p "$bin_dir" "$apps_dir"
ln -sf "$target/Dispo" "$bin_dir/dispo"
cat > "$desktop" <<DESKTOP
[Desktop Entry]
Type=Application
Name=Dispo
GenericName=Budgetopfølgning
Comment=Budgetopfølgning på det specialiserede voksenområde
Exec="$target/Dispo"
Icon=$target/_internal/resources/dispo.png
Terminal=false
Categories=Office;Finance;
DESKTOP

echo "Dispo er installeret i $target"
echo "Dispo ligger i programmenuen, og kommandoen 'dispo' i $bin_dir."
