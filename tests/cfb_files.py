"""A tiny writer of OLE2 compound files (CFB, the container of .xls and of encrypted Office files).

Enough for test files the readers must survive: a container with named streams (an encrypted
xlsx is one with ``EncryptionInfo`` and ``EncryptedPackage``), a BIFF8 workbook stream, and a
stream whose sector chain loops back on itself (what made a reader library allocate 8 GB).
Version 3 layout: 512-byte sectors; every stream is padded to 4096 bytes so that it lives in
ordinary sectors (no mini stream).
"""

from __future__ import annotations

import struct
from pathlib import Path

SECTOR = 512
FREE, END, FATSECT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
NOSTREAM = 0xFFFFFFFF


def _entry(name: str, kind: int, start: int, size: int, right: int = NOSTREAM, child: int = NOSTREAM) -> bytes:
    raw = name.encode("utf-16-le") + b"\x00\x00"
    return (raw.ljust(64, b"\x00") + struct.pack("<HBB", len(raw), kind, 1)
            + struct.pack("<III", NOSTREAM, right, child) + b"\x00" * 16 + struct.pack("<I", 0)
            + b"\x00" * 16 + struct.pack("<IQ", start, size))


def write_cfb(path: Path, streams: dict[str, bytes], *, loop_stream: str | None = None) -> Path:
    """A compound file holding ``streams``; ``loop_stream``'s last sector points back at its first."""
    sectors: list[bytes] = []
    fat: list[int] = []
    placed = []
    next_sector = 2  # 0 = FAT, 1 = directory
    for name, data in streams.items():
        data = data.ljust(max(4096, -(-len(data) // SECTOR) * SECTOR), b"\x00")
        n = len(data) // SECTOR
        placed.append((name, next_sector, len(data)))
        for i in range(n):
            sectors.append(data[i * SECTOR:(i + 1) * SECTOR])
            last = i == n - 1
            fat.append((next_sector if name == loop_stream else END) if last else next_sector + i + 1)
        next_sector += n
    fat = [FATSECT, END] + fat
    if len(fat) > SECTOR // 4:
        raise ValueError("test streams too large for one FAT sector")
    fat_sector = struct.pack(f"<{SECTOR // 4}I", *(fat + [FREE] * (SECTOR // 4 - len(fat))))
    entries = [_entry("Root Entry", 5, END, 0, child=1 if placed else NOSTREAM)]
    for i, (name, start, size) in enumerate(placed, start=1):
        entries.append(_entry(name, 2, start, size, right=i + 1 if i < len(placed) else NOSTREAM))
    if len(entries) > 4:
        raise ValueError("at most three streams")
    directory = b"".join(entries).ljust(SECTOR, b"\x00")
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\x00" * 6
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, END, 0, END, 0)
              + struct.pack("<I", 0) + struct.pack("<108I", *[FREE] * 108))
    assert len(header) == SECTOR
    path.write_bytes(header + fat_sector + directory + b"".join(sectors))
    return path


def _record(kind: int, body: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(body)) + body


def biff8_workbook(*, password: bool = False) -> bytes:
    """A BIFF8 workbook stream: one sheet 'Ark1' with a text and a number, or (``password``) a
    workbook whose globals start with a FILEPASS record, as Excel writes a password-protected file."""
    bof_globals = _record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0))
    globals_ = bof_globals
    if password:
        # FILEPASS, RC4 encryption header (version 1.1, salt and verifier are arbitrary)
        globals_ += _record(0x002F, struct.pack("<HHH", 1, 1, 1) + b"\x11" * 48)
    globals_ += _record(0x0042, struct.pack("<H", 1200))  # CODEPAGE: UTF-16
    sheet_name = "Ark1".encode("latin-1")
    boundsheet_at = len(globals_)
    boundsheet = _record(0x0085, struct.pack("<IBBBB", 0, 0, 0, len(sheet_name), 0) + sheet_name)
    globals_ += boundsheet + _record(0x000A)  # EOF
    sheet = (_record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0x0DBB, 0x07CC, 0, 0))
             + _record(0x0200, struct.pack("<IIHHH", 0, 1, 0, 2, 0))  # DIMENSIONS
             + _record(0x0204, struct.pack("<HHHHB", 0, 0, 15, 4, 0) + b"Navn")  # LABEL A1
             + _record(0x0203, struct.pack("<HHHd", 0, 1, 15, 42.0))  # NUMBER B1
             + _record(0x000A))
    sheet_offset = len(globals_)
    globals_ = (globals_[:boundsheet_at + 4] + struct.pack("<I", sheet_offset)
                + globals_[boundsheet_at + 8:])
    return globals_ + sheet


def write_xls(path: Path, *, password: bool = False, loop: bool = False) -> Path:
    """A one-sheet .xls (BIFF8 in a compound file); ``loop`` makes the Workbook stream's chain loop."""
    return write_cfb(path, {"Workbook": biff8_workbook(password=password)},
                     loop_stream="Workbook" if loop else None)


def write_encrypted_ooxml(path: Path) -> Path:
    """What Excel writes for an xlsx saved with a password: a compound file with the encryption
    header and the encrypted zip package (its content here is arbitrary)."""
    info = struct.pack("<HHI", 4, 4, 0x40) + b"<?xml version=\"1.0\"?><encryption/>"
    return write_cfb(path, {"EncryptionInfo": info, "EncryptedPackage": struct.pack("<Q", 3000) + b"\x5a" * 3000})
