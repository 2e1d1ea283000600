#!/usr/bin/env python3
"""Set up Dispo's virtual environment and run it, with nothing but python3.

    python3 packaging/bootstrap.py app              # set up and open the demo municipality
    python3 packaging/bootstrap.py app --db FILE    # set up and open your own database FILE
    python3 packaging/bootstrap.py test             # set up with the test and build tools, run the tests

The demo municipality is created the first time only (``demo.sqlite`` in the user's data
folder) and kept between runs, so what you try in it is still there next time; the CLI's
``demo`` command resets it. The environment lives in ``.venv`` next to ``pyproject.toml``
and is reused; it is reinstalled when ``pyproject.toml`` changes.

The bootstrap process becomes Dispo itself (``exec``) on Linux and macOS, so stopping it
stops Dispo; on Windows it waits for Dispo and passes on its exit status.
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


def _digest() -> str:
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()[:16]


def _stamp(extra: str) -> str:
    return f"{_digest()}-{extra}"


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


def _installed(marker: Path, extra: str) -> bool:
    """Whether this pyproject was installed with at least the extras asked for (``test,build``)."""
    if not marker.exists():
        return False
    digest, _, extras = marker.read_text().partition("-")
    wanted = {e for e in extra.split(",") if e}
    return digest == _digest() and wanted <= {e for e in extras.split(",") if e}


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
    if not _installed(marker, extra):
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


def _has_db(args: list[str]) -> bool:
    return any(a == "--db" or a.startswith("--db=") for a in args)


def _demo_db(py: Path) -> Path:
    """The demo municipality's database, created by the CLI's ``demo`` the first time only."""
    where = subprocess.run([str(py), "-c", "from gui.app import demo_db_path; print(demo_db_path())"],
                           cwd=ROOT, check=True, capture_output=True, text=True, env=_quiet_qt())
    path = Path(where.stdout.strip())
    if not path.exists():
        print("Opretter demokommunen 'Eksempel Kommune' ...", flush=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        made = subprocess.run([str(py), str(ROOT / "main.py"), "--db", str(path), "demo"], cwd=ROOT,
                              env=_quiet_qt(), stdout=subprocess.DEVNULL)
        if made.returncode != 0:
            path.unlink(missing_ok=True)  # half a demo must not be kept as "the demo"
            sys.exit(made.returncode)
    return path


def _quiet_qt() -> dict:
    return dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))


def _become(command: list[str], env: dict, cwd: Path | None = None) -> int:
    """Run ``command`` (in ``cwd``) as this process: exec on POSIX, so killing us kills it.

    Windows has no exec that keeps the process; there we wait and pass its status on.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    if cwd is not None:
        os.chdir(cwd)
    if os.name == "posix":
        os.execve(command[0], command, env)  # does not return
    child = subprocess.Popen(command, env=env)
    while True:
        try:
            return child.wait()
        except KeyboardInterrupt:  # Ctrl+C reaches the child too; wait until it has ended
            continue


def main(argv: list[str]) -> int:
    what = argv[0] if argv else "app"
    if what == "app":
        py = ensure_venv("")
        args = argv[1:]
        if not _has_db(args) and "--demo" not in args:
            args = ["--db", str(_demo_db(py)), *args]
        # in the caller's folder, so that `--db kommune.sqlite` is the file she means
        return _become([str(py), str(ROOT / "main.py"), *args], _window_environment())
    if what == "test":
        try:
            py = ensure_venv("test,build")  # PyInstaller too: a test builds the one-folder app
        except subprocess.CalledProcessError:
            print("PyInstaller kunne ikke installeres; testen af den byggede app springes over.", flush=True)
            py = ensure_venv("test")
        env = dict(os.environ)
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
        return _become([str(py), "-m", "pytest", *argv[1:]], env, cwd=ROOT)
    if what == "clean":
        shutil.rmtree(VENV, ignore_errors=True)
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
