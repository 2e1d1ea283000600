#!/usr/bin/env python3
"""Set up Dispo's virtual environment and run it, with nothing but python3.

    python3 packaging/bootstrap.py app    # set up, create the demo municipality, open Dispo
    python3 packaging/bootstrap.py test   # set up with the test tools, run the whole test suite

The environment lives in ``.venv`` next to ``pyproject.toml`` and is reused; it is
reinstalled when ``pyproject.toml`` changes.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"


def _python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _stamp(extra: str) -> str:
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()[:16]
    return f"{digest}-{extra}"


def _install_pip_from_wheel(py: Path) -> None:
    """Install pip into a pip-less environment from pip's own wheel (a wheel runs as a zip)."""
    import json
    import tempfile
    import urllib.parse
    import urllib.request

    with urllib.request.urlopen("https://pypi.org/pypi/pip/json", timeout=60) as response:
        release = json.load(response)
        base = response.geturl()
    wheel = next(u for u in release["urls"] if u["filename"].endswith(".whl"))
    url = urllib.parse.urljoin(base, wheel["url"])  # a mirror may answer with relative addresses
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / wheel["filename"]
        with urllib.request.urlopen(url, timeout=300) as response:
            target.write_bytes(response.read())
        subprocess.run([str(py), f"{target}/pip", "install", "--quiet", str(target)], check=True)


def ensure_venv(extra: str) -> Path:
    """Create ``.venv`` and install Dispo into it (editable), once per pyproject change."""
    py = _python()
    marker = VENV / ".dispo-installed"
    if not py.exists():
        print("Opretter virtuelt miljø i .venv ...", flush=True)
        try:
            import ensurepip  # noqa: F401
        except ImportError:
            # Debian and Ubuntu ship python3 without ensurepip (that is python3-venv):
            # make the environment without pip and bring pip in from its wheel on PyPI.
            venv.EnvBuilder(with_pip=False, clear=True).create(VENV)
            _install_pip_from_wheel(py)
        else:
            venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    if not marker.exists() or marker.read_text() != _stamp(extra):
        print("Installerer Dispo og afhængigheder ...", flush=True)
        target = f"{ROOT}[{extra}]" if extra else str(ROOT)
        subprocess.run([str(py), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        "-e", target], check=True)
        marker.write_text(_stamp(extra))
    return py


def _window_environment() -> dict:
    """The environment for opening Dispo's window.

    Qt 6's X11 plugin needs libxcb-cursor0, which a fresh Ubuntu desktop often lacks: use
    the Wayland plugin when the session has Wayland, install the library when we may
    (root with apt-get), and otherwise say exactly what to install.
    """
    env = dict(os.environ)
    if not sys.platform.startswith("linux") or env.get("QT_QPA_PLATFORM"):
        return env
    import ctypes.util

    if ctypes.util.find_library("xcb-cursor"):
        return env
    if env.get("WAYLAND_DISPLAY"):
        env["QT_QPA_PLATFORM"] = "wayland"
        return env
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        print("Installerer systembiblioteket libxcb-cursor0, som Qt skal bruge ...", flush=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "libxcb-cursor0"],
                       check=False)
        if ctypes.util.find_library("xcb-cursor"):
            return env
    sys.exit("Dispos vindue kræver systembiblioteket libxcb-cursor0. Installér det med:\n"
             "    sudo apt-get install libxcb-cursor0\nog kør kommandoen igen.")


def main(argv: list[str]) -> int:
    what = argv[0] if argv else "app"
    if what == "app":
        py = ensure_venv("")
        return subprocess.call([str(py), str(ROOT / "main.py"), "--demo", *argv[1:]], cwd=ROOT,
                               env=_window_environment())
    if what == "test":
        py = ensure_venv("test")
        env = dict(os.environ)
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
        return subprocess.call([str(py), "-m", "pytest", *argv[1:]], cwd=ROOT, env=env)
    if what == "clean":
        shutil.rmtree(VENV, ignore_errors=True)
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
