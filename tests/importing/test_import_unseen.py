"""The import on layouts unlike the samples: other finance systems, case systems and budget sheets.

Each file is modelled on a plausible real source (a KMD Opus / SAP-style extract with
Debet/Kredit or S/H columns, a Prisme-style CSV with packed accounts, a case system's
grants list, budgets with one column per month) and differs from the sample sheets in
its header words, its title and sum rows, its encodings and its value spellings.
Expected values are worked out by hand from the rows written here.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from decimal import Decimal

import pytest

from core.errors import DispoError
from core.register.grants import list_grants
from core.importing import parsers as p
from core.importing.batches import import_file, prepare
from core.importing.table import is_total_row
from core.store.storage import query
from tests.conftest import run_cli
from tests.import_files import write_csv, write_ods, write_xlsx
from tests.importing.test_import_samples import assert_matches_facit, content

D = dt.date


def postings(db) -> list[tuple]:
    return [tuple(r.values()) for r in query(db, "SELECT date, account, grouping, art, amount_ore, cpr, text, voucher "
                                                 "FROM postings ORDER BY id")]


# ---------------------------------------------------------------- finance extracts

def test_opus_style_extract_with_debit_and_credit_columns(db, tmp_path):
    rows = [["KMD Opus Økonomi - Posteringsudtræk"], ["Periode: 01.01.2026 - 31.03.2026", "", "Udskrevet 02-04-2026"],
            [],
            ["Bogføringsdato", "Bilagsnummer", "Funktion", "Artskonto", "Omkostningssted", "Debet", "Kredit",
             "CPR nr.", "Tekst"],
            [D(2026, 1, 5), "500001", "5.38.50", "4.0", "Botilbud", 45200.00, None, "0101901234", "Ophold jan"],
            [D(2026, 1, 5), "500002", "5.38.50", "4.0", "Botilbud", None, 1200.50, "010190 1234", "Kreditnota"],
            ["05-02-2026", "500003", "5.32.33", "4.0 Køb af tjenesteydelser", "Bostøtte", "12.345,67", "", "  ",
             "Bostøtte feb"],
            ["Sum", "", "", "", "", 57545.67, 1200.50, "", ""],
            [],
            [46086, "500004", "5.38.52", "48", "Midlertidig", "9.000,-", "", 101901234, "Mellemkommunal"],
            ["I alt", "", "", "", "", 66545.67, 1200.5]]
    res = import_file(db, write_xlsx(tmp_path / "opus.xlsx", {"Udtræk": rows}))
    assert res["kind"] == "postings" and res["rejected"] == []
    assert res["mapping"] == {"date": "Bogføringsdato", "voucher": "Bilagsnummer", "account": "Funktion",
                              "art": "Artskonto", "debit": "Debet", "credit": "Kredit", "cpr": "CPR nr.",
                              "text": "Tekst"}
    assert (res["rows_read"], res["imported"]) == (4, 4)
    assert [w["row"] for w in res["warnings"] if "Sum-rækken" in w["warning"]] == [8, 11]
    # credit = minus; the CPR as text without dash, with a space, and as a number without its leading zero;
    # 46086 is 5 March 2026 as an Excel serial; '9.000,-' is whole kroner
    assert postings(db) == [
        ("2026-01-05", "5.38.50", "", "4.0", 4520000, "010190-1234", "Ophold jan", "500001"),
        ("2026-01-05", "5.38.50", "", "4.0", -120050, "010190-1234", "Kreditnota", "500002"),
        ("2026-02-05", "5.32.33", "", "4.0", 1234567, None, "Bostøtte feb", "500003"),
        ("2026-03-05", "5.38.52", "", "4.8", 900000, "010190-1234", "Mellemkommunal", "500004"),
    ]


def test_sap_style_signed_amounts_with_s_h_marker_are_not_turned_twice(db, tmp_path):
    rows = [["Bilagsdato", "Posteringsdato", "Finanskonto", "PSP-element", "Beløb i regnskabsvaluta", "D/K-kode",
             "Cpr-nummer", "Tekst", "Bilagsnummer"],
            ["02.01.2026", "05.01.2026", "5.38.50.002", "XG-123", "1.234,50", "S", "0101901234", "Ophold", "19001"],
            ["02.01.2026", "05.01.2026", "5.38.50.002", "XG-123", "234,50-", "H", "0101901234", "Kredit", "19002"],
            ["02.01.2026", "06.01.2026", "5.38.50.002", "XG-123", "100,00", "H", "", "Kredit uden fortegn", "19003"]]
    res = import_file(db, write_xlsx(tmp_path / "sap.xlsx", {"Export": rows}))
    assert res["mapping"]["date"] == "Posteringsdato" and res["mapping"]["sign"] == "D/K-kode"
    assert res["mapping"]["amount"] == "Beløb i regnskabsvaluta"
    assert [(r[0], r[2], r[4]) for r in postings(db)] == [("2026-01-05", "002", 123450), ("2026-01-05", "002", -23450),
                                                         ("2026-01-06", "002", -10000)]


def test_prisme_style_csv_with_packed_accounts_asks_about_ambiguous_ones(tmp_path):
    db = tmp_path / "d.sqlite"
    rows = [["Posteringsdato", "Konto", "Beløb DKK", "Personnummer", "Tekst", "Bilag"],
            ["01-03-26", "5385000240", "-1.234,50", "010190–1234", "Regulering", "A1"],
            ["02-03-26", "53850", "2.345,00", "", "Faktura", "A2"],
            ["03-03-26", "538500014001", "100,00", "", "Faktura", "A3"],
            ["Total", "", "1.210,50", "", "", ""]]
    path = write_csv(tmp_path / "prisme.csv", rows, encoding="cp1252")
    r = run_cli("import", path, "--json", db=db)
    assert r.returncode == 0, r.stderr
    res = json.loads(r.stdout)
    assert (res["kind"], res["rows_read"], res["imported"]) == ("postings", 3, 2)
    assert (res["mapping"]["account"], res["mapping"]["amount"], res["mapping"]["cpr"]) == \
        ("Konto", "Beløb DKK", "Personnummer")
    [rejected] = res["rejected"]
    assert (rejected["row"], rejected["column"], rejected["value"]) == (4, "Konto", "538500014001")
    assert "flere måder" in rejected["reason"] and "5.38.50" in rejected["reason"]
    got = json.loads(run_cli("postings", "--json", db=db).stdout)
    # 10 packed digits = account 5.38.50, grouping 002, art 4.0; 5 digits = the account alone
    assert [(g["date"], g["account"], g["art"], g["amount"], g["cpr"]) for g in got] == [
        ("2026-03-01", "5.38.50", "4.0", -1234.5, "010190-1234"), ("2026-03-02", "5.38.50", "", 2345.0, None)]


def test_utf8_bom_csv_with_commas_and_quoted_danish_amounts(tmp_path):
    db = tmp_path / "d.sqlite"
    rows = [["Bogført", "Kontostreng", "Art", "Beløb", "CPR-nummer", "Posteringstekst"],
            ["2026-01-31", "5.38.50.002", "4.0", "1.234,50", "0101901234", "jan"],
            ["2026-02-28", "5.38.50.002", "4.0", "12.000,00", "0101901234", "feb"],
            ["2026-02-28", "5.38.50.002", "7.8", "-500,25", "", "refusion"]]
    path = write_csv(tmp_path / "udtraek.csv", rows, delimiter=",", encoding="utf-8-sig")
    assert b'"1.234,50"' in path.read_bytes()  # the csv writer quoted the amounts with a comma
    res = json.loads(run_cli("import", path, "--json", db=db).stdout)
    assert (res["imported"], res["rejected"]) == (3, [])
    assert res["mapping"]["date"] == "Bogført" and res["mapping"]["account"] == "Kontostreng"
    got = json.loads(run_cli("postings", "--json", db=db).stdout)
    assert [g["amount"] for g in got] == [1234.5, 12000.0, -500.25]
    assert {g["account"] for g in got} == {"5.38.50"}


def test_cpr_written_in_the_posting_text_when_there_is_no_cpr_column(db, tmp_path):
    rows = [["Bogføringsdato", "Funktion", "Beløb", "Posteringstekst"],
            ["05-01-2026", "5.38.50", "1.000,00", "010190-1234 Anna Hansen ophold jan"],
            ["05-01-2026", "5.38.50", "500,00", "Faktura 1234567890"],             # no dash: a number, not a CPR
            ["05-01-2026", "5.38.50", "500,00", "010190-1234/020291-1234 fælles"]]  # two persons: whose?
    res = import_file(db, write_xlsx(tmp_path / "poster.xlsx", {"Ark1": rows}))
    assert "cpr" not in res["mapping"] and res["imported"] == 2
    assert any("Posteringstekst" in n and "CPR" in n for n in res["notes"])
    assert [r[5] for r in postings(db)] == ["010190-1234", None]
    # two persons in one row: asked, not guessed
    assert [(r["row"], "flere CPR-numre" in r["reason"]) for r in res["rejected"]] == [(4, True)]


def test_excel_sep_line_and_utf16_tab_text_are_read(db, tmp_path):
    sep = tmp_path / "sep.csv"
    sep.write_bytes("sep=;\r\nBogføringsdato;Funktion;Art;Beløb;CPR-nr.;Tekst;\r\n"
                    "05.01.2026;5.38.50;4.0;1.000,00;010190-1234;jan;\r\n".encode("cp1252"))
    tab = tmp_path / "unicode.txt"
    tab.write_bytes("Bogføringsdato\tFunktion\tArt\tBeløb\tCPR-nr.\tTekst\r\n"
                    "05.02.2026\t5.38.50\t4.0\t2.000,00\t010190-1234\tfeb\r\n".encode("utf-16"))
    assert import_file(db, sep)["imported"] == 1
    assert import_file(db, tab)["imported"] == 1
    assert [(r[0], r[4]) for r in postings(db)] == [("2026-01-05", 100000), ("2026-02-05", 200000)]


# ---------------------------------------------------------------- grants from a case system

def test_case_system_grants_list(db, tmp_path):
    rows = [["Bevillingsoversigt voksenhandicap 2026"], ["Kilde: fagsystem"], [],
            ["Personnummer", "Borger (efternavn, fornavn)", "Lovgrundlag", "Leverandørnavn", "Pris",
             "Afregningsenhed", "Ikrafttrædelsesdato", "Ophørsdato", "Sagsbehandler"],
            ["0101901234", "Hansen, Anna", "SEL § 85", "Bostøtten Nord", "512,50", "time (7 t/uge)", "1. marts 2026",
             "løbende", "KL"],
            ["0202911234", "Berg, Bo", "§85", "Bostøtten Nord", "512,50", "8,5 timer pr. uge", "01-03-26", "", "KL"],
            [303921234, "Dahl, Carl", "104", "Værkstedet", "1.100,00", "dag (4 dg/uge)", 46082, "31-12-2026", "MB"],
            ["I alt", "", "", "", "2.125,00"],
            [],
            ["040493 1234", "Eriksen, Dorte", "108", "Bofællesskabet", 2450.75, "døgn", "15.01.2025", "31.12.9999",
             "MB"],
            ["Subtotal § 108"],
            ["050594-1234", "Fisker, Eva", "SEL § 107", "Åhuset", "kr. 3.100,00", "pr. døgn", "2025-06-01", "ophørt",
             ""],
            ["060695-1234", "Gram, Finn", "§ 103/104", "Værkstedet", "900,00", "måned", "2025-06-01", "", ""]]
    path = write_xlsx(tmp_path / "bevillinger.xlsx",
                      {"Bevillinger": rows, "Opslag": [["Paragraf", "Konto"], ["§ 85", "5.32.33"]]}, hidden=("Opslag",))
    before = content(db)
    plan = prepare(db, path)
    assert plan.kind == "grants" and plan.hidden_sheets == ["Opslag"]
    assert plan.mapping_headers() == {
        "cpr": "Personnummer", "name": "Borger (efternavn, fornavn)", "section": "Lovgrundlag",
        "provider": "Leverandørnavn", "rate": "Pris", "unit": "Afregningsenhed", "start": "Ikrafttrædelsesdato",
        "end": "Ophørsdato", "caseworker": "Sagsbehandler"}
    assert sorted((r["row"], r["column"], r["value"]) for r in plan.rejected) == [
        (12, "Ophørsdato", "ophørt"), (13, "Lovgrundlag", "§ 103/104")]
    assert all(r["reason"] for r in plan.rejected)
    assert content(db) == before  # preview writes nothing
    res = import_file(db, path)
    assert (res["rows_read"], res["imported"], len(res["rejected"])) == (6, 4, 2)
    g = {x.name: x for x in list_grants(db)}
    assert set(g) == {"Anna Hansen", "Bo Berg", "Carl Dahl", "Dorte Eriksen"}
    assert (g["Anna Hansen"].cpr, g["Anna Hansen"].section, g["Anna Hansen"].unit, g["Anna Hansen"].quantity,
            g["Anna Hansen"].quantity_per, g["Anna Hansen"].start, g["Anna Hansen"].end) == \
        ("010190-1234", "§ 85", "time", Decimal(7), "uge", D(2026, 3, 1), None)
    assert (g["Bo Berg"].quantity, g["Bo Berg"].start) == (Decimal("8.5"), D(2026, 3, 1))
    assert (g["Carl Dahl"].cpr, g["Carl Dahl"].unit, g["Carl Dahl"].quantity, g["Carl Dahl"].start,
            g["Carl Dahl"].end) == ("030392-1234", "dag", Decimal(4), D(2026, 3, 1), D(2026, 12, 31))
    dorte = g["Dorte Eriksen"]  # 31.12.9999 is the case system's "no end date"
    assert (dorte.cpr, dorte.section, dorte.unit, dorte.end) == ("040493-1234", "§ 108", "døgn", None)
    assert dorte.rates[0].rate == Decimal("2450.75")


def test_grants_as_ods_with_first_and_last_name_columns(db, tmp_path):
    rows = [["Aktive sager"], [],
            ["CPR-nr", "Fornavn", "Efternavn", "Paragraf", "Udfører", "Timetakst", "Antal timer pr. uge",
             "Bevillingsstartdato", "Slut"],
            ["0101901234", "Anna", "Hansen", "§ 85", "Bostøtten", "450", "7,5", D(2026, 3, 1), "løbende"],
            ["0101901234", "Anna", "Hansen", "§ 97", "Ledsagerne", "250", "15", "1/3/2026", ""]]
    res = import_file(db, write_ods(tmp_path / "sager.ods", {"Ark1": rows}))
    assert res["kind"] == "grants" and res["rejected"] == []
    assert res["mapping"]["start"] == "Bevillingsstartdato" and res["mapping"]["quantity"] == "Antal timer pr. uge"
    got = sorted((x.section, x.name, x.unit, x.quantity, x.quantity_per, x.rates[0].rate) for x in list_grants(db))
    assert got == [("§ 85", "Anna Hansen", "time", Decimal("7.5"), "uge", Decimal(450)),
                   ("§ 97", "Anna Hansen", "time", Decimal(15), "uge", Decimal(250))]


GROUPED = [["Dispositionsregnskab 2026"], [],
           ["CPR", "Navn", "§", "Leverandør", "Takst", "Enhed", "Bevilling", ""],
           ["", "", "", "", "", "", "Fra", "Til"],
           ["0101901234", "Hansen, Anna", "SEL § 108", "Engen", 2000.5, "pr. døgn", D(2026, 3, 1), D(2026, 9, 30)],
           ["I alt", "", "", "", 2000.5]]


def test_group_header_without_merge_information_spans_its_sub_headers(db, tmp_path):
    # ods (as calamine reads it) and csv keep no merged cells: 'Bevilling' stands over 'Fra' only
    res = import_file(db, write_ods(tmp_path / "grupper.ods", {"Bevillinger": GROUPED}))
    assert (res["mapping"]["start"], res["mapping"]["end"]) == ("Bevilling Fra", "Bevilling Til")
    [g] = list_grants(db)
    assert (g.start, g.end, g.section, g.unit) == (D(2026, 3, 1), D(2026, 9, 30), "§ 108", "døgn")


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is needed to write a real .xls/.ods")
@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_files_saved_by_libreoffice_with_merged_header_and_hidden_sheet(db, tmp_path, fmt):
    src = write_xlsx(tmp_path / "bevillinger.xlsx",
                     {"Bevillinger": GROUPED, "Opslag": [["Paragraf", "Konto"], ["§ 108", "5.38.50"]]},
                     hidden=("Opslag",), merged={"Bevillinger": ["A1:H1", "G3:H3", "A3:A4", "B3:B4"]})
    out = tmp_path / "lo"
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
                    "--convert-to", fmt, "--outdir", str(out), str(src)], capture_output=True, timeout=180, check=True)
    res = import_file(db, out / f"bevillinger.{fmt}")
    assert (res["kind"], res["sheet"], res["imported"], res["rejected"]) == ("grants", "Bevillinger", 1, [])
    assert (res["mapping"]["start"], res["mapping"]["end"]) == ("Bevilling Fra", "Bevilling Til")
    assert any("Opslag" in n for n in res["notes"])  # the hidden sheet is not read
    [g] = list_grants(db)
    assert (g.cpr, g.name, g.start, g.end, g.rates[0].rate) == ("010190-1234", "Anna Hansen", D(2026, 3, 1),
                                                                 D(2026, 9, 30), Decimal("2000.5"))


def test_sum_rows_without_a_label_are_skipped_not_rejected(db, tmp_path):
    rows = [["CPR-nr.", "Navn", "Paragraf", "Leverandør", "Takst", "Startdato"],
            ["010190-1234", "A", "108", "Engen", 100, D(2026, 1, 1)],
            ["020291-1234", "B", "108", "Engen", 200, D(2026, 1, 1)],
            ["", "", "", "Engen", 300, None],  # a provider subtotal without a label: data with gaps, rejected
            [None, None, None, None, 300]]      # Excel's AutoSum under the table
    res = import_file(db, write_xlsx(tmp_path / "g.xlsx", {"Ark": rows}))
    assert (res["rows_read"], res["imported"]) == (3, 2)
    assert sorted({r["row"] for r in res["rejected"]}) == [4]
    assert [w["row"] for w in res["warnings"] if "Sum-rækken" in w["warning"]] == [5]


def test_grants_named_by_service_instead_of_section(db, tmp_path):
    rows = [["Cpr-nr.", "Navn", "Ydelse", "Leverandør", "Takst", "Timer pr. uge", "Bevilget fra", "Bevilget til"],
            ["0101901234", "Hansen, Anna", "Socialpædagogisk støtte", "Bostøtten", "450,00", 5, "01-01-2026", ""],
            ["0202911234", "Berg, Bo", "Længerevarende botilbud", "Engen", "2.000,00", "", "01-01-2026", ""],
            ["0303921234", "Dahl, Carl", "Botilbud", "Engen", "2.000,00", "", "01-01-2026", ""]]
    res = import_file(db, write_xlsx(tmp_path / "ydelser.xlsx", {"Ark": rows}))
    assert res["mapping"]["section"] == "Ydelse" and res["imported"] == 2
    [rejected] = res["rejected"]  # 'Botilbud' is § 107 or § 108: asked, not guessed
    assert (rejected["row"], rejected["value"]) == (4, "Botilbud")
    assert "§ 107" in rejected["reason"] and "§ 108" in rejected["reason"]
    assert sorted((g.name, g.section, g.unit) for g in list_grants(db)) == [("Anna Hansen", "§ 85", "time"),
                                                                           ("Bo Berg", "§ 108", "døgn")]


def test_database_export_with_ascii_header_names(db, tmp_path):
    rows = [["CPR_NR", "NAVN", "PARAGRAF", "LEV_NAVN", "TAKST", "ENHED", "START_DATO", "SLUT_DATO"],
            ["0101901234", "HANSEN, ANNA", "108", "ENGEN", "2000.50", "DOEGN", "2026-01-01", "LOEBENDE"]]
    res = import_file(db, write_csv(tmp_path / "export.csv", rows, delimiter="|"))
    assert res["mapping"] == {"cpr": "CPR_NR", "name": "NAVN", "section": "PARAGRAF", "provider": "LEV_NAVN",
                              "rate": "TAKST", "unit": "ENHED", "start": "START_DATO", "end": "SLUT_DATO"}
    [g] = list_grants(db)
    assert (g.cpr, g.name, g.unit, g.end, g.rates[0].rate) == ("010190-1234", "ANNA HANSEN", "døgn", None,
                                                               Decimal("2000.50"))
    rows = [["BOGFOERINGSDATO", "KONTO", "BELOEB", "CPRNR", "POSTERINGSTEKST"],
            ["20260105", "5.38.50", "1000.00", "0101901234", "X"]]
    res = import_file(db, write_csv(tmp_path / "poster.csv", rows))
    assert (res["mapping"]["date"], res["mapping"]["amount"], res["imported"]) == ("BOGFOERINGSDATO", "BELOEB", 1)


GRANTS_HEADER = ["CPR-nr.", "Navn", "Paragraf", "Leverandør", "Takst", "Startdato"]


def test_one_sheet_per_section_are_all_read(db, tmp_path):
    sheets = {"§ 107": [["§ 107 Midlertidige botilbud"], GRANTS_HEADER,
                        ["010190-1234", "A", "107", "Åhuset", 3000, "01-01-2026"]],
              "§ 108": [["§ 108 Længerevarende botilbud"], GRANTS_HEADER,
                        ["020291-1234", "B", "108", "Engen", 2000, "01-01-2026"],
                        ["030392-1234", "C", "108", "Engen", 2000, "01-01-2026"]],
              "Oversigt": [["Paragraf", "Antal", "Udgift"], ["§ 107", 1, 3000], ["§ 108", 2, 4000]]}
    res = import_file(db, write_xlsx(tmp_path / "pr_paragraf.xlsx", sheets))
    assert (res["sheet"], res["rows_read"], res["imported"]) == ("§ 107; § 108", 3, 3)
    assert any("'§ 107', '§ 108'" in n for n in res["notes"])
    assert sorted((g.cpr, g.section) for g in list_grants(db)) == [
        ("010190-1234", "§ 107"), ("020291-1234", "§ 108"), ("030392-1234", "§ 108")]


def test_a_pivot_of_months_beside_the_posting_lines_is_not_counted_twice(db, tmp_path):
    header = ["Bogføringsdato", "Konto", "Beløb", "CPR-nr."]
    sheets = {"Jan": [header, ["05-01-2026", "5.38.50", 100, ""]],
              "Feb": [header, ["05-02-2026", "5.38.50", 100, ""], ["06-02-2026", "5.38.50", 50, ""]],
              "Pivot": [["Forbrug pr. måned"], ["Konto", "Jan", "Feb", "Mar", "I alt"], ["5.38.50", 100, 150, "", 250]]}
    res = import_file(db, write_xlsx(tmp_path / "poster.xlsx", sheets))
    assert (res["sheet"], res["imported"]) == ("Jan; Feb", 3)
    assert any("'Pivot'" in n for n in res["notes"])
    assert sum(r[4] for r in postings(db)) == 25000


def test_only_hidden_data_is_named_in_the_error(db, tmp_path):
    sheets = {"Oversigt": [["Paragraf", "Antal", "Udgift"], ["§ 107", 1, 3000]],
              "Data": [GRANTS_HEADER, ["010190-1234", "A", "107", "Åhuset", 3000, "01-01-2026"]]}
    path = write_xlsx(tmp_path / "skjult.xlsx", sheets, hidden=("Data",))
    with pytest.raises(DispoError, match="Skjulte ark er ikke læst: 'Data'"):
        import_file(db, path)
    assert import_file(db, path, sheet="Data")["imported"] == 1


def test_group_headings_and_footers_inside_the_table_are_skipped(db, tmp_path):
    rows = [GRANTS_HEADER, ["§ 107 Midlertidige botilbud"], ["010190-1234", "A", "107", "Åhuset", 3000, "01-01-2026"],
            ["I alt § 107", "", "", "", 3000], ["§ 108 Længerevarende botilbud"],
            ["020291-1234", "B", "108", "Engen", 2000, "01-01-2026"], ["", "Ledig plads"],
            ["030392-1234"],  # a lone CPR number is a row with gaps: rejected, not skipped
            ["Antal sager: 2"]]
    res = import_file(db, write_xlsx(tmp_path / "grupper.xlsx", {"Ark": rows}))
    assert (res["rows_read"], res["imported"]) == (3, 2)
    assert {r["row"] for r in res["rejected"]} == {8}
    skipped = [(w["row"], w["warning"]) for w in res["warnings"] if "springes over" in w["warning"]]
    assert [row for row, _ in skipped] == [2, 4, 5, 7, 9]
    assert "mellemoverskrift" in skipped[0][1] and "Sum-rækken" in skipped[1][1]


def test_rate_written_with_its_unit(db, tmp_path):
    rows = [["CPR-nr.", "Navn", "Paragraf", "Leverandør", "Takst", "Timer pr. uge", "Startdato"],
            ["010190-1234", "A", "§ 85", "Bostøtten", "512,50 kr. pr. time", "7", "01-01-2026"],
            ["020291-1234", "B", "§ 108", "Engen", "2.450,75 pr. døgn", "", "01-01-2026"],
            ["030392-1234", "C", "§ 108", "Engen", "mange penge", "", "01-01-2026"]]
    res = import_file(db, write_xlsx(tmp_path / "takster.xlsx", {"Ark": rows}))
    assert res["imported"] == 2 and [(r["row"], r["column"]) for r in res["rejected"]] == [(4, "Takst")]
    got = sorted((g.name, g.unit, g.quantity, g.quantity_per, g.rates[0].rate) for g in list_grants(db))
    assert got == [("A", "time", Decimal(7), "uge", Decimal("512.50")), ("B", "døgn", None, None, Decimal("2450.75"))]


def test_section_from_the_sheet_name_when_there_is_no_section_column(db, tmp_path):
    header = ["CPR-nr.", "Navn", "Konto", "Leverandør", "Takst", "Enhed", "Startdato", "Slutdato", "VUM"]
    row = ["010190-1234", "A", "5.38.50", "Engen", 100, "døgn", "01-01-2026", "", "C"]
    res = import_file(db, write_xlsx(tmp_path / "a.xlsx", {"Længerevarende botilbud": [header, row],
                                                           "Ark2": [["Bevillinger SEL § 107"], header,
                                                                    ["020291-1234", *row[1:]]]}))
    assert res["kind"] == "grants" and res["mapping"]["section"].startswith("§ 108")
    assert sorted((g.cpr, g.section) for g in list_grants(db)) == [("010190-1234", "§ 108"), ("020291-1234", "§ 107")]
    # a sheet that names no section: the file is grants without a section column, not a VUM list
    before = content(db)
    with pytest.raises(DispoError, match="ligner mest bevillinger.*Paragraf"):
        import_file(db, write_xlsx(tmp_path / "b.xlsx", {"Ark1": [header, row]}))
    assert content(db) == before


# ---------------------------------------------------------------- budgets with month columns

MONTHS_ABBR = ["jan.", "feb.", "mar.", "apr.", "maj", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec."]
MONTHS_FULL = ["Januar", "Februar", "Marts", "April", "Maj", "Juni", "Juli", "August", "September", "Oktober",
               "November", "December"]


def budget_rows(db) -> list[tuple]:
    return [tuple(r.values()) for r in query(db, "SELECT year, account, section, month, original_ore FROM budgets "
                                                 "ORDER BY account, month")]


def test_budget_with_abbreviated_months_and_a_total_column(db, tmp_path):
    rows = [["Budget 2027 - Handicap og psykiatri"], [],
            ["Funktion", "Tekst", *MONTHS_ABBR, "I alt"],
            ["5.38.50", "Længerevarende botilbud", *[100000] * 12, 1200000],
            ["5.38.52", "Midlertidige botilbud", *["50.000,00"] * 11, "50.000,50", "600.000,50"],
            ["I alt", "", *[150000] * 12, 1800000]]
    res = import_file(db, write_xlsx(tmp_path / "budget.xlsx", {"Budget": rows}))
    assert res["kind"] == "budget" and res["rejected"] == []
    assert "I alt" not in res["mapping"].values()
    assert [res["mapping"][f"month_{m:02d}"] for m in range(1, 13)] == MONTHS_ABBR
    assert (res["rows_read"], res["imported"]) == (2, 24)
    got = budget_rows(db)
    assert got[:12] == [(2027, "5.38.50", None, m, 10000000) for m in range(1, 13)]
    assert got[12:] == [(2027, "5.38.52", None, m, 5000000) for m in range(1, 12)] + [(2027, "5.38.52", None, 12,
                                                                                      5000050)]


def test_budget_two_row_header_with_the_year_merged_over_the_months(db, tmp_path):
    rows = [["Budgetopfølgning"], ["Konto", "Budget 2027", *[""] * 11, "Sum"],
            ["", *MONTHS_FULL, ""],
            ["5.38.50", *range(1, 13), 78],
            ["Total", *range(1, 13), 78]]
    res = import_file(db, write_xlsx(tmp_path / "b.xlsx", {"Ark1": rows}, merged={"Ark1": ["B2:M2"]}))
    assert res["kind"] == "budget" and res["rejected"] == []
    assert res["mapping"]["month_03"] == "Budget 2027 Marts" and "Sum" not in res["mapping"].values()
    assert budget_rows(db) == [(2027, "5.38.50", None, m, m * 100) for m in range(1, 13)]


def test_budget_month_headers_with_years_and_quarter_columns(db, tmp_path):
    header = ["Konto", "Paragraf"]
    for q in range(4):
        header += [f"{m} 2027" for m in MONTHS_FULL[3 * q:3 * q + 3]] + [f"{q + 1}. kvartal"]
    header.append("Total 2027")
    values = []
    for q in range(4):
        values += ["1.000"] * 3 + ["3.000"]
    rows = [header, ["5.32.33", "§ 85", *values, "12.000"]]
    res = import_file(db, write_csv(tmp_path / "budget.csv", rows, encoding="cp1252"))
    assert res["kind"] == "budget" and res["imported"] == 12
    assert budget_rows(db) == [(2027, "5.32.33", "§ 85", m, 100000) for m in range(1, 13)]


def test_budget_with_date_cells_as_month_headers(db, tmp_path):
    rows = [["Budget 2027"], ["Konto", *[D(2027, m, 1) for m in range(1, 13)], "I alt"],
            ["5.38.50", *[100] * 12, 1200]]
    res = import_file(db, write_xlsx(tmp_path / "b.xlsx", {"Ark1": rows}))
    assert res["kind"] == "budget" and res["imported"] == 12
    assert budget_rows(db) == [(2027, "5.38.50", None, m, 10000) for m in range(1, 13)]


def test_amount_group_merged_over_debit_and_credit(db, tmp_path):
    rows = [["Posteringer 2026"], ["Dato", "Konto", "Beløb", "", "CPR-nr.", "Tekst"], ["", "", "Debet", "Kredit", "", ""],
            ["05-01-2026", "5.38.50 Længerevarende botilbud", "1.000,00", "", "010190-1234", "a"],
            ["06-01-2026", "5.38.50 Længerevarende botilbud", "", "200,00", "010190-1234", "b"],
            ["Hovedtotal", "", "1.000,00", "200,00"]]
    res = import_file(db, write_xlsx(tmp_path / "p.xlsx", {"Ark1": rows},
                                     merged={"Ark1": ["C2:D2", "A2:A3", "B2:B3", "E2:E3", "F2:F3"]}))
    assert (res["mapping"]["debit"], res["mapping"]["credit"]) == ("Beløb Debet", "Beløb Kredit")
    assert "amount" not in res["mapping"] and res["rejected"] == []
    assert [(r[0], r[1], r[4]) for r in postings(db)] == [("2026-01-05", "5.38.50", 100000),
                                                         ("2026-01-06", "5.38.50", -20000)]


def test_bookings_one_column_per_month_with_a_total_column(db, tmp_path):
    rows = [["Forbrug 2026 pr. borger"], ["CPR-nr.", "Navn", "Konto", "Jan", "Feb", "Mar", "Total"],
            ["010190-1234", "A", "5.38.50", "1.000,00", "1.000,00", "", "2.000,00"],
            ["020291-1234", "B", "5.32.33", 500, 500, 500, 1500], ["Totalsum", "", "", 1500, 1500, 500, 3500]]
    res = import_file(db, write_xlsx(tmp_path / "forbrug.xlsx", {"Forbrug": rows}))
    assert res["kind"] == "postings" and "Total" not in res["mapping"].values()
    assert (res["rows_read"], res["imported"]) == (2, 5)
    # one posting per filled month, dated the month's last day
    assert [(r[0], r[4], r[5]) for r in postings(db)] == [
        ("2026-01-31", 100000, "010190-1234"), ("2026-02-28", 100000, "010190-1234"),
        ("2026-01-31", 50000, "020291-1234"), ("2026-02-28", 50000, "020291-1234"),
        ("2026-03-31", 50000, "020291-1234")]


def test_budget_with_one_amount_column_named_beloeb(db, tmp_path):
    rows = [["Funktion", "Tekst", "Beløb"], ["5.38.50", "Botilbud", "12.000.000"], ["5.38.52", "Midl.", "3.000.000"],
            ["I alt", "", "15.000.000"]]
    res = import_file(db, write_xlsx(tmp_path / "b.xlsx", {"Budget 2027": rows}))
    assert (res["kind"], res["mapping"]["original"], res["imported"]) == ("budget", "Beløb", 2)
    assert [(r[0], r[1], r[3], r[4]) for r in budget_rows(db)] == [(2027, "5.38.50", None, 1200000000),
                                                                  (2027, "5.38.52", None, 300000000)]


def test_a_summary_of_consumption_is_not_taken_for_a_budget(db, tmp_path):
    rows = [["Forbrug 2026 pr. funktion"], ["Funktion", "Tekst", "Beløb"], ["5.38.50", "Botilbud", "12.000.000"]]
    with pytest.raises(DispoError, match="Bogføringsdato"):
        import_file(db, write_xlsx(tmp_path / "forbrug.xlsx", {"Ark1": rows}))


def test_a_list_of_persons_is_never_read_as_a_budget(db, tmp_path):
    rows = [["Konto", "Tekst", "Beløb", "CPR"], ["5.38.50", "x", "1.000", "0101901234"]]
    with pytest.raises(DispoError, match="Bogføringsdato"):
        import_file(db, write_xlsx(tmp_path / "p.xlsx", {"Ark1": rows}))


def test_budget_beside_consumption_per_month_asks_and_then_reads_the_chosen_columns(tmp_path):
    db = tmp_path / "d.sqlite"
    header = ["Konto"]
    for m in ("jan", "feb", "mar"):
        header += [f"Budget {m}", f"Forbrug {m}"]
    path = write_xlsx(tmp_path / "opfoelgning.xlsx", {"Budgetopfølgning 2026": [header, ["5.38.50", 100, 90, 100, 95,
                                                                                           100, 120]]})
    r = run_cli("import", path, "--json", db=db)
    assert r.returncode == 1 and "--kind" in r.stderr and "Traceback" not in r.stderr
    res = json.loads(run_cli("import", path, "--kind", "budget", "--json", db=db).stdout)
    assert (res["imported"], res["mapping"]["month_02"]) == (3, "Budget feb")
    res = json.loads(run_cli("import", path, "--kind", "postings", "--json", db=db).stdout)
    assert (res["imported"], res["mapping"]["month_02"]) == (3, "Forbrug feb")
    got = json.loads(run_cli("postings", "--json", db=db).stdout)
    assert [(g["date"], g["amount"]) for g in got] == [("2026-01-31", 90.0), ("2026-02-28", 95.0),
                                                      ("2026-03-31", 120.0)]


# ---------------------------------------------------------------- facility lists

def test_resident_list_with_other_header_words(db, tmp_path):
    rows = [[], ["", "Beboerliste - Solsikken"], ["", "Antal pladser: 8"], [],
            ["", "Nr.", "Beboer", "Cpr-nummer", "Indflytningsdato", "", "Udflytningsdato", "Hjemkommune",
             "Takst pr.\ndøgn"],
            ["", 1, "Hansen, Anna", "0101901234", "01.02.2020", "", "", "Nabokommune", "2.100,00"],
            ["", 2, "Berg, Bo", "0202911234", D(2021, 5, 1), "", "31.03.2026", "Nabokommune", 2300],
            ["", "", "I alt 2 beboere"]]
    db["settings"].upsert({"key": "municipality", "value": "Testkommune"}, pk="key")
    res = import_file(db, write_xlsx(tmp_path / "beboere.xlsx", {"Solsikken": rows}))
    assert res["kind"] == "occupancy" and res["rejected"] == []
    assert (res["mapping"]["name"], res["mapping"]["move_out"]) == ("Beboer", "Udflytningsdato")
    assert res["imported"] == 2
    got = sorted((x.name, x.start, x.end, x.paying_municipality, x.rates[0].rate) for x in list_grants(db))
    assert got == [("Anna Hansen", D(2020, 2, 1), None, "Nabokommune", Decimal("2100.00")),
                   ("Bo Berg", D(2021, 5, 1), D(2026, 3, 31), "Nabokommune", Decimal(2300))]
    assert query(db, "SELECT name, places FROM providers") == [{"name": "Solsikken", "places": 8}]


def test_resident_list_with_cpr_and_name_in_one_cell(db, tmp_path):
    rows = [["Belægning Lærkevej 2026"],
            ["Borger", "Indflyttet", "Fraflyttet", "Betalingskommune", "Døgntakst"],
            ["Hansen, Anna (010190-1234)", "01-02-2020", "", "Nabokommune", "2.100,00"],
            ["020291-1234 Bo Berg", "01-05-2021", "løbende", "Nabokommune", "2.300,00"]]
    db["settings"].upsert({"key": "municipality", "value": "Testkommune"}, pk="key")
    res = import_file(db, write_xlsx(tmp_path / "laerkevej.xlsx", {"Lærkevej": rows}))
    assert (res["kind"], res["mapping"]["cpr"], res["imported"], res["rejected"]) == ("occupancy", "Borger", 2, [])
    assert sorted((g.cpr, g.name) for g in list_grants(db)) == [("010190-1234", "Anna Hansen"),
                                                                ("020291-1234", "Bo Berg")]


def test_csv_with_excel_text_guards_around_cpr_numbers(db, tmp_path):
    rows = [["Bogføringsdato", "Konto", "Beløb", "CPR-nr."],
            ["05-01-2026", "5.38.50", "100,00", '="0101901234"'], ["05-01-2026", "5.38.50", "100,00", "'0202911234"]]
    res = import_file(db, write_csv(tmp_path / "vagt.csv", rows))
    assert res["rejected"] == [] and [r[5] for r in postings(db)] == ["010190-1234", "020291-1234"]


def test_vum_lists_with_letter_columns_or_written_levels(db, tmp_path):
    marked = [["VUM 2027 - Engen"], [], ["CPR", "Navn", "A", "B", "C", "D", "E", "F (timer)"],
              ["0101901234", "Anna", "", "X", "", "", "", ""], ["0202911234", "Bo", "", "", "", "", "", 45]]
    plan = prepare(db, write_xlsx(tmp_path / "vum.xlsx", {"Engen": marked}))
    assert plan.kind == "vum" and plan.rejected == []
    assert [(r.values["cpr"], r.values["category"], r.values["hours"]) for r in plan.records] == [
        ("010190-1234", "B", None), ("020291-1234", "F", Decimal(45))]
    written = [["Cpr-nummer", "Borger", "Støtteniveau"], ["0101901234", "Anna", "Moderat"],
               ["0202911234", "Bo", "Kategori D - svær støtte"]]
    plan = prepare(db, write_xlsx(tmp_path / "vum2.xlsx", {"Solsikken": written}))
    assert plan.kind == "vum" and plan.mapping_headers()["category"] == "Støtteniveau"
    assert [(r.values["cpr"], r.values["category"]) for r in plan.records] == [("010190-1234", "B"),
                                                                              ("020291-1234", "D")]


# ---------------------------------------------------------------- bad files

def test_a_list_without_start_dates_is_refused_with_what_it_lacks(db, tmp_path):
    rows = [["CPR-nr.", "Navn", "Paragraf", "Leverandør", "Takst", "Bemærkning"],
            ["010190-1234", "Anna", "§ 108", "Engen", "2.000,00", "ny"]]
    before = content(db)
    path = write_xlsx(tmp_path / "uden_start.xlsx", {"Ark1": rows})
    with pytest.raises(DispoError) as err:
        import_file(db, path)
    assert "bevillinger" in str(err.value) and "Startdato" in str(err.value)
    assert content(db) == before
    r = run_cli("import", path, db=tmp_path / "cli.sqlite")
    assert r.returncode == 1 and r.stderr.startswith("Fejl: ") and "Startdato" in r.stderr
    assert "Traceback" not in r.stderr


def test_a_file_of_rejected_rows_leaves_the_database_unchanged(db, tmp_path):
    rows = [["Bogføringsdato", "Konto", "Beløb", "CPR-nr."],
            ["32-01-2026", "538500014001", "mange penge", "310290-1234"]]
    before = content(db)
    res = import_file(db, write_csv(tmp_path / "skidt.csv", rows))
    assert res["imported"] == 0
    assert sorted(r["column"] for r in res["rejected"]) == ["Beløb", "Bogføringsdato", "CPR-nr.", "Konto"]
    assert all(r["row"] == 2 and r["reason"] for r in res["rejected"])
    assert {t: v for t, v in content(db).items() if t != "import_changes"} == \
        {t: v for t, v in before.items() if t != "import_changes"}
    assert query(db, "SELECT COUNT(*) AS n FROM postings") == [{"n": 0}]


# ---------------------------------------------------------------- parsers: the spellings met above

@pytest.mark.parametrize("raw, expected", [
    ("1.000,-", Decimal(1000)), ("-1.000,-", Decimal(-1000)), ("kr. 1.000,-", Decimal(1000)),
    ("1.000,--", Decimal(1000)), ("1.000-", Decimal(-1000)), ("1\u202f234,50", Decimal("1234.50")),
])
def test_whole_kroner_amounts(raw, expected):
    assert p.parse_amount(raw) == expected


@pytest.mark.parametrize("raw", ["1,234", "-12,345", "kr. 123,456"])
def test_comma_and_three_digits_is_asked_about(raw):
    with pytest.raises(p.ParseError, match="to decimaler"):
        p.parse_amount(raw)


@pytest.mark.parametrize("raw, expected", [("0,125", Decimal("0.125")), ("1.234,567", Decimal("1234.567")),
                                           ("1,234,567", Decimal(1234567)), ("1,234.50", Decimal("1234.50"))])
def test_comma_and_three_digits_with_context_is_read(raw, expected):
    assert p.parse_amount(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("1-jan-26", D(2026, 1, 1)), ("01-mar-2026", D(2026, 3, 1)), ("1.mar.2026", D(2026, 3, 1)),
    ("5. februar 2026", D(2026, 2, 5)),
])
def test_dates_with_month_names_between_dashes(raw, expected):
    assert p.parse_date(raw) == expected


@pytest.mark.parametrize("raw", ["31-12-9999", "9999-12-31", "00-00-0000", "00.00.0000", "0000-00-00", "Løbende"])
def test_no_end_date_values_are_open_ended(raw):
    assert p.parse_open_date(raw) is None


def test_no_date_is_not_a_start_date():
    with pytest.raises(p.ParseError):
        p.parse_date("00-00-0000")


@pytest.mark.parametrize("raw", ["010190–1234", "010190 — 1234", "0101901234.0", "101901234.0", "010190\u00a01234"])
def test_cpr_with_typographic_dash_or_as_float_text(raw):
    assert p.parse_cpr(raw) == "010190-1234"


@pytest.mark.parametrize("raw", ["-", "Ukendt", "ingen", 0, "0", "0000000000", "  "])
def test_no_person_marks_in_an_optional_cpr_column(raw):
    assert p.parse_optional_cpr(raw) is None


def test_a_required_cpr_is_still_required():
    with pytest.raises(p.ParseError):
        p.parse_cpr("Ukendt")


@pytest.mark.parametrize("raw, expected", [("§ 85, stk. 2", "§ 85"), ("SEL § 107 stk. 10", "§ 107"),
                                           ("§ 108 (2026)", "§ 108"), ("Servicelovens § 104", "§ 104")])
def test_sections_with_subsections_and_years(raw, expected):
    assert p.parse_section(raw) == expected


@pytest.mark.parametrize("raw, expected", [("Længerevarende botilbud", "§ 108"), ("Midlertidigt botilbud (akut)", "§ 107"),
                                           ("BPA", "§ 96"), ("aktivitets- og samværstilbud", "§ 104")])
def test_sections_by_their_names(raw, expected):
    assert p.parse_section(raw) == expected


@pytest.mark.parametrize("raw", ["2026", "§ 103/104", "§ 103 og § 104", "12,5", "Botilbud", "støtte"])
def test_section_values_that_are_not_one_section_are_refused(raw):
    with pytest.raises(p.ParseError):
        p.parse_section(raw)


@pytest.mark.parametrize("raw, expected", [("4.0 Køb af tjenesteydelser", "4.0"), ("4.8 - Betalinger til kommuner",
                                                                                  "4.8")])
def test_art_with_its_text(raw, expected):
    assert p.parse_art(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("5.38.50 Længerevarende botilbud", ("5.38.50", "", "")), ("53850 - Botilbud", ("5.38.50", "", "")),
    ("5.32.33.004 Socialpædagogisk støtte (§ 85)", ("5.32.33", "004", "")),
])
def test_account_with_its_name(raw, expected):
    assert p.parse_account(raw) == expected


def test_packed_account_of_six_digits_with_a_name_is_still_a_question():
    with pytest.raises(p.ParseError, match="flere måder"):
        p.parse_account("538500 Botilbud")


@pytest.mark.parametrize("label, total", [
    ("Hovedtotal", True), ("Totalsum", True), ("Sum i alt", True), ("Grand total", True), ("Subtotal § 108", True),
    ("Totalpleje ApS", False), ("Sumatra", False), ("Hansen, Anna", False),
])
def test_total_labels(label, total):
    assert is_total_row(["", label, 1200.0]) is total


@pytest.mark.parametrize("raw, sign", [("S", 1), ("H", -1), ("D", 1), ("K", -1)])
def test_sap_debit_credit_marker(raw, sign):
    assert p.parse_debit_credit(raw) == sign


@pytest.mark.parametrize("header, expected", [
    ("Budget 2027 januar", (1, 2027)), ("Forbrug feb.", (2, None)), ("jan-27", (1, 2027)), ("Jan. 27", (1, 2027)),
    ("Maj (kr.)", (5, None)), ("202603", (3, 2026)), ("Periode 2026-04", (4, 2026)),
    ("2027-03-01", (3, 2027)), ("2027-02-28", (2, 2027)), ("2027-03-15", None),
    ("I alt", None), ("Total 2027", None), ("1. kvartal", None), ("december i alt", None), ("jan feb", None),
])
def test_month_headers(header, expected):
    assert p.month_of(header) == expected


# ---------------------------------------------------------------- the sample's grants in other dresses

MONTH_NAMES = ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
               "november", "december"]


def _kr(x: float) -> str:
    """1234.5 -> '1.234,50' (written here, not by the code under test)."""
    whole, dec = f"{x:.2f}".split(".")
    return f"{int(whole):,}".replace(",", ".") + "," + dec


def _num(q: float) -> str:
    return str(int(q)) if q == int(q) else str(q).replace(".", ",")


def _unit_text(e: dict) -> str:
    if e["enhed"] == "time":
        return f"time ({_num(e['maengde'])} t/{'uge' if e['maengde_pr'] == 'uge' else 'md.'})"
    if e["enhed"] == "dag":
        return f"dag ({_num(e['maengde'])} dg/uge)"
    return {"døgn": "døgn", "måned": "pr. md.", "år": "årligt"}[e["enhed"]]


def _surname_first(name: str) -> str:
    first, _, last = name.rpartition(" ")
    return f"{last}, {first}" if first else name


@pytest.fixture
def facit_grants(samples) -> list[dict]:
    return json.loads((samples / "facit.json").read_text())["dispositionsregnskab_2026.xlsx"]


def test_sample_grants_as_a_case_system_csv_export(db, tmp_path, facit_grants):
    """The sample's grants, written as another system would: cp1252 ';' csv, other header words,
    CPR without dash, names surname first, 'SEL § 85', packed accounts, units with their quantity,
    written dates, '31-12-9999' and 'løbende' for open-ended."""
    rows = [["Udtræk af aktive og afsluttede bevillinger"], [],
            ["Personnummer", "Borger (efternavn, fornavn)", "Lovgrundlag", "Kontostreng", "Udfører", "Pris",
             "Afregningsenhed", "Ikrafttrædelsesdato", "Ophørsdato", "VUM-kategori", "Betalingskommune"]]
    for i, e in enumerate(facit_grants):
        start = dt.date.fromisoformat(e["start"])
        end = dt.date.fromisoformat(e["slut"]).strftime("%d-%m-%y") if e["slut"] else \
            ("løbende", "31-12-9999", "")[i % 3]
        rows.append([e["cpr"].replace("-", "" if i % 2 else " "), _surname_first(e["navn"]),
                     f"SEL {e['paragraf']}", e["konto"].replace(".", ""), e["leverandor"], f"kr. {_kr(e['takst'])}",
                     _unit_text(e), f"{start.day}. {MONTH_NAMES[start.month - 1]} {start.year}", end,
                     f"Kategori {e['vum']}" if e["vum"] else "", e["betalingskommune"]])
    res = import_file(db, write_csv(tmp_path / "udtraek.csv", rows, encoding="cp1252"))
    assert (res["kind"], res["imported"], res["rejected"]) == ("grants", len(facit_grants), [])
    assert res["mapping"]["unit"] == "Afregningsenhed" and "quantity" not in res["mapping"]
    assert_matches_facit(db, facit_grants)


def test_sample_grants_as_a_hand_made_workbook(db, tmp_path, facit_grants):
    """The same grants in a hand-made workbook: one sheet per section with a title, a two-row header
    with 'Bevilling' merged over Fra/Til, CPR numbers that lost their leading zero, Excel serial dates,
    subtotals, a hidden helper sheet."""
    sheets: dict[str, list] = {}
    merged: dict[str, list[str]] = {}
    for e in facit_grants:
        rows = sheets.setdefault(e["paragraf"], [
            [f"Bevillinger {e['paragraf']} - 2026"], ["Opdateret 31.10.2026"],
            ["CPR-nr.", "Navn", "Konto", "Leverandør", "Takst", "Enhed", "Mængde", "Bevilling", "", "VUM"],
            ["", "", "", "", "", "", "", "Fra", "Til", ""]])
        merged[e["paragraf"]] = ["H3:I3", "A3:A4", "B3:B4"]
        cpr = e["cpr"].replace("-", "")
        serial = (dt.date.fromisoformat(e["start"]) - dt.date(1899, 12, 30)).days
        end = (dt.date.fromisoformat(e["slut"]) - dt.date(1899, 12, 30)).days if e["slut"] else "løbende"
        unit = {"time": "pr. time/" + (e["maengde_pr"] or ""), "dag": "pr. dag"}.get(e["enhed"], e["enhed"])
        rows.append([int(cpr) if cpr.startswith("0") else cpr, e["navn"], e["konto"], e["leverandor"], e["takst"],
                     unit, e["maengde"], serial, end, e["vum"]])
    for code, rows in sheets.items():
        rows.append([f"I alt {code}", "", "", "", sum(r[4] for r in rows[4:])])
    sheets["Opslag"] = [["Paragraf", "Konto"], ["§ 85", "5.32.33"]]
    path = write_xlsx(tmp_path / "haandlavet.xlsx", sheets, hidden=("Opslag",), merged=merged)
    res = import_file(db, path)
    assert (res["kind"], res["imported"], res["rejected"]) == ("grants", len(facit_grants), [])
    assert res["sheet"].count(";") == len(sheets) - 2  # every section sheet, not the hidden one
    assert_matches_facit(db, facit_grants)


# ---------------------------------------------------------------- the sample's bookings in other dresses

def sample_bookings(samples) -> list[dict]:
    """The sample finance extract's lines, read here with the csv module (not the importer)."""
    import csv
    import io

    text = (samples / "bogfoering_jan-okt_2026.csv").read_bytes().decode("cp1252")
    out = []
    for r in list(csv.reader(io.StringIO(text), delimiter=";"))[1:]:
        day, month, year = r[0].split("-")
        kr, _, ore = r[4].replace(".", "").partition(",")
        sign = -1 if kr.startswith("-") else 1
        cpr = r[5] and f"{r[5][:6]}-{r[5][6:]}"
        out.append({"date": dt.date(int(year), int(month), int(day)), "account": r[2], "art": r[3],
                    "ore": sign * (abs(int(kr)) * 100 + int(ore.ljust(2, "0"))), "cpr": cpr or None, "text": r[6],
                    "voucher": r[7]})
    return out


