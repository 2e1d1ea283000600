"""Text of a PDF via poppler's ``pdftotext`` (tests skip with the reason when it is missing)."""

import shutil
import subprocess
from pathlib import Path

import pytest


def pdf_text(path: Path) -> str:
    tool = shutil.which("pdftotext")
    if not tool:
        pytest.skip("pdftotext (poppler-utils) is not installed; PDF text cannot be extracted")
    result = subprocess.run([tool, "-layout", str(path), "-"], capture_output=True, text=True, check=True)
    return result.stdout
