"""A second round of files nobody on the project has seen, mostly finance extracts.

A generator of its own (the first round, ``test_unseen_layouts.py``, is not repeated): made-up
bookings with storno pairs (a posting and its reversal), cross-municipality refunds (mellemkommunal
refusion, art 7.8) and payments to providers without a person, dressed as finance systems and
hand-kept sheets write them — a subtotal row per citizen ("Sum 010190-1234") and per account between
the postings; a pivot of citizens × months ("2026-01" .. "2026-10"); amounts as text with "kr.",
a trailing minus or parentheses, with spaces (also no-break spaces) between thousands; the sign in a
column of its own ("D"/"K", "+"/"-"); the account split over Hovedkonto / Hovedfunktion / Funktion /
Dranst / Art with the art as "40", "4.0" or "4.0.1"; the person in a "Modpart" cell as
"010190-1234 - Hansen, Anna"; CPR numbers masked as "010190-xxxx" (never guessed: booked without a
person with a warning, or asked); an old Excel .xls (BIFF8) with Excel serial dates; ods; csv with
``;``, ``,`` and tab in utf-8-sig and cp1252; only a period "2026-10" for a date. Grant lists: a row per
grant period with a rate change mid-year, the quantity as "3 t/uge", a status column, sections only in
a merged group row above each block.

The judged figure of a finance extract is the booked amount per citizen and account after import:
the test asserts, for each file, nothing wrong, nothing lost silently (a record not imported right is
in a rejected row or a row warned about), and at least ``least_right`` records and every citizen's
booked sum right (stated per case). Run as a script (``python -m tests.importing.test_unseen_layouts_2
[FOLDER]``) to import each file with ``main.py import FILE --json`` and print the table.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import struct
import sys
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.importing import parsers as p

from tests.cfb_files import write_cfb
from tests.import_files import write_csv, write_ods, write_xlsx
from tests.importing.test_unseen_layouts import Booking, Case, Grant, Person, Tally, import_with_cli, tally

D = dt.date
FIRST = ["Agnete", "Bjarne", "Cecilie", "Dennis", "Else", "Flemming", "Grethe", "Henrik", "Inger", "Jesper",
         "Kirsten", "Leif", "Malene", "Morten", "Nanna", "Per", "Rikke", "Søren", "Tina", "Vagn"]
LAST = ["Bach", "Dam", "Eriksen", "Frandsen", "Gregersen", "Holm", "Iversen", "Jakobsen", "Krogh", "Lund",
        "Mikkelsen", "Nørgaard", "Overgaard", "Petersen", "Riis", "Skov", "Toft", "Vestergaard", "Winther", "Aagaard"]
MONTH_NAMES = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober")


@dataclass
class Case2(Case):
    """A case whose rows with a masked CPR number must each be told about (rejected or warned)."""

    masked_rows: set = field(default_factory=set)


def persons(rnd: random.Random, n: int) -> list[Person]:
    out, seen = [], set()
    while len(out) < n:
        born = D(1950, 1, 1) + dt.timedelta(days=rnd.randrange(365 * 50))
        cpr = f"{born:%d%m%y}-{rnd.choice('0123')}{rnd.randint(0, 999):03d}"
        if cpr[:6] in seen:  # distinct birth dates: a masked number never names two people of the file
            continue
        seen.add(cpr[:6])
        out.append(Person(cpr, rnd.choice(FIRST), rnd.choice(LAST)))
    return out


ACCOUNTS = [("5.38.50", "4.0"), ("5.38.52", "4.0"), ("5.32.33", "4.0"), ("5.38.59", "4.8"), ("5.38.50", "7.8")]


def ledger(rnd: random.Random, people: list[Person], n: int, *, storno: int = 0, voucher0: int = 810000) -> list[Booking]:
    """``n`` bookings of 2026 (expenses, refunds from other municipalities as negative art 7.8, now and then
    a payment to a provider without a person) and ``storno`` reversals of earlier ones (same account, person
    and amount with the opposite sign, a later date and a voucher of their own)."""
    out = []
    for i in range(n):
        account, art = ACCOUNTS[i % len(ACCOUNTS)]
        person = people[i % len(people)] if i % 9 != 4 else None
        ore = rnd.randint(20000, 4500000)
        day = D(2026, 1, 1) + dt.timedelta(days=rnd.randrange(290))
        if art == "7.8":
            ore = -ore
            text = f"Mellemkommunal refusion {rnd.choice(['Aarhus', 'Vejle', 'Horsens'])} Kommune"
        elif person:
            text = f"{person.last} {MONTH_NAMES[day.month - 1]}"
        else:
            text = "Faktura leverandør"
        out.append(Booking(day, account, art, ore, person.cpr if person else None, text, str(voucher0 + i)))
    for k in range(storno):
        b = out[1 + 3 * k]
        out.append(Booking(b.date + dt.timedelta(days=rnd.randint(1, 20)), b.account, b.art, -b.ore, b.cpr,
                           f"Storno bilag {b.voucher}", str(voucher0 + n + k)))
    return out


def kroner(ore: int) -> Decimal:
    return Decimal(ore) / 100


def written(ore: int, style: str) -> str:
    """The amount as text: ``plain`` 1.234,50 / -1.234,50; ``kr`` kr. 1.234,50; ``trailing`` 1.234,50-;
    ``paren`` (1.234,50); ``space`` 1 234,50 (``nbsp`` with no-break spaces)."""
    whole, frac = f"{abs(kroner(ore)):.2f}".split(".")
    sep = {"space": " ", "nbsp": "\u00a0"}.get(style, ".")
    body = f"{int(whole):,}".replace(",", sep) + "," + frac
    neg = ore < 0
    if style == "kr":
        return f"kr. {'-' if neg else ''}{body}"
    if style == "trailing":
        return f"{body}-" if neg else body
    if style == "paren":
        return f"({body})" if neg else body
    return ("-" if neg else "") + body


def serial(day: dt.date) -> int:
    return (day - D(1899, 12, 30)).days


def add(case: Case, sheet: str, rows: list[list], record, row: list) -> None:
    rows.append(row)
    case.truth.append((sheet, len(rows), record))


def masked(cpr: str) -> str:
    return cpr[:7] + "xxxx"


# ---------------------------------------------------------------------- an old Excel file, written by hand

def _rec(kind: int, body: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(body)) + body


def write_xls(path: Path, sheet_name: str, rows: list[list]) -> Path:
    """A one-sheet BIFF8 workbook (Excel 97-2003): text cells as LABEL, numbers as NUMBER."""
    bof = lambda kind: _rec(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 0))  # noqa: E731
    name = sheet_name.encode("latin-1")
    globals_ = bof(0x0005) + _rec(0x0042, struct.pack("<H", 1200))
    at = len(globals_)
    globals_ += _rec(0x0085, struct.pack("<IBBBB", 0, 0, 0, len(name), 0) + name) + _rec(0x000A)
    cells = b""
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if v is None or v == "":
                continue
            if isinstance(v, (int, float)):
                cells += _rec(0x0203, struct.pack("<HHHd", r, c, 15, float(v)))
            else:
                text = str(v).encode("utf-16-le")
                cells += _rec(0x0204, struct.pack("<HHHHB", r, c, 15, len(str(v)), 1) + text)
    width = max(len(r) for r in rows)
    sheet = bof(0x0010) + _rec(0x0200, struct.pack("<IIHHH", 0, len(rows), 0, width, 0)) + cells + _rec(0x000A)
    globals_ = globals_[:at + 4] + struct.pack("<I", len(globals_)) + globals_[at + 8:]
    return write_cfb(path, {"Workbook": globals_ + sheet})


# ---------------------------------------------------------------------- finance extracts

def case_sums_per_citizen(folder: Path, rnd: random.Random) -> Case:
    """Sorted by citizen, a 'Sum 010190-1234' row after each citizen's postings and 'Sum konto 5.38.50' rows,
    a grand total; storno pairs; refunds."""
    case = Case2("sum_pr_borger.xlsx", "postings")
    rows = [["Posteringer pr. borger - Socialområdet 2026"], [],
            ["Bogføringsdato", "Konto", "Art", "CPR-nummer", "Tekst", "Beløb", "Bilagsnr."]]
    bs = ledger(rnd, persons(rnd, 7), 35, storno=3)
    for cpr in sorted({b.cpr or "" for b in bs}):
        mine = [b for b in bs if (b.cpr or "") == cpr]
        for b in sorted(mine, key=lambda b: (b.account, b.date)):
            add(case, "Posteringer", rows, b, [b.date, b.account, b.art, b.cpr or "", b.text, float(kroner(b.ore)),
                                                b.voucher])
        rows.append(["", "", "", "", f"Sum {cpr}" if cpr else "Sum uden CPR", float(kroner(sum(b.ore for b in mine)))])
    for account in sorted({b.account for b in bs}):
        rows.append([f"Sum konto {account}", "", "", "", "", float(kroner(sum(b.ore for b in bs if b.account == account)))])
    rows.append(["Total", "", "", "", "", float(kroner(sum(b.ore for b in bs)))])
    case.path = write_xlsx(folder / case.name, {"Posteringer": rows})
    case.least_right = len(case.truth)
    return case


def case_subtotal_in_cpr_column(folder: Path, rnd: random.Random) -> Case:
    """A csv (';', cp1252) where the subtotal rows stand in the CPR column ('010190-1234 Total') with the sum
    in the amount column, and the date and the account blank on them."""
    case = Case2("subtotal_cpr_kolonne.csv", "postings")
    rows = [["Dato", "Funktion", "Art", "Cpr", "Posteringstekst", "Beløb", "Bilag"]]
    bs = ledger(rnd, persons(rnd, 6), 30, storno=2)
    for cpr in sorted({b.cpr for b in bs if b.cpr}) + [None]:
        mine = [b for b in bs if b.cpr == cpr]
        for b in mine:
            add(case, "subtotal_cpr_kolonne", rows, b, [f"{b.date:%d-%m-%Y}", b.account, b.art, b.cpr or "", b.text,
                                                       written(b.ore, "plain"), b.voucher])
        rows.append(["", "", "", f"{cpr} Total" if cpr else "Total", "", written(sum(b.ore for b in mine), "plain"), ""])
    case.path = write_csv(folder / case.name, rows, delimiter=";", encoding="cp1252")
    case.least_right = len(case.truth)
    return case


def case_dated_subtotals(folder: Path, rnd: random.Random) -> Case:
    """An xlsx sorted by citizen and account whose subtotal rows keep the date (the period's last day), the
    account and the CPR number of the postings above them, the label 'Sum 010190-1234' / 'Subtotal' in the
    text column, no voucher: imported, each would double the citizen's booked sum."""
    case = Case2("dateret_subtotal.xlsx", "postings")
    rows = [["Dato", "Funktion", "Art", "CPR-nr.", "Tekst", "Beløb", "Bilagsnr."]]
    bs = ledger(rnd, persons(rnd, 6), 30, storno=2)
    groups: dict = {}
    for b in bs:
        groups.setdefault((b.cpr or "", b.account), []).append(b)
    for k, ((cpr, account), mine) in enumerate(sorted(groups.items())):
        for b in sorted(mine, key=lambda b: b.date):
            add(case, "Posteringer", rows, b, [b.date, b.account, b.art, b.cpr or "", b.text, float(kroner(b.ore)),
                                                b.voucher])
        if len(mine) > 1:
            rows.append([D(2026, 10, 31), account, mine[0].art, cpr, f"Sum {cpr}" if cpr and k % 2 else "Subtotal",
                         float(kroner(sum(b.ore for b in mine))), ""])
    case.path = write_xlsx(folder / case.name, {"Posteringer": rows})
    case.least_right = len(case.truth)
    return case


def case_pivot_iso_months(folder: Path, rnd: random.Random) -> Case:
    """An ods pivot: a row per citizen and account, a column per month headed '2026-01' .. '2026-10', the
    citizen as 'CPR - Navn' in one cell ('010190-1234 - Hansen, Anna'), a total column and row. Each
    filled month is a posting dated the month's last day."""
    case = Case2("pivot_iso_maaneder.ods", "postings")
    rows = [["Borger", "Funktion", "Art", *[f"2026-{m:02d}" for m in range(1, 11)], "Total"]]
    for i, p in enumerate(persons(rnd, 7)):
        account = ["5.38.50", "5.38.52", "5.32.33"][i % 3]
        amounts = [rnd.randint(50000, 3000000) if rnd.random() < 0.75 else None for _ in range(10)]
        rows.append([f"{p.cpr} - {p.last}, {p.first}", account, "4.0", *[a / 100 if a else None for a in amounts],
                     sum(a for a in amounts if a) / 100])
        for m, ore in enumerate(amounts, start=1):
            if ore:
                last = D(2026, m + 1, 1) - dt.timedelta(days=1)
                case.truth.append(("Ark1", len(rows), Booking(last, account, "4.0", ore, p.cpr, "", "")))
    rows.append(["Total", "", "", *[None] * 10])
    case.path = write_ods(folder / case.name, {"Ark1": rows})
    case.least_right = len(case.truth)
    return case


def case_text_amounts_tab(folder: Path, rnd: random.Random) -> Case:
    """A tab-separated utf-8-sig export: amounts as 'kr. 1.234,50' / '1.234,50-' / '(1.234,50)', dates
    '31.01.2026', the CPR without dash."""
    case = Case2("tekstbeloeb_tab.txt", "postings")
    rows = [["Bogf.dato", "Funktion", "Art", "Personnummer", "Tekst", "Beløb", "Bilagsnummer"]]
    for i, b in enumerate(ledger(rnd, persons(rnd, 8), 32, storno=2)):
        add(case, "tekstbeloeb_tab", rows, b, [f"{b.date:%d.%m.%Y}", b.account, b.art,
                                                b.cpr.replace("-", "") if b.cpr else "", b.text,
                                                written(b.ore, ("kr", "trailing", "paren")[i % 3]), b.voucher])
    case.path = write_csv(folder / case.name, rows, delimiter="\t", encoding="utf-8-sig")
    case.least_right = len(case.truth)
    return case


def case_debit_credit_comma(folder: Path, rnd: random.Random) -> Case:
    """A ','-separated cp1252 csv: Debet and Kredit both positive, thousands with spaces ('1 234,50'),
    'Modpart' holding 'Efternavn, Fornavn' beside the CPR column, ISO dates."""
    case = Case2("debet_kredit_komma.csv", "postings")
    people = persons(rnd, 8)
    names = {p.cpr: f"{p.last}, {p.first}" for p in people}
    rows = [["Posteringsdato", "Kontonummer", "Artskonto", "CPR", "Modpart", "Debet", "Kredit", "Bilag"]]
    for b in ledger(rnd, people, 30, storno=2):
        amount = written(abs(b.ore), "space")
        add(case, "debet_kredit_komma", rows, b, [b.date.isoformat(), b.account, b.art, b.cpr or "",
                                                   names.get(b.cpr, "Botilbud ApS"), amount if b.ore > 0 else "",
                                                   amount if b.ore < 0 else "", b.voucher])
    case.path = write_csv(folder / case.name, rows, delimiter=",", encoding="cp1252")
    case.least_right = len(case.truth)
    return case


def case_sign_column_split_account(folder: Path, rnd: random.Random) -> Case:
    """xlsx: the account over 'Hovedkonto' / 'Hovedfunktion' / 'Funktion' / 'Dranst' / 'Art' ('5', '38', '50',
    '1', '40'), the amount without sign and 'D'/'K' under 'D/K'."""
    case = Case2("fortegn_delt_konto.xlsx", "postings")
    rows = [["Dato", "Hovedkonto", "Hovedfunktion", "Funktion", "Dranst", "Art", "Beløb", "D/K", "CPR-nr.", "Tekst",
             "Bilagsnr."]]
    for b in ledger(rnd, persons(rnd, 8), 30, storno=2):
        main, head, func = b.account.split(".")
        add(case, "Data", rows, b, [b.date, int(main), int(head), func, 1, b.art.replace(".", ""),
                                    float(kroner(abs(b.ore))), "D" if b.ore > 0 else "K", b.cpr or "", b.text,
                                    b.voucher])
    case.path = write_xlsx(folder / case.name, {"Data": rows})
    case.least_right = len(case.truth)
    return case


def case_plus_minus_sub_art(folder: Path, rnd: random.Random) -> Case:
    """A ';' utf-8 csv: the art with its sub-art ('4.0.1'), the sign '+'/'-' in 'Fortegn', Excel serial dates
    written as numbers."""
    case = Case2("fortegn_underart.csv", "postings")
    rows = [["Bogføringsdato", "Funktion", "Art", "Beløb", "Fortegn", "Cpr-nr", "Tekst", "Bilag"]]
    for b in ledger(rnd, persons(rnd, 7), 30, storno=2):
        add(case, "fortegn_underart", rows, b, [serial(b.date), b.account, b.art + ".1",
                                                written(abs(b.ore), "plain"), "+" if b.ore > 0 else "-",
                                                b.cpr or "", b.text, b.voucher])
    case.path = write_csv(folder / case.name, rows, delimiter=";", encoding="utf-8")
    case.least_right = len(case.truth)
    return case


def case_modpart_cpr_name(folder: Path, rnd: random.Random) -> Case:
    """No CPR column: the person in 'Modpart' as '010190-1234 - Hansen, Anna' (a provider's name on the
    other rows), dates '31-01-26'."""
    case = Case2("modpart_cpr_navn.xlsx", "postings")
    rows = [["Bilagsdato", "Konto", "Art", "Modpart", "Beløb", "Bilagsnr", "Tekst"]]
    for b in ledger(rnd, persons(rnd, 8), 30, storno=2):
        who = f"{b.cpr} - {b.text.split()[0]}, Borger" if b.cpr else "Bo og Støtte ApS"
        add(case, "Ark1", rows, b, [f"{b.date:%d-%m-%y}", b.account, b.art, who, float(kroner(b.ore)), b.voucher,
                                    b.text])
    case.path = write_xlsx(folder / case.name, {"Ark1": rows})
    case.least_right = len(case.truth)
    return case


def case_masked_cpr(folder: Path, rnd: random.Random) -> Case:
    """A csv (';', utf-8-sig) whose CPR column is masked on some rows ('010190-xxxx', as a report that
    masks CPR writes it), and on others blank with the masked number in the text: such a row is never
    given a person by guess. Its truth is a posting without a
    person (warned about), or the row asked about."""
    case = Case2("maskeret_cpr.csv", "postings")
    rows = [["Dato", "Konto", "Art", "CPR", "Tekst", "Beløb", "Bilagsnr"]]
    for i, b in enumerate(ledger(rnd, persons(rnd, 6), 30)):
        shown = b.cpr or ""
        text = b.text
        if b.cpr and i % 5 == 1:
            shown, b = masked(b.cpr), Booking(b.date, b.account, b.art, b.ore, None, b.text, b.voucher)
            case.masked_rows.add(("maskeret_cpr", len(rows) + 1))
        elif b.cpr and i % 5 == 3:  # the CPR cell blank, the masked number in the text
            shown, text = "", f"{b.text} {masked(b.cpr)}"
            b = Booking(b.date, b.account, b.art, b.ore, None, b.text, b.voucher)
            case.masked_rows.add(("maskeret_cpr", len(rows) + 1))
        add(case, "maskeret_cpr", rows, b, [f"{b.date:%d-%m-%Y}", b.account, b.art, shown, text,
                                            written(b.ore, "plain"), b.voucher])
    case.path = write_csv(folder / case.name, rows, delimiter=";", encoding="utf-8-sig")
    case.least_right = len(case.truth) - len(case.masked_rows)
    return case


def case_old_excel(folder: Path, rnd: random.Random) -> Case:
    """An .xls (Excel 97-2003) from an old finance system: Excel serial dates as plain numbers, CPR as text
    with dash, the account '5.38.50' and art '4.0' in two columns, amounts as numbers."""
    case = Case2("gammelt_udtraek.xls", "postings")
    rows = [["Finansudtræk 2026"], [], ["Bogf. dato", "Funktion", "Art", "CPR-nr.", "Tekst", "Beløb", "Bilag"]]
    for b in ledger(rnd, persons(rnd, 7), 30, storno=2):
        add(case, "Ark1", rows, b, [serial(b.date), b.account, b.art, b.cpr or "", b.text, float(kroner(b.ore)),
                                    b.voucher])
    case.path = write_xls(folder / case.name, "Ark1", rows)
    case.least_right = len(case.truth)
    return case


def case_period_only(folder: Path, rnd: random.Random) -> Case:
    """A ','-separated utf-8 csv with no date at all, only 'Periode' as '2026-10': each posting is dated the
    last day of its period; amounts '1234,50' quoted."""
    case = Case2("kun_periode.csv", "postings")
    rows = [["Periode", "Konto", "Art", "CPR-nr", "Tekst", "Beløb", "Bilagsnr"]]
    for b in ledger(rnd, persons(rnd, 7), 30, storno=2):
        last = D(2026, b.date.month + 1, 1) - dt.timedelta(days=1) if b.date.month < 12 else D(2026, 12, 31)
        b = Booking(last, b.account, b.art, b.ore, b.cpr, b.text, b.voucher)
        add(case, "kun_periode", rows, b, [f"{b.date:%Y-%m}", b.account, b.art, b.cpr or "", b.text,
                                           f"{kroner(b.ore):.2f}".replace(".", ","), b.voucher])
    case.path = write_csv(folder / case.name, rows, delimiter=",", encoding="utf-8")
    case.least_right = len(case.truth)
    return case


def case_ods_finance(folder: Path, rnd: random.Random) -> Case:
    """An ods finance extract: title, dates as date cells, 'Kontostreng' '5.38.50-4.0' or '5.38.50.1.002-4.0.3'
    (account, dranst, grouping, art and sub-art in one cell), amounts as text with no-break spaces between thousands, the CPR in the text on rows whose CPR
    cell is blank."""
    case = Case2("finans.ods", "postings")
    rows = [["Økonomiudtræk"], ["Periode: januar - oktober 2026"], [],
            ["Dato", "Kontostreng", "CPR", "Posteringstekst", "Beløb", "Bilagsnr."]]
    for i, b in enumerate(ledger(rnd, persons(rnd, 8), 30, storno=2)):
        cpr, text = b.cpr or "", b.text
        if b.cpr and i % 3 == 0:
            cpr, text = "", f"{b.text} cpr {b.cpr}"
        account = f"{b.account}-{b.art}" if i % 2 else f"{b.account}.1.002-{b.art}.{i % 7 + 1}"  # with a sub-art
        add(case, "Udtræk", rows, b, [b.date, account, cpr, text, written(b.ore, "nbsp"), b.voucher])
    case.path = write_ods(folder / case.name, {"Udtræk": rows})
    case.least_right = len(case.truth)
    return case


def case_refund_municipality_column(folder: Path, rnd: random.Random) -> Case:
    """A cp1252 ';' csv where refunds from other municipalities carry the paying municipality in a column
    of its own ('Betalingskommune') and a positive amount under 'Indtægt', expenses under 'Udgift'."""
    case = Case2("refusion_kolonne.csv", "postings")
    rows = [["Bogføringsdato", "Funktion", "Art", "CPR", "Betalingskommune", "Tekst", "Udgift", "Indtægt", "Bilag"]]
    for b in ledger(rnd, persons(rnd, 7), 30, storno=2):
        municipality = b.text.split()[2] + " Kommune" if b.art == "7.8" else ""
        add(case, "refusion_kolonne", rows, b, [f"{b.date:%d.%m.%Y}", b.account, b.art, b.cpr or "", municipality,
                                                b.text, written(b.ore, "plain") if b.ore > 0 else "",
                                                written(-b.ore, "plain") if b.ore < 0 else "", b.voucher])
    case.path = write_csv(folder / case.name, rows, delimiter=";", encoding="cp1252")
    case.least_right = len(case.truth)
    return case


# ---------------------------------------------------------------------- grant lists

SECTION_OF = {"§ 108": ("5.38.50", "døgn", "Bofællesskabet Kastanjen"), "§ 107": ("5.38.52", "døgn", "Akutpladserne Vest"),
              "§ 85": ("5.32.33", "time", "Bostøtten Syd"), "§ 104": ("5.38.59", "dag", "Værestedet Broen")}


def grant(rnd: random.Random, p: Person, section: str, **kw) -> Grant:
    _, unit, provider = SECTION_OF[section]
    quantity = per = None
    if unit == "time":
        quantity, per = Decimal(rnd.choice([3, 5, 8, 12])), "uge"
    elif unit == "dag":
        quantity, per = Decimal(rnd.randint(2, 5)), "uge"
    rate = Decimal(rnd.randint(150000, 380000) if unit == "døgn" else rnd.randint(40000, 120000)) / 100
    start = D(2018, 1, 1) + dt.timedelta(days=rnd.randrange(2800))
    end = None if rnd.random() < 0.6 else start + dt.timedelta(days=rnd.randint(100, 900))
    values = dict(person=p, section=section, provider=provider, rate=rate, unit=unit, quantity=quantity, per=per,
                  start=start, end=end, vum=None)
    values.update(kw)
    return Grant(**values)


def case_rate_change_rows(folder: Path, rnd: random.Random) -> Case:
    """A row per grant period: a rate change on 1 July 2026 ends the grant's first row on 30.06.2026 and starts
    a row with the new rate; the other grants one row each."""
    case = Case2("takstskift_perioder.xlsx", "grants", carries={"name", "end"})
    rows = [["Bevillingsperioder 2026"], [],
            ["CPR-nr.", "Navn", "Paragraf", "Leverandør", "Døgntakst", "Periode start", "Periode slut"]]
    for i, p in enumerate(persons(rnd, 9)):
        g = grant(rnd, p, "§ 108" if i % 2 else "§ 107")
        if i % 3 == 0:
            first = Grant(**{**g.__dict__, "start": D(2025, rnd.randint(1, 12), 1), "end": D(2026, 6, 30)})
            second = Grant(**{**g.__dict__, "start": D(2026, 7, 1), "end": None, "rate": g.rate + Decimal("85.50")})
            parts = [first, second]
        else:
            parts = [g]
        for part in parts:
            add(case, "Perioder", rows, part, [p.cpr, p.name, part.section, part.provider, float(part.rate),
                                               part.start, part.end])
    case.path = write_xlsx(folder / case.name, {"Perioder": rows})
    case.least_right = len(case.truth)
    return case


def case_quantity_with_unit(folder: Path, rnd: random.Random) -> Case:
    """A ';' cp1252 csv from a case system: 'Omfang' as '3 t/uge' or '4 dg/uge' (no unit column), rate as
    'kr. 512,00', section as 'SEL §85'."""
    case = Case2("omfang_enhed.csv", "grants", carries={"name", "unit", "quantity", "end"})
    rows = [["CPR", "Borger", "Ydelse", "Leverandør", "Pris", "Omfang", "Fra", "Til"]]
    for i, p in enumerate(persons(rnd, 10)):
        g = grant(rnd, p, ["§ 85", "§ 104"][i % 2])
        amount = f"{g.quantity} {'t' if g.unit == 'time' else 'dg'}/uge"
        add(case, "omfang_enhed", rows, g, [p.cpr, p.name, f"SEL §{g.section[2:]}", g.provider,
                                            "kr. " + f"{g.rate:.2f}".replace(".", ","), amount, f"{g.start:%d.%m.%Y}",
                                            f"{g.end:%d.%m.%Y}" if g.end else ""])
    case.path = write_csv(folder / case.name, rows, delimiter=";", encoding="cp1252")
    case.least_right = len(case.truth)
    return case


def case_status_column(folder: Path, rnd: random.Random) -> Case:
    """A status column 'Aktiv' / 'Ophørt' / 'Ophører' beside the end date; units as 'Døgn'/'Time'."""
    case = Case2("status_kolonne.xlsx", "grants", carries={"name", "end", "unit", "quantity"})
    rows = [["Status", "Cpr nr.", "Navn", "§", "Leverandør", "Takst", "Enhed", "Timer/uge", "Start", "Slut"]]
    for i, p in enumerate(persons(rnd, 10)):
        g = grant(rnd, p, ["§ 85", "§ 108", "§ 107"][i % 3])
        status = "Aktiv" if g.end is None else ("Ophørt" if g.end < D(2026, 12, 5) else "Ophører")
        add(case, "Bevillinger", rows, g, [status, p.cpr, p.name, g.section, g.provider, float(g.rate),
                                           g.unit.capitalize(), float(g.quantity) if g.quantity else None, g.start,
                                           g.end])
    case.path = write_xlsx(folder / case.name, {"Bevillinger": rows})
    case.least_right = len(case.truth)
    return case


def case_merged_section_rows(folder: Path, rnd: random.Random) -> Case:
    """No section column: each block of rows under a merged group row '§ 108 Længerevarende botilbud'
    spanning the whole table; the provider in its own column."""
    case = Case2("flettede_afsnit.xlsx", "grants", carries={"name", "end"})
    rows = [["Borgere i botilbud"], [], ["CPR", "Navn", "Tilbud", "Takst pr. døgn", "Start", "Slut"]]
    merged = []
    names = {"§ 107": "Midlertidigt botilbud", "§ 108": "Længerevarende botilbud"}
    people = persons(rnd, 10)
    for k, section in enumerate(("§ 107", "§ 108")):
        rows.append([f"{section} {names[section]}"])
        merged.append(f"A{len(rows)}:F{len(rows)}")
        for p in people[k * 5:(k + 1) * 5]:
            g = grant(rnd, p, section)
            add(case, "Botilbud", rows, g, [p.cpr, p.name, g.provider, float(g.rate), g.start, g.end])
    case.path = write_xlsx(folder / case.name, {"Botilbud": rows}, merged={"Botilbud": merged})
    case.least_right = len(case.truth)
    return case


CASES = [case_sums_per_citizen, case_subtotal_in_cpr_column, case_dated_subtotals, case_pivot_iso_months, case_text_amounts_tab,
         case_debit_credit_comma, case_sign_column_split_account, case_plus_minus_sub_art, case_modpart_cpr_name,
         case_masked_cpr, case_old_excel, case_period_only, case_ods_finance, case_refund_municipality_column,
         case_rate_change_rows, case_quantity_with_unit, case_status_column, case_merged_section_rows]


def build_cases(folder: Path, seed: int = 1313) -> list[Case2]:
    out = []
    for i, make in enumerate(CASES):
        out.append(make(folder, random.Random(seed * 100 + i)))
    return out


# ---------------------------------------------------------------------- the parsers' new forms

@given(art=st.sampled_from(["4.0", "4.5", "4.8", "4.9", "7.6", "7.8"]), dot=st.booleans(),
       sub=st.sampled_from([".1", ".01", ".123", "-2", ".10"]), comma=st.booleans(), name=st.sampled_from(["", " Køb"]))
@settings(max_examples=60, deadline=None)
def test_an_art_with_a_sub_art_is_the_art(art, dot, sub, comma, name):
    written = (art if dot else art.replace(".", "")) + sub + name
    if comma:
        written = written.replace(".", ",")
    assert p.parse_art(written) == art


@pytest.mark.parametrize("raw", ["4-8", "4.0.1.2", "401", "4.0.1234", "x"])
def test_an_art_that_reads_two_ways_or_not_at_all_is_refused(raw):
    with pytest.raises(p.ParseError):
        p.parse_art(raw)


@given(account=st.sampled_from(["5.38.50", "5.32.33", "5.38.59"]), dranst=st.sampled_from(["", ".1", " 1", "-1"]),
       grouping=st.sampled_from(["", ".002", " 004"]), art=st.sampled_from(["4.0", "4.8", "7.8"]),
       sub=st.sampled_from([".1", ".12", "-3", ",4"]), sep=st.sampled_from(["-", " ", "."]))
@settings(max_examples=80, deadline=None)
def test_an_account_string_whose_art_has_a_sub_art_is_read(account, dranst, grouping, art, sub, sep):
    # '5.38.50.1.002-4.0.3': account 5.38.50, dranst 1, grouping 002, art 4.0 with the municipality's sub-art 3
    written = account + (dranst if grouping or dranst.strip(" ") else "") + grouping + sep + art + sub
    assert p.parse_account(written) == (account, grouping.strip(". "), art)


@pytest.mark.parametrize("main, head, function", [(5, 38, 50), ("5", "38", "50"), (5.0, 38.0, 50.0), ("05", " 38", 50)])
def test_an_account_split_over_hovedkonto_hovedfunktion_and_funktion_is_joined(db, tmp_path, main, head, function):
    from core.importing.batches import import_file

    rows = [["Dato", "Hovedkonto", "Hovedfunktion", "Funktion", "Dranst", "Art", "Beløb", "CPR"],
            [dt.date(2026, 3, 2), main, head, function, 1, "40", 1234.5, "010190-1234"],
            [dt.date(2026, 3, 3), 5, 32, 33, 1, "40", 100.0, ""]]
    res = import_file(db, write_xlsx(tmp_path / "split.xlsx", {"Ark1": rows}))
    assert res["rejected"] == [] and res["mapping"]["account"] == "Hovedkonto + Hovedfunktion + Funktion"
    assert [u["column"] for u in res["unused_columns"]] == ["Dranst"]
    assert _postings(db) == [("2026-03-02", "5.38.50", 123450, "010190-1234", ""), ("2026-03-03", "5.32.33", 10000, None, "")]


def test_columns_named_hovedkonto_that_hold_no_account_parts_are_not_joined(db, tmp_path):
    from core.importing.batches import import_file

    # 'Hovedkonto' holds names, not the digit 5: the two-digit 'Funktion' is asked about, never joined by guess
    rows = [["Dato", "Hovedkonto", "Hovedfunktion", "Funktion", "Art", "Beløb"],
            [dt.date(2026, 3, 2), "Social", 38, 50, "4.0", 10.0]]
    res = import_file(db, write_xlsx(tmp_path / "nosplit.xlsx", {"Ark1": rows}))
    assert [(r["column"], r["value"]) for r in res["rejected"]] == [("Funktion", "50")]
    assert _postings(db) == []


GROUPED = [["CPR", "Navn", "Tilbud", "Takst pr. døgn", "Start", "Slut"],
           ["§ 107 Midlertidigt botilbud"],
           ["010190-1234", "Anna Holm", "Akutpladserne Vest", 1850.0, dt.date(2025, 3, 1), None],
           ["§ 108 Længerevarende botilbud"],
           ["020290-2345", "Bo Berg", "Bofællesskabet Kastanjen", 2450.0, dt.date(2024, 1, 15), None],
           ["030390-3456", "Carl Dahl", "Bofællesskabet Kastanjen", 2300.0, dt.date(2023, 6, 1), None]]


def test_each_row_takes_the_section_of_the_merged_group_row_above_it(db, tmp_path):
    from core.importing.batches import import_file
    from core.register.grants import grant_json, list_grants

    res = import_file(db, write_xlsx(tmp_path / "grouped.xlsx", {"Ark1": GROUPED}, merged={"Ark1": ["A2:F2", "A4:F4"]}))
    assert res["kind"] == "grants" and res["rejected"] == []
    assert sorted((g["cpr"], g["section"]) for g in map(grant_json, list_grants(db))) == [
        ("010190-1234", "§ 107"), ("020290-2345", "§ 108"), ("030390-3456", "§ 108")]


def test_group_rows_that_do_not_all_name_a_section_give_none(db, tmp_path):
    from core.errors import DispoError
    from core.importing.batches import import_file

    rows = [r if r != ["§ 108 Længerevarende botilbud"] else ["Nye borgere"] for r in GROUPED]
    with pytest.raises(DispoError, match="Paragraf"):
        import_file(db, write_xlsx(tmp_path / "mixed.xlsx", {"Ark1": rows}), "grants")


def _postings(db) -> list[tuple]:
    from core.store.storage import query

    return [(r["date"], r["account"], r["amount_ore"], r["cpr"], r["voucher"])
            for r in query(db, "SELECT * FROM postings ORDER BY id")]


H = ["Dato", "Konto", "Art", "CPR", "Tekst", "Beløb", "Bilag"]


def test_a_subtotal_row_that_keeps_the_date_and_account_is_skipped_not_booked(db, tmp_path):
    from core.importing.batches import import_file

    rows = [H, ["01-02-2026", "5.38.50", "4.0", "010190-1234", "Husleje", "1.000,00", "1"],
            ["02-02-2026", "5.38.50", "4.0", "010190-1234", "Husleje", "2.000,00", "2"],
            ["28-02-2026", "5.38.50", "4.0", "010190-1234", "Sum 010190-1234", "3.000,00", ""],
            ["03-02-2026", "5.38.52", "4.0", "020290-2345", "Ophold", "500,00", "3"],
            ["28-02-2026", "5.38.52", "4.0", "020290-2345", "Subtotal", "500,00", ""],
            ["", "5.38.52", "4.0", "", "I alt", "3.500,00", ""]]
    res = import_file(db, write_csv(tmp_path / "sub.csv", rows, delimiter=";"))
    # 010190-1234 is booked 1.000 + 2.000 = 3.000 kr., not 6.000; 020290-2345 500 kr., not 1.000
    assert _postings(db) == [("2026-02-01", "5.38.50", 100000, "010190-1234", "1"),
                             ("2026-02-02", "5.38.50", 200000, "010190-1234", "2"),
                             ("2026-02-03", "5.38.52", 50000, "020290-2345", "3")]
    assert res["rejected"] == []
    assert {(w["row"], w["warning"]) for w in res["warnings"]} >= {
        (4, "Sum-rækken 'Sum 010190-1234' springes over"), (6, "Sum-rækken 'Subtotal' springes over")}


def test_a_row_labelled_a_sum_whose_amount_sums_nothing_above_is_asked_about(db, tmp_path):
    from core.importing.batches import import_file

    rows = [H, ["01-02-2026", "5.38.50", "4.0", "010190-1234", "Husleje", "1.000,00", "1"],
            ["28-02-2026", "5.38.50", "4.0", "010190-1234", "Sum 010190-1234", "1.250,00", ""]]
    res = import_file(db, write_csv(tmp_path / "odd.csv", rows, delimiter=";"))
    assert [(r["row"], r["value"]) for r in res["rejected"]] == [(3, "Sum 010190-1234")]
    assert _postings(db) == [("2026-02-01", "5.38.50", 100000, "010190-1234", "1")]


def test_a_posting_whose_text_starts_with_a_sum_word_is_a_posting(db, tmp_path):
    from core.importing.batches import import_file

    # its own voucher, or a text that is more than a sum label: a posting even when its amount repeats
    rows = [H, ["01-02-2026", "5.38.50", "4.0", "010190-1234", "Husleje", "1.000,00", "1"],
            ["02-02-2026", "5.38.50", "4.0", "010190-1234", "Total pleje februar", "1.000,00", "2"],
            ["03-02-2026", "5.38.50", "4.0", "010190-1234", "Samlet regning", "700,00", "3"]]
    res = import_file(db, write_csv(tmp_path / "total_text.csv", rows, delimiter=";"))
    assert res["rejected"] == [] and len(_postings(db)) == 3


@pytest.mark.parametrize("text", ["Husleje 010190-xxxx", "Ophold 010190XXXX marts", "cpr 010190-****"])
def test_a_masked_cpr_in_the_text_is_asked_about_never_guessed(db, tmp_path, text):
    from core.importing.batches import import_file

    # 010190-1234 is in the file's CPR column, yet the masked number could be any 010190-person
    rows = [H, ["01-02-2026", "5.38.50", "4.0", "010190-1234", "Husleje", "1.000,00", "1"],
            ["02-02-2026", "5.38.50", "4.0", "", text, "2.000,00", "2"],
            ["03-02-2026", "5.38.50", "4.0", "", "Faktura 4711", "300,00", "3"]]
    res = import_file(db, write_csv(tmp_path / "masked.csv", rows, delimiter=";"))
    assert [r["row"] for r in res["rejected"]] == [3]
    assert "skjult CPR-nummer" in res["rejected"][0]["reason"]
    assert _postings(db) == [("2026-02-01", "5.38.50", 100000, "010190-1234", "1"),
                             ("2026-02-03", "5.38.50", 30000, None, "3")]


# ---------------------------------------------------------------------- measuring

def citizen_sums(pairs) -> Counter:
    """Booked øre per (cpr, account)."""
    out: Counter = Counter()
    for cpr, account, ore in pairs:
        out[cpr or "", account] += ore
    return out


def measure(case: Case, result: dict | None, refusal: str | None, stored: list[dict]) -> tuple[Tally, int, int]:
    """The first round's tally, masked rows warned about, and the citizens (and accounts) whose booked sum
    came in right, of how many."""
    t = tally(case, result, refusal, stored)
    if case.kind != "postings":
        return t, 0, 0
    if result is not None:
        told = {(r["sheet"], r["row"]) for r in result["rejected"]} | \
            {(w["sheet"], w.get("row")) for w in result["warnings"]}
        silent = sorted(case.masked_rows - told)
        if silent:
            t.wrong += len(silent)
            t.details.append(f"masked CPR without a word: {silent[:4]}")
    want = citizen_sums((b.cpr, b.account, b.ore) for _, _, b in case.truth if b.cpr)
    got = citizen_sums((s["cpr"], s["account"], s["amount_ore"]) for s in stored if s["cpr"])
    right = sum(1 for k, v in want.items() if got.get(k) == v)
    return t, right, len(want)


def import_in_process(case: Case, db_file: Path) -> tuple[Tally, int, int]:
    from core.errors import DispoError
    from core.importing.batches import commit, prepare
    from core.register.grants import grant_json, list_grants
    from core.store.storage import open_db

    db = open_db(db_file)
    try:
        try:
            res = commit(db, prepare(db, case.path))
        except DispoError as ex:
            return measure(case, None, str(ex), [])
        stored = [grant_json(g) for g in list_grants(db)] if case.kind == "grants" else \
            [dict(r) for r in db.query("SELECT * FROM postings")]
        return measure(case, res, None, stored)
    finally:
        db.close()


@pytest.fixture(scope="module")
def cases(tmp_path_factory) -> list[Case]:
    return build_cases(tmp_path_factory.mktemp("unseen2"))


@pytest.mark.parametrize("make", CASES, ids=lambda f: f.__name__[5:])
def test_second_round_imports_right_or_asks(make, cases, empty_db, tmp_path):
    case = cases[CASES.index(make)]
    shutil.copy(empty_db, tmp_path / "d.sqlite")
    t, citizens_right, citizens = import_in_process(case, tmp_path / "d.sqlite")
    assert t.wrong == 0 and t.extra == 0, "\n".join(t.details)
    assert t.lost == 0, "\n".join(t.details)
    assert not t.noise, "\n".join(t.details)
    assert t.right >= case.least_right, f"{t.right} of {len(case.truth)} right, at least {case.least_right}:\n" + \
        "\n".join(t.details)
    assert citizens_right == citizens, f"{citizens_right} of {citizens} citizens' booked sums right"


# ---------------------------------------------------------------------- the table, as a user runs it

def main(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    print(f"{'file':<28} {'rows':>4} {'right':>6} {'wrong':>6} {'asked':>6} {'refused':>8} {'lost':>5} {'extra':>6}"
          f" {'citizens right':>15}")
    for case in build_cases(folder):
        db_file = folder / (case.name + ".sqlite")
        db_file.unlink(missing_ok=True)
        t, right, n = import_with_cli(case, db_file, measure)
        print(t.row(case.name, len(case.truth)) + (f" {right:>8} of {n:<3}" if n else ""))
        for d in t.details[:4]:
            print("    " + d)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/tmp/unseen_layouts_2"))
