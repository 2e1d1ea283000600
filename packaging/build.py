#!/usr/bin/env python3
"""Build Dispo as a one-folder app with PyInstaller, on Windows or Linux.

    python packaging/build.py                 # -> dist/Dispo/ (Dispo[.exe], dispo-cli[.exe], _internal/)
    python packaging/build.py --dist D --work W

Run it with the Python that has Dispo and the ``build`` extra installed
(``pip install .[build]``; from a checkout ``.venv/bin/python -m pip install -e .[build]``).
PyInstaller builds for the system it runs on: build the Windows app on Windows.
On Windows the folder also gets ``installer.ps1`` and ``installer.cmd``, which copy it to
``%LOCALAPPDATA%\\Programs\\Dispo`` and add a Start-menu shortcut, without admin rights; on
Linux ``install.sh``, which copies it to ``~/.local/opt/Dispo``, links ``~/.local/bin/dispo``
and adds Dispo with its icon to the desktop's program menu.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
NAME = "Dispo"


def programs(folder: Path) -> tuple[Path, Path]:
    """The window program and the command-line program in a built folder."""
    suffix = ".exe" if sys.platform == "win32" else ""
    return folder / f"{NAME}{suffix}", folder / f"dispo-cli{suffix}"


def build(dist: Path, work: Path, quiet: bool = False) -> Path:
    """Run PyInstaller on dispo.spec; returns the built folder ``dist/Dispo``."""
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean",
               "--distpath", str(dist), "--workpath", str(work), str(HERE / "dispo.spec")]
    if quiet:
        command[4:4] = ["--log-level", "WARN"]
    subprocess.run(command, cwd=ROOT, check=True)
    folder = dist / NAME
    installers = HERE / ("windows" if sys.platform == "win32" else "linux")
    for script in installers.iterdir():  # the per-user installer beside the programs
        shutil.copy2(script, folder / script.name)
    for program in programs(folder):
        if not program.exists():
            raise SystemExit(f"Bygningen mangler {program}")
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Byg Dispo som én mappe med PyInstaller.")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="hvor mappen Dispo lægges (standard: dist)")
    parser.add_argument("--work", type=Path, default=ROOT / "build", help="PyInstallers arbejdsmappe (standard: build)")
    parser.add_argument("--quiet", action="store_true", help="kun advarsler og fejl fra PyInstaller")
    args = parser.parse_args(argv)
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        print("PyInstaller mangler: installér byggeværktøjerne med  pip install .[build]", file=sys.stderr)
        return 1
    folder = build(args.dist.resolve(), args.work.resolve(), args.quiet)
    print(f"Dispo er bygget i {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
