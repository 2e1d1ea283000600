"""The printed report: PDF pages with header, figures, chart caption and "Side X af Y"."""

import datetime as dt
import re
from decimal import Decimal

import pytest

from core.reports import Column, Report, ReportTable, TOTAL
from core.reports.quarterly import build_quarterly
from core.reports.xlsx_writer import ReportWriteError
from gui.reports.pdf_report import write_pdf
from tests.conftest import run_cli
from tests.reports.pdf_text import pdf_text


def test_quarterly_pdf_shows_the_hand_computed_totals(qapp, small_db, tmp_path):
    path = write_pdf(build_quarterly(small_db, 2026, dt.date(2026, 10, 31)), tmp_path / "k.pdf")
    text = pdf_text(path)
    assert "Kvartalsoversigt 2026" in text and "Testby Kommune" in text and "Pr. 31-10-2026" in text
    total_line = next(line for line in text.splitlines() if line.strip().startswith("I alt"))
    # March, June, September totals and the yearly cost per person, worked out by hand
    for figure in ("139.500,00", "181.500,00", "245.500,00", "566.500,00", "283.250,00"):
        assert figure in total_line
    assert re.search(r"Side 1 af 1\b", text)


def long_report(rows: int) -> Report:
    table = ReportTable("Borgere", (Column("cpr", "CPR-nr.", "cpr"), Column("name", "Navn"),
                                    Column("amount", "Beløb", "amount", total="sum")))
    for i in range(rows):
        table.add([f"0101{80 + i % 20:02d}-{1000 + i}", f"Borger {i}", Decimal(i)])
    table.add(["I alt", "", Decimal(sum(range(rows)))], TOTAL)
    return Report("Udtræk", 2026, dt.date(2026, 10, 31), "Testby Kommune", [table], status="Ikke godkendt")


def test_many_rows_give_numbered_pages_and_masked_cpr(qapp, tmp_path):
    path = write_pdf(long_report(150), tmp_path / "lang.pdf", mask_cpr=True)
    text = pdf_text(path)
    pages = text.split("\f")
    numbered = [p for p in pages if "Side" in p]
    total = len(numbered)
    assert total >= 2
    for i, page in enumerate(numbered, 1):
        assert f"Side {i} af {total}" in page and "Testby Kommune" in page and "Ikke godkendt" in page
    assert "Borgere (fortsat)" in text
    assert "010180-xxxx" in text and not re.search(r"\d{6}-\d{4}", text)
    assert "11.175,00" in text  # 0 + 1 + ... + 149


def test_unwritable_pdf_path_is_a_danish_error(qapp, tmp_path):
    with pytest.raises(ReportWriteError, match="findes ikke"):
        write_pdf(long_report(1), tmp_path / "mangler" / "x.pdf")


def test_cli_writes_a_pdf(small_db, db_path, tmp_path):
    out = tmp_path / "kvartal.pdf"
    r = run_cli("report", "quarterly", "--year", "2026", "--as-of", "30-06-2026", "--out", out, db=db_path)
    assert r.returncode == 0, r.stderr
    text = pdf_text(out)
    assert "Kvartalsoversigt 2026" in text and "Pr. 30-06-2026" in text
    assert "90.000,00" in text  # § 108 in the first quarter: 90 days at 1.000 kr.


def test_the_printed_chart_has_round_steps(qapp, tmp_path):
    # expected outturn reaching 98,3 mio. kr.: the axis goes 0, 25, 50, 75, 100 (not 0, 27,0, 54,1 … 108,2)
    months = [Decimal(8_194_024) * m for m in range(1, 13)]
    report = long_report(1)
    report.chart = {"expected": [str(v) for v in months], "budget": [str(v - 100_000) for v in months],
                    "booked": [str(v - 1_000_000) for v in months[:10]]}
    text = pdf_text(write_pdf(report, tmp_path / "graf.pdf"))
    labels = re.findall(r"^\s*(\d+)\s*$", text, re.MULTILINE)
    assert labels[:5] == ["100", "75", "50", "25", "0"]
