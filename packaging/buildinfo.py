"""What the PyInstaller spec needs besides the code: the Windows version resource and the
modules left out of the build.
"""

from __future__ import annotations

import sys

# Not used by Dispo but found by PyInstaller's analysis through optional imports.
EXCLUDES = [
    "tkinter", "pytest", "_pytest", "pytestqt", "hypothesis", "IPython", "numpy", "pandas",
    "PySide6.QtWebEngineCore", "PySide6.QtWebEngineWidgets", "PySide6.Qt3DCore", "PySide6.QtQuick",
    "PySide6.QtQml", "PySide6.QtMultimedia", "PySide6.QtBluetooth", "PySide6.QtPositioning",
]

# Qt parts that PyInstaller's hooks bring along but Dispo never uses (QML/Quick come in
# only through the virtual-keyboard input plugin, Qt PDF only through the PDF image-format
# plugin), and Qt's translations but the Danish. A plugin goes together with its library.
_UNUSED_QT = ("Qt6Qml", "Qt6Quick", "Qt6VirtualKeyboard", "qtvirtualkeyboard", "Qt6Pdf", "qpdf")


def wanted(dest: str) -> bool:
    """Whether a file PyInstaller collected (its path inside the build) belongs in the app."""
    path = dest.replace("\\", "/")
    name = path.rsplit("/", 1)[-1]
    if "/translations/" in path and name.endswith(".qm"):
        return name.endswith("_da.qm")
    return not any(part in name for part in _UNUSED_QT)


def trim(toc: list) -> list:
    """``toc`` (PyInstaller's list of (dest, source, kind)) without the unwanted files."""
    return [entry for entry in toc if wanted(entry[0])]


COMPANY = "Dispo"
DESCRIPTION = "Dispo – budgetopfølgning på det specialiserede voksenområde"
DANISH_UNICODE = "040604B0"  # language 0x0406 (Danish), code page 1200 (Unicode)


def version_tuple(version: str) -> tuple[int, int, int, int]:
    """``0.1.0`` as the four numbers a Windows version resource holds: (0, 1, 0, 0)."""
    numbers = [int(part) for part in version.split(".")[:4] if part.isdigit()]
    return tuple((numbers + [0, 0, 0, 0])[:4])


def version_info(version: str, program: str):
    """The VERSIONINFO resource of ``program``.exe; None off Windows, where executables have none."""
    if sys.platform != "win32":
        return None  # (PyInstaller's version-resource module needs pefile, a Windows-only dependency)
    from PyInstaller.utils.win32.versioninfo import (FixedFileInfo, StringFileInfo, StringStruct,
                                                     StringTable, VarFileInfo, VarStruct, VSVersionInfo)

    numbers = version_tuple(version)
    return VSVersionInfo(
        ffi=FixedFileInfo(filevers=numbers, prodvers=numbers, mask=0x3F, flags=0x0, OS=0x40004,
                          fileType=0x1, subtype=0x0, date=(0, 0)),
        kids=[
            StringFileInfo([StringTable(DANISH_UNICODE, [
                StringStruct("CompanyName", COMPANY),
                StringStruct("FileDescription", DESCRIPTION),
                StringStruct("FileVersion", version),
                StringStruct("InternalName", program),
                StringStruct("OriginalFilename", f"{program}.exe"),
                StringStruct("ProductName", "Dispo"),
                StringStruct("ProductVersion", version),
                StringStruct("LegalCopyright", "Se Hjælp → Om Dispo for licenser"),
            ])]),
            VarFileInfo([VarStruct("Translation", [0x0406, 1200])]),
        ],
    )
