"""The PDF writer is handed to core's CLI by main.py, so core never imports Qt."""

from core.cli import run


def test_core_cli_without_a_pdf_writer_refuses_pdf_with_a_danish_message(small_db, db_path, tmp_path, capsys):
    out = tmp_path / "k.pdf"
    status = run(["--db", str(db_path), "report", "quarterly", "--year", "2026", "--month", "3", "--out", str(out)])
    assert status == 1
    assert "PDF kan ikke dannes her" in capsys.readouterr().err
    assert not out.exists()


def test_core_cli_calls_the_pdf_writer_it_is_handed(small_db, db_path, tmp_path):
    written = []

    def writer(report, path, *, mask_cpr=False):
        written.append((report.title, path.name, mask_cpr))
        path.write_bytes(b"%PDF-")

    status = run(["--db", str(db_path), "report", "quarterly", "--year", "2026", "--month", "3",
                  "--out", str(tmp_path / "k.pdf"), "--mask-cpr"], pdf_writer=writer)
    assert status == 0
    assert written == [("Kvartalsoversigt 2026", "k.pdf", True)]