def assert_bookings(db, want: list[dict]) -> None:
    got = [(r["date"], r["account"], r["art"], r["amount_ore"], r["cpr"], r["voucher"])
           for r in query(db, "SELECT * FROM postings ORDER BY voucher")]
    assert got == sorted(((w["date"].isoformat(), w["account"], w["art"], w["ore"], w["cpr"], w["voucher"])
                          for w in want), key=lambda x: x[-1])


def test_sample_bookings_as_an_opus_workbook_with_debit_and_credit(db, tmp_path, samples):
    """Serial dates, Debet/Kredit columns, art packed as '40', CPR numbers that lost their leading zero,
    a subtotal after each month, title rows."""
    facit = json.loads((samples / "facit.json").read_text())["bogfoering_jan-okt_2026.csv"]
    lines = sample_bookings(samples)
    rows = [["Posteringsudtræk - Handicap og psykiatri"], ["Udskrevet 01.11.2026"], [],
            ["Posteringsdato", "Bilagsnummer", "Funktion", "Artskonto", "Debet", "Kredit", "CPR nr.", "Tekst"]]
    month = None
    for w in lines:
        if month is not None and w["date"].month != month:
            rows.append([f"Sum {month:02d}-2026"])
        month = w["date"].month
        cpr = w["cpr"].replace("-", "") if w["cpr"] else ""
        amount = abs(w["ore"]) / 100
        rows.append([(w["date"] - dt.date(1899, 12, 30)).days, w["voucher"], w["account"], w["art"].replace(".", ""),
                     amount if w["ore"] > 0 else None, amount if w["ore"] < 0 else None,
                     int(cpr) if cpr.startswith("0") else cpr, w["text"]])
    rows.append(["I alt", "", "", "", facit["sum"]])
    res = import_file(db, write_xlsx(tmp_path / "opus.xlsx", {"Posteringer": rows}))
    assert (res["kind"], res["imported"], res["rejected"]) == ("postings", facit["rows"], [])
    assert (res["mapping"]["debit"], res["mapping"]["credit"]) == ("Debet", "Kredit")
    assert db.execute("SELECT SUM(amount_ore) FROM postings").fetchone()[0] == round(facit["sum"] * 100)
    assert_bookings(db, lines)


