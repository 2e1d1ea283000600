"""Draw Dispo's icon and write it as resources/dispo.png and resources/dispo.ico.

Run by hand when the icon changes (the files are committed):

    QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/make_icon.py

The .ico holds PNG images of 16, 24, 32, 48, 64 and 256 pixels (Windows Vista and later
read PNG inside .ico), so no imaging library is needed to make it.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter, QPainterPath

ROOT = Path(__file__).resolve().parent.parent
SIZES = (16, 24, 32, 48, 64, 256)


def draw(size: int) -> QImage:
    """A blue rounded square with three rising bars and a level line: budget follow-up."""
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = size / 256
    tile = QPainterPath()
    tile.addRoundedRect(QRectF(8 * s, 8 * s, 240 * s, 240 * s), 44 * s, 44 * s)
    p.fillPath(tile, QColor("#1f5f99"))
    for i, height in enumerate((84, 128, 172)):
        x = (52 + i * 56) * s
        p.fillRect(QRectF(x, (208 - height) * s, 40 * s, height * s), QColor("#ffffff"))
    p.fillRect(QRectF(40 * s, 208 * s, 176 * s, max(1.0, 10 * s)), QColor("#f2b134"))
    p.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data)


def ico_bytes(pngs: list[tuple[int, bytes]]) -> bytes:
    """An .ico file of PNG entries (ICONDIR, one ICONDIRENTRY each, then the images)."""
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = 6 + 16 * len(pngs)
    entries, images = b"", b""
    for size, data in pngs:
        side = 0 if size >= 256 else size  # 0 means 256 in an ICONDIRENTRY
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset + len(images))
        images += data
    return header + entries + images


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 (fonts, painting)
    pngs = [(size, png_bytes(draw(size))) for size in SIZES]
    (ROOT / "resources" / "dispo.png").write_bytes(pngs[-1][1])
    (ROOT / "resources" / "dispo.ico").write_bytes(ico_bytes(pngs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