def test_sample_bookings_as_a_utf8_csv_with_sign_column(db, tmp_path, samples):
    """UTF-8 with BOM, ',' between fields, quoted Danish amounts without sign and a D/K column,
    dates as '5. januar 2026', packed accounts with grouping and art, CPR with a space."""
    facit = json.loads((samples / "facit.json").read_text())["bogfoering_jan-okt_2026.csv"]
    lines = sample_bookings(samples)
    rows = [["Bogføringsdato", "Kontostreng", "Beløb", "D/K", "Personnummer", "Posteringstekst", "Bilag"]]
    for w in lines:
        kr, ore = divmod(abs(w["ore"]), 100)
        rows.append([f"{w['date'].day}. {MONTH_NAMES[w['date'].month - 1]} {w['date'].year}",
                     w["account"].replace(".", "") + "000" + w["art"].replace(".", ""),
                     f"{kr:,}".replace(",", ".") + f",{ore:02d}", "D" if w["ore"] > 0 else "K",
                     w["cpr"].replace("-", " ") if w["cpr"] else "", w["text"], w["voucher"]])
    res = import_file(db, write_csv(tmp_path / "prisme.csv", rows, delimiter=",", encoding="utf-8-sig"))
    assert (res["kind"], res["imported"], res["rejected"]) == ("postings", facit["rows"], [])
    assert res["mapping"]["sign"] == "D/K"
    assert db.execute("SELECT SUM(amount_ore) FROM postings").fetchone()[0] == round(facit["sum"] * 100)
    assert_bookings(db, lines)
    assert {r["grouping"] for r in query(db, "SELECT DISTINCT grouping FROM postings")} == {"000"}
