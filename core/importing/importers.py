"""One importer per kind of data: parse a table's rows, classify them against the database, apply them.

Each importer does one job (beangulp style): ``parse`` turns a mapped table into
``Record``s (rejecting what cannot be read, with sheet, row, column, value and reason);
``classify`` marks each record new, changed, unchanged or a duplicate within the file;
``apply`` writes one record inside the batch's transaction. Rows changed by an import
keep their old values in ``import_changes`` so that undo can put them back.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from operator import itemgetter
from typing import Callable

from core.store import audit, settings
from core.errors import NotFoundError, ValidationError
from core.register.catalogue import accounts as catalogue_accounts, section as get_section
from core.register.grants import create_grant, grant_state, grant_warnings, validate_grant
from core.register import pa_hours
from core.importing import parsers as p
from core.importing.choices import translate_cells
from core.importing.columns import BLANK, ERROR, OK, WARNING, ore_column, parse_cell, parse_column
from core.importing.fields import KINDS, Kind
from core.importing.matching import BlockValues, Mapping, account_part_columns, joined_account, joined_cpr
from core.importing.persons import cprs_by_heading, find_by_name, find_persons, name_key, name_without_cpr
from core.importing.providers import ProviderMatcher
from core.importing.records import (CHANGED, DUPLICATE, NEW, REJECTED, SKIPPED, UNCHANGED, Record, RecordBlock,
                                    keys_of, of_status, value_of, value_rows)
from core.importing.table import Table
from core.money import format_date, format_number, month_end, to_ore
from core.store.storage import bulk_insert, query


def record_change(db, batch_id: int, table: str, row_id, old: dict) -> None:
    """Keep a row's values from before an import changed it (undo writes them back).

    Other modules that change existing rows during an import (e.g. VUM assessments) call this too.
    """
    db["import_changes"].insert({"batch_id": batch_id, "table_name": table, "row_id": row_id,
                                 "old": json.dumps(old, ensure_ascii=False, default=str)})


class ImportContext:
    """What every importer of one file shares: the database, the provider matcher, the own municipality."""

    def __init__(self, db, file_name: str = ""):
        self.db = db
        self.file_name = file_name
        self.own_municipality = settings.get(db, "municipality") or ""
        self.providers = ProviderMatcher(db, self.own_municipality)
        self._registered: frozenset | None = None
        self._names: dict[str, set[str]] | None = None

    def registered_cprs(self) -> frozenset:
        """The CPR numbers of the citizens already registered (read once per file)."""
        if self._registered is None:
            self._registered = frozenset(r[0] for r in self.db.execute("SELECT cpr FROM citizens"))
        return self._registered

    def registered_names(self) -> dict[str, set[str]]:
        """The registered citizens' CPR numbers by name (as ``name_key`` writes it; read once per file)."""
        if self._names is None:
            self._names = {}
            for cpr, name in self.db.execute("SELECT cpr, name FROM citizens WHERE name != ''"):
                self._names.setdefault(name_key(name), set()).add(cpr)
        return self._names


class Importer:
    """The common part: parse mapped cells with the kind's field parsers."""

    kind: Kind
    persons_by_name = False  # a row without a CPR number is a registered citizen's when it names only her

    def __init__(self, ctx: ImportContext):
        self.ctx = ctx
        self.db = ctx.db
        self.notes: list[str] = []  # what the user should know about how the file was read

    # -------------------------------------------------------------- parsing
    def parse(self, table: Table, mapping: Mapping) -> list[Record]:
        """The table's rows as records, column by column (``columns.parse_column``): each
        distinct value of a column is parsed once, and only rows with a problem are walked
        cell by cell to report it."""
        self.start_sheet(table, mapping)
        cols = self.parse_columns(table, mapping)
        out = []
        for i, (_, cells) in enumerate(table.rows):
            out.extend(self.finish(self.record(cols, i), table, mapping, cells))
        return out

    def parse_columns(self, table: Table, mapping: Mapping) -> "ParsedColumns":
        """Every mapped column of the table parsed (see ``columns.parse_column``).

        A fixed value is a column of its own holding that value on every row (and fills the
        blank cells of the field's column); a field's translations replace the values they name
        before parsing; the CPR column is completed from the rest of each row
        (``persons.find_persons``).
        """
        rows = [cells for _, cells in table.rows]
        specs = [(name, col) for name, col in mapping.columns.items()]
        specs += [(name, None) for name in mapping.defaults if name not in mapping.columns]
        if mapping.cpr_parts and "cpr" not in mapping.columns:
            specs.append(("cpr", mapping.cpr_parts))
        fields, raws, values, problems = [], [], [], []
        for name, col in specs:
            f = self.kind.field(name)
            if isinstance(col, tuple):  # a CPR number split over two columns
                a, b = col
                cells = [joined_cpr(r[a] if a < len(r) else None, r[b] if b < len(r) else None) for r in rows]
                header = f"{table.headers[a]} + {table.headers[b]}".strip(" +")
                col = None
            elif col is None:
                fixed = mapping.defaults[name]
                cells = [fixed.of(r) for r, _ in table.rows] if isinstance(fixed, BlockValues) else [fixed] * len(rows)
                header = f"{f.label} (fast værdi)"
            else:
                cells = table.column(col)
                parts = account_part_columns(table, col) if name == "account" else None
                if parts:  # 'Hovedkonto' 5, 'Hovedfunktion' 38, 'Funktion' 50: the account 5.38.50
                    a, b = parts
                    cells = [joined_account(r[a] if a < len(r) else None, r[b] if b < len(r) else None, v)
                             for r, v in zip(rows, cells)]
                if name in mapping.defaults:
                    fixed = mapping.defaults[name]
                    cells = [fixed if c is None or (c.__class__ is str and not c.strip()) else c for c in cells]
                header = table.headers[col] or name
            cells = translate_cells(mapping, name, cells)
            parsed, bad = self.parse_dates_in_order(f, cells) if f.looks == "date" else self.parse_field_column(f, cells)
            if col is not None:
                parsed = self.read_as_header_says(table, f, header, cells, parsed)
            fields.append((f, -1 if col is None else col, header))
            raws.append(cells)
            values.append(parsed)
            problems.append(bad)
        names = [f.name for f, _, _ in fields]
        if any(f.name == "cpr" for f in self.kind.fields):
            if "cpr" not in names:  # no CPR column: the number is looked for in the whole row
                grouped = cprs_by_heading(table)  # or in the heading of the rows' group
                cells = [grouped.of(r) for r, _ in table.rows] if grouped else [None] * len(rows)
                fields.append((self.kind.field("cpr"), -1, "CPR-nr. (fra mellemoverskrifterne)" if grouped
                               else "CPR-nr. (fundet i rækken)"))
                raws.append(cells)
                values.append([c if c is None or p.CPR_FORM.fullmatch(c) else None for c in cells])
                problems.append({i: (ERROR, f"Mellemoverskriften '{c}' over rækken nævner flere CPR-numre. Hvem "
                                            "gælder rækken? Skriv ét CPR-nummer i overskriften, og importér igen")
                                 for i, c in enumerate(cells) if c is not None and not p.CPR_FORM.fullmatch(c)})
                names.append("cpr")
                if grouped:
                    self.notes.append(f"Arket '{table.sheet}': CPR-nummeret er læst fra mellemoverskriften over "
                                      f"rækkerne på {sum(1 for c in cells if c)} rækker")
            k = names.index("cpr")
            if "cpr" in mapping.looked_up:  # an id the sheet of cases does not give one CPR number
                raw_ids = raws[k]
                for i in [i for i, (status, _) in problems[k].items() if status is ERROR]:
                    problems[k][i] = (ERROR, f"'{p.text(raw_ids[i])}' står ikke (eller med to CPR-numre) i arket "
                                             f"'{mapping.looked_up['cpr']}'; ret det, og importér igen")
            taken = find_persons(table, mapping, self.kind, values[k], problems[k], fields[k][2],
                                 self.ctx.registered_cprs())
            for header, n in taken.items():
                self.notes.append(f"Arket '{table.sheet}': CPR-nummeret er læst fra kolonnen '{header}' på {n} "
                                  f"{'række' if n == 1 else 'rækker'} uden CPR-nummer i CPR-kolonnen")
            if "name" in names:
                values[names.index("name")] = [name_without_cpr(v) for v in values[names.index("name")]]
                if self.persons_by_name:
                    unknown = find_by_name(values[k], problems[k], values[names.index("name")],
                                           self.ctx.registered_names())
                    if unknown:
                        self.notes.append(f"Arket '{table.sheet}': {len(unknown)} navne uden CPR-nummer er ikke "
                                          "en kendt borger og er bogført uden borger (fx "
                                          + ", ".join(f"'{n}'" for n in unknown[:3]) + ")")
        return ParsedColumns(table, fields, raws, values, problems)

    def read_as_header_says(self, table: Table, f, header: str, cells: list, parsed: list) -> list:
        """A column's values as its header says to read them: amounts counted in thousands, millions or
        øre (``Beløb (t.kr.)``, ``Beløb i øre``) as kroner; names written surname first without a comma
        under ``Efternavn Fornavn`` turned round. Each is told in the import's notes."""
        if f.looks == "amount":
            scale = p.header_scale(header)
            if scale is None:
                return parsed
            factor, what = scale
            self.notes.append(f"Arket '{table.sheet}': beløbene i kolonnen '{header}' er læst som {what}")
            return [None if v is None else scaled_amount(v, factor) for v in parsed]
        if f.parser in (p.parse_start_date, p.parse_end_date):
            months = [c for c in dict.fromkeys(c for c in cells if c.__class__ is str) if p.names_month_only(c)]
            if months:
                day = "den 1." if f.parser is p.parse_start_date else "den sidste dag"
                self.notes.append(f"Arket '{table.sheet}': datoer uden dag i kolonnen '{header}' (fx '{months[0]}') er "
                                  f"læst som {day} i måneden")
            return parsed
        if f.name == "name" and p.says_surname_first(header):
            turned = [p.name_from_surname_first(c) if v is not None and c.__class__ is str and "," not in c else v
                      for c, v in zip(cells, parsed)]
            if turned != parsed:
                self.notes.append(f"Arket '{table.sheet}': navnene i kolonnen '{header}' er skrevet med efternavnet "
                                  "først og er vendt om (Fornavn Efternavn)")
            return turned
        return parsed

    def parse_dates_in_order(self, f, cells: list) -> tuple[list, dict]:
        """A date column parsed in the order its slashed dates are written: month first when some value
        proves it (``1/31/2026``), and a value that reads as two days asked about when the column holds
        both orders."""
        order = p.slash_date_order(cells)
        if order == "md":
            return self.parse_field_column(f, [p.month_first_as_day_first(c) for c in cells])
        values, bad = self.parse_field_column(f, cells)
        if order == "mixed":
            for i, c in enumerate(cells):
                if p.ambiguous_slash_date(c):
                    values[i] = None
                    bad[i] = (ERROR, f"'{p.text(c)}' kan være både dag/måned og måned/dag (kolonnen har datoer "
                                     "skrevet på begge måder); skriv datoen som fx 01-03-2026")
        return values, bad

    def parse_field_column(self, f, cells: list) -> tuple[list, dict]:
        """One field's column parsed: ``(values, problem cells)`` as ``columns.parse_column`` gives."""
        return parse_column(f.parser, cells, f.required)

    def record(self, cols: "ParsedColumns", i: int) -> Record:
        """Row ``i`` of the parsed columns as a record: its parsed values, its raw cells, and a
        rejection for each unreadable cell or missing required value."""
        names = cols.names
        row_no = cols.table.rows[i][0]
        raw_row = [c[i] for c in cols.raws]
        rec = Record(cols.table.sheet, row_no, dict(zip(names, [v[i] for v in cols.values])),
                     dict(zip(names, raw_row)))
        if i in cols.bad:
            for (f, _, header), raw, bad in zip(cols.fields, raw_row, cols.problems):
                status, detail = bad.get(i, (OK, None))
                if status is ERROR:
                    rec.reject(header, raw, detail)
                elif status is BLANK:
                    rec.reject(header, raw, f"{f.label} mangler")
                elif status is WARNING:
                    rec.warnings.append(detail)
        if cols.names_given and (rec.values.get("first_name") or rec.values.get("last_name")):
            rec.values["name"] = rec.values.get("name") or " ".join(
                x for x in (rec.values.get("first_name"), rec.values.get("last_name")) if x)
        return rec

    def start_sheet(self, table: Table, mapping: Mapping) -> None:
        """Sheet-level information before its rows (facility, places)."""

    def finish(self, rec: Record, table: Table, mapping: Mapping, cells: list) -> list[Record]:
        """Kind-specific completion of a parsed record; may reject it or split it."""
        return [rec]

    def column(self, mapping: Mapping, table: Table, name: str) -> str:
        col = mapping.columns.get(name)
        return table.headers[col] if col is not None else self.kind.field(name).label

    # -------------------------------------------------------------- classification
    def classify(self, records: list[Record]) -> None:
        """Mark duplicates within the file and compare with the database."""
        seen: dict[tuple, Record] = {}
        for rec in records:
            if not rec.ok or rec.key is None:
                continue
            first = seen.get(rec.key)
            if first is None:
                seen[rec.key] = rec
                continue
            if self.same(first, rec):
                rec.status = DUPLICATE
                rec.warnings.append(f"Samme række som række {first.row} i arket '{first.sheet}'; importeres én gang")
            else:
                rec.reject("", "", f"Samme {self.what} som række {first.row} i arket '{first.sheet}', men med "
                                   "andre værdier; ret en af rækkerne")
        self.compare([r for r in records if r.status == NEW])

    what = "post"

    def same(self, a: Record, b: Record) -> bool:
        return a.values == b.values

    def compare(self, records: list[Record]) -> None:
        raise NotImplementedError

    # -------------------------------------------------------------- writing
    def write(self, records: list[Record], batch_id: int, update_changed: bool,
              tick: Callable[[int], None]) -> tuple[Counter, list[dict]]:
        """Write the records in the batch (inside the caller's transaction).

        Returns the counts by final status and any rows rejected while writing. ``tick(i)``
        reports progress and raises when the user cancelled.
        """
        counts: Counter = Counter()
        for i, rec in enumerate(records):
            if i % 50 == 0:
                tick(i)
            counts[self.apply(rec, batch_id, update_changed)] += 1
        return counts, []

    def apply(self, rec: Record, batch_id: int, update_changed: bool) -> str:
        """Write one record; returns the status it ended with (new, changed, unchanged)."""
        raise NotImplementedError


class ParsedColumns:
    """A table's mapped columns parsed: per field its raw cells, values and problem cells."""

    def __init__(self, table: Table, fields: list, raws: list[list], values: list[list], problems: list[dict]):
        self.table = table
        self.fields = fields                 # (Field, column index, header) per mapped field
        self.names = [f.name for f, _, _ in fields]
        self.raws = raws
        self.values = values
        self.problems = problems
        self.bad = set().union(*problems)   # rows with an unreadable or missing required value
        self.names_given = "first_name" in self.names or "last_name" in self.names

    def column(self, name: str) -> list | None:
        """The parsed values of a field's column (None when the field is not mapped)."""
        return self.values[self.names.index(name)] if name in self.names else None


def _same(a, b) -> bool:
    """Equal values, numbers compared as numbers ('7.0' equals '7')."""
    if a == b:
        return True
    if a is None or b is None:
        return False
    try:
        return Decimal(str(a)) == Decimal(str(b))
    except ArithmeticError:
        return False


def scaled_amount(value, factor: Decimal):
    """An amount read in another unit (``factor`` kroner each) as kroner; whole øre (an ``int``, as the
    postings' amount column is parsed) stay whole øre where they can."""
    if value.__class__ is int:
        ore = value * factor
        return int(ore) if ore == ore.to_integral_value() else ore / 100
    return value * factor


def kroner_to_ore(amount: Decimal) -> int:
    """Whole øre, half away from zero (as ``core.money.to_ore``, without Fractions: the bulk path)."""
    return int((amount * 100).quantize(_ONE, rounding=ROUND_HALF_UP))


_ONE, _ZERO = Decimal(1), Decimal(0)


def grant_snapshot(db, grant_id: int) -> dict:
    """A grant's row and its rate rows with their ids, so that undo can put them back exactly."""
    return {"row": query(db, "SELECT * FROM grants WHERE id = ?", [grant_id])[0],
            "rates": query(db, "SELECT * FROM grant_rates WHERE grant_id = ? ORDER BY id", [grant_id])}


def restore_grant_snapshot(db, grant_id: int, snapshot: dict) -> None:
    """Write a ``grant_snapshot`` back (rows and rate ids exactly as they were)."""
    before = grant_state(db, grant_id)
    db["grants"].upsert(snapshot["row"], pk="id")
    db.execute("DELETE FROM grant_rates WHERE grant_id = ?", [grant_id])
    db["grant_rates"].insert_all(snapshot["rates"], pk="id")
    audit.record(db, "grants", grant_id, "restore", before, grant_state(db, grant_id))


def create_grant_in_batch(db, data: dict, batch_id: int) -> int:
    """``create_grant`` in the batch; a name it fills in on an existing citizen is kept for undo."""
    existing = db.execute("SELECT id, name FROM citizens WHERE cpr = ?", [data["cpr"]]).fetchone()
    if existing and not existing[1] and data.get("name"):
        record_change(db, batch_id, "citizens", existing[0], {"id": existing[0], "name": existing[1]})
    return create_grant(db, data, batch_id=batch_id)


def update_grant_in_batch(db, grant_id: int, changes: dict, batch_id: int) -> None:
    """Apply ``changes`` (field -> (old, new)) to a grant, keeping its exact old state for undo.

    A changed rate replaces the rate of the grant's first period (the file states one rate).
    """
    before = grant_state(db, grant_id)
    record_change(db, batch_id, "grants", grant_id, grant_snapshot(db, grant_id))
    row = {k: new for k, (_, new) in changes.items() if k != "rate"}
    if "end" in row:
        row["status"] = "afsluttet" if row["end"] and row["end"] < dt.date.today().isoformat() else "aktiv"
    if row:
        db["grants"].update(grant_id, row)
    if "rate" in changes:
        db.execute("UPDATE grant_rates SET rate = ? WHERE id = (SELECT id FROM grant_rates WHERE grant_id = ? "
                   "ORDER BY valid_from LIMIT 1)", [changes["rate"][1], grant_id])
    audit.record(db, "grants", grant_id, "import", before, grant_state(db, grant_id), batch_id)


def _changes(old: dict, new: dict) -> dict:
    return {k: (old.get(k), v) for k, v in new.items() if not _same(old.get(k), v)}


def _iso(value):
    return value.isoformat() if isinstance(value, dt.date) else value


def _dec(value) -> str | None:
    return None if value is None else str(value)


# ====================================================================== grants

UNIT_HINTS = [("døgn", "døgn"), ("time", "time"), ("måned", "måned"), ("md", "måned"), ("årlig", "år"),
              ("pr år", "år"), ("kr år", "år"), ("årstakst", "år"), ("dag", "dag"), ("uge", "uge")]


#: a grant's status that says it has ended ('Ophørt', 'Afsluttet'; 'Ophører' has not yet)
_ENDED = re.compile(r"^(?:ophørt|afsluttet|lukket|stoppet|inaktiv|udskrevet|fraflyttet|annulleret|afgået)\b")
_STATUS_WORDS = re.compile(r"^(?:aktiv|igangværende|løbende|bevilget|ny|ophører|afventer|venter|midlertidig)\b")


def status_column(table: Table, mapping: Mapping) -> int | None:
    """The unmapped column that tells whether each grant runs or has ended: headed 'Status' (or
    'Bevillingsstatus'), or holding nothing but such words."""
    used = set(mapping.columns.values())
    for c, header in enumerate(table.headers):
        if c in used:
            continue
        words = {p.text(v).casefold() for v in table.column_values(c, 200) if not p.is_blank(v)}
        if not words or not any(_ENDED.match(w) for w in words):
            continue
        if "status" in header.casefold() or all(_ENDED.match(w) or _STATUS_WORDS.match(w) for w in words):
            return c
    return None


class GrantsImporter(Importer):
    kind = KINDS["grants"]
    what = "bevilling (CPR, leverandør, paragraf, start)"
    compared = ("account", "grouping", "unit", "quantity", "quantity_per", "end", "rate", "paying_municipality",
                "acting_municipality", "vum_category", "caseworker", "granted_on", "followup_date", "note",
                "working_hours", "cap_reason")

    def start_sheet(self, table, mapping):
        # compare with the database only what the file says; a missing column changes nothing
        given = mapping.given() | {"rate"}
        if "account" in given:
            given.add("grouping")
        if given & {"unit", "quantity"}:
            given |= {"unit", "quantity", "quantity_per"}
        if "period" in given:
            given |= {"start", "end"}
        if not hasattr(self, "given"):
            self.given: set[str] = set()
        self.given |= given
        col = mapping.columns.get("quantity")
        qh = p.text(table.headers[col]).casefold() if col is not None else ""
        self.quantity_per_hint = "måned" if re.search(r"m[åa]ned|\bmd", qh) else ("uge" if "uge" in qh else None)
        col = mapping.columns.get("rate")
        # 'Takst pr. år', 'Takst (kr./år)': the words without their dots and brackets
        rh = " ".join(re.sub(r"[.,()/:]", " ", p.text(table.headers[col]).casefold()).split()) if col is not None else ""
        self.unit_hint = next((u for word, u in UNIT_HINTS if word in rh), None)
        self.status_column = status_column(table, mapping)
        self.say_how_columns_are_split(table, mapping)

    def say_how_columns_are_split(self, table, mapping) -> None:
        """Note the columns that feed more than one field (a period; a unit with its quantity)."""
        col = mapping.columns.get("period")
        if col is not None:
            self.notes.append(f"Arket '{table.sheet}': kolonnen '{table.headers[col]}' er delt i startdato og "
                              "slutdato (fx '01.03.2024 - 31.12.2026'; en tom slutdato er løbende)")
        col = mapping.columns.get("unit")
        if col is not None and "quantity" not in mapping.columns:
            with_quantity = [v for v in table.column_values(col, 50) if re.search(r"\d", p.text(v))]
            if with_quantity:
                self.notes.append(f"Arket '{table.sheet}': kolonnen '{table.headers[col]}' er delt i enhed, mængde "
                                  f"og pr. (fx '{p.text(with_quantity[0])}')")

    def finish(self, rec, table, mapping, cells):
        if not rec.ok:
            return [rec]
        v = rec.values
        data = {k: v.get(k) for k in ("cpr", "section", "rate", "start", "end", "vum_category",
                                      "paying_municipality", "acting_municipality", "caseworker", "granted_on",
                                      "followup_date", "note", "working_hours", "cap_reason")
                if k in mapping.columns or k in mapping.defaults}
        name = v.get("name") or p.name_beside_cpr(rec.raw.get("cpr"))
        if name:
            data["name"] = name
        if v.get("period"):
            # the period's cell gives start and end where no column of their own does
            if data.get("start") is None:
                data["start"] = v["period"][0]
            if "end" not in mapping.given():
                data["end"] = v["period"][1]
        if v.get("account"):
            data["account"], grouping, _ = v["account"]
            if grouping:
                data["grouping"] = grouping
        unit = v.get("unit")
        if not unit and ("unit" not in mapping.columns or p.is_blank(rec.raw.get("unit"))):
            unit = p.unit_of_rate(rec.raw.get("rate"))  # the unit written with the rate: '512,50 kr. pr. time'
        written_unit, written_per = None, None  # what a quantity written with words says: '10 t/md'
        if v.get("quantity") is not None:
            try:
                written_unit, written_per = p.unit_of_quantity(rec.raw.get("quantity"))
            except p.ParseError as ex:
                rec.reject(self.column(mapping, table, "quantity"), rec.raw.get("quantity"), str(ex))
                return [rec]
        if unit:
            data["unit"], q, per = unit
            data["quantity"] = v.get("quantity") if v.get("quantity") is not None else q
            data["quantity_per"] = per or written_per or (self.quantity_per_hint if data["unit"] == "time" else None)
        elif "unit" not in mapping.columns or p.is_blank(rec.raw.get("unit")):
            if self.unit_hint or written_unit:
                data["unit"] = self.unit_hint or written_unit
            if v.get("quantity") is not None:
                data["quantity"] = v["quantity"]
                data["quantity_per"] = written_per or self.quantity_per_hint
        if "paying_municipality" not in mapping.columns or not data.get("paying_municipality"):
            data["paying_municipality"] = self.ctx.own_municipality
        for k in ("note", "caseworker", "acting_municipality", "cap_reason"):
            if k in data and data[k] is None:
                data[k] = ""
        choice = self.ctx.providers.match(v["provider"])
        if v.get("section") is None and "section" not in mapping.given():
            if not hasattr(self, "known_sections"):
                self.known_sections = provider_sections(self.db)
            known = self.known_sections.get(choice.provider_id, []) if choice.provider_id else []
            if len(known) != 1:
                rec.reject("Paragraf", v["provider"],
                           (f"Filen har ingen paragraf, og {v['provider']} har bevillinger efter "
                            f"{' og '.join(known)}" if known else
                            f"Filen har ingen paragraf, og {v['provider']} har ingen kendte paragraffer")
                           + "; giv paragraffen med --set section=PARAGRAF (i guiden: en fast værdi)")
                return [rec]
            v["section"] = data["section"] = known[0]
        for k in ("account", "unit", "quantity", "quantity_per", "end"):
            data.setdefault(k, None)
        col = self.status_column
        if col is not None and data["end"] is None and col < len(cells) and _ENDED.match(p.text(cells[col]).casefold()):
            rec.reject(self.column(mapping, table, "end"), "",
                       f"Kolonnen '{table.headers[col]}' siger '{p.text(cells[col])}', men slutdatoen mangler; "
                       "skriv slutdatoen, så bevillingen ikke regnes som løbende")
            return [rec]
        try:
            sec = get_section(self.db, v["section"])
        except NotFoundError:
            sec = None
        if sec is not None and data["unit"] in (None, sec.unit):
            # the section's usual unit, and its usual 'per' when the file does not say
            data["unit"] = sec.unit
            data["quantity_per"] = data["quantity_per"] or sec.quantity_per
        try:
            # partial: every field is given; the provider is resolved (or created) separately
            clean = validate_grant(self.db, data, partial=True)
        except ValidationError as ex:
            known = {f.name for f in self.kind.fields}
            for k, msg in ex.problems.items():
                name = {"quantity_per": "unit", "grouping": "account"}.get(k, k)
                column = self.column(mapping, table, name) if name in known else k
                rec.reject(column, rec.raw.get(name, ""), msg)
            return [rec]
        if "grouping" not in clean:
            sec = get_section(self.db, clean["section"])
            clean["grouping"] = sec.grouping if clean["account"] == sec.account else ""
        clean["provider"] = v["provider"]
        rec.values = clean
        rec.key = (clean["cpr"], choice.provider_id or "ny:" + " ".join(v["provider"].casefold().split()),
                   clean["section"], clean["start"])
        return [rec]

    def compare(self, records):
        existing: dict[tuple, int] = {}
        for r in query(self.db, "SELECT g.id, c.cpr, g.provider_id, g.section, g.start FROM grants g "
                                "JOIN citizens c ON c.id = g.citizen_id"):
            existing.setdefault((r["cpr"], r["provider_id"], r["section"], r["start"]), r["id"])
        for rec in records:
            c = rec.values
            pid = self.ctx.providers.match(c["provider"]).provider_id
            gid = existing.get((c["cpr"], pid, c["section"], c["start"].isoformat())) if pid else None
            if gid is None:
                rec.warnings.extend(grant_warnings(self.db, c))
                continue
            rec.existing_id = gid
            state = grant_state(self.db, gid)
            # the cap is checked with the working hours and reason the grant has where the file has none
            kept = {k: state[k] for k in ("working_hours", "cap_reason") if k not in self.given}
            rec.warnings.extend(grant_warnings(self.db, {**c, **kept}))
            old = {k: state.get(k) for k in self.compared}
            old["rate"] = state["rates"][0][1] if state["rates"] else None
            new = self._row(c)
            rec.changes = {k: ch for k, ch in _changes({k: old.get(k) for k in new}, new).items()}
            rec.status = CHANGED if rec.changes else UNCHANGED

    def _row(self, clean: dict) -> dict:
        out = {}
        for k in self.compared:
            if k not in clean or k not in self.given:
                continue
            value = clean[k]
            if k in ("quantity", "rate", "working_hours"):
                value = _dec(value)
            out[k] = _iso(value)
        return out

    def apply(self, rec, batch_id, update_changed):
        c = dict(rec.values)
        pid = self.ctx.providers.ensure(self.ctx.providers.match(c.pop("provider")), batch_id)
        if rec.status == NEW:
            data = {k: v for k, v in c.items() if k != "status"}
            data["provider_id"] = pid
            create_grant_in_batch(self.db, data, batch_id)
            return NEW
        if rec.status == CHANGED and update_changed:
            update_grant_in_batch(self.db, rec.existing_id, rec.changes, batch_id)
            return CHANGED
        return UNCHANGED


def provider_sections(db) -> dict[int, list[str]]:
    """Provider id -> the sections it is known for (its grants and its catalogue rates), in order."""
    out: dict[int, list[str]] = {}
    for pid, section in db.execute("SELECT provider_id, section FROM grants UNION SELECT provider_id, section "
                                   "FROM provider_rates WHERE section IS NOT NULL"):
        out.setdefault(pid, []).append(section)
    return {pid: sorted(set(s), key=lambda c: (len(c), c)) for pid, s in out.items()}


def _or_default(values: list | None, keys: list, default: dict) -> list:
    """``value or default[key]`` for each row: a column's own value, else the default its key gives."""
    if values is None:
        return list(map(default.__getitem__, keys))
    if all(values):  # every row has its own value
        return values
    return [v or default[k] for v, k in zip(values, keys)]


def _never_none(values: list) -> list:
    """A text column with ``''`` for None (the column itself when it holds no None)."""
    return [v or "" for v in values] if None in values else values


def year_of(table: Table, mapping: Mapping, file_name: str, amount_fields: tuple[str, ...]) -> int | None:
    """The year a sheet is about: from its amount headers (``Budget 2027``), title rows, name or file name."""
    headers = [table.headers[c] for f, c in mapping.columns.items() if f in amount_fields]
    texts = headers + table.title + [table.sheet, file_name]
    years = [int(y) for t in texts for y in re.findall(r"(?<!\d)(20\d\d|19\d\d)(?!\d)", t)]
    return years[0] if years else None


# ====================================================================== postings

def credit_signed(table: Table, mapping: Mapping) -> bool | None:
    """How a sheet's credit column writes a credit: ``False`` as a positive amount (subtracted),
    ``True`` already signed (every non-zero credit is negative: added as it is), ``None`` when the
    column holds both positive and negative amounts (a negative credit is then asked about)."""
    col = mapping.columns.get("credit")
    if col is None:
        return False
    signs = set()
    for v in table.column_values(col):
        status, amount = parse_cell(p.parse_amount, v)
        if status is OK and amount:
            signs.add(amount > 0)
            if len(signs) == 2:
                return None
    return signs == {False}


POSTING_COLUMNS = ("date", "account", "grouping", "art", "amount_ore", "cpr", "text", "voucher")
#: a posting's place of each column in the row a ``RowRecord`` keeps
_POSTING_PLACES = {name: i for i, name in enumerate(POSTING_COLUMNS)}


class PostingsImporter(Importer):
    kind = KINDS["postings"]
    what = "postering"
    persons_by_name = True  # a finance extract may name the receiver only

    def start_sheet(self, table, mapping):
        if not hasattr(self, "occurrence"):
            self.occurrence: Counter = Counter()
            self.outside_period: Counter = Counter()  # per sheet: postings dated outside their period
        self.default_year = year_of(table, mapping, self.ctx.file_name, ())
        self.credit_signed = credit_signed(table, mapping)
        # a blank booking date is the last day of the row's period, when the sheet has a period column
        self.date_from_period = "period" in mapping.columns

    #: the fields a posting takes straight from their own columns. A layout of only these is
    #: assembled column by column (``parse``; the CPR number found elsewhere in a row included);
    #: debit/credit, a D/K column, month columns and a period go the general way, row by row.
    DIRECT_FIELDS = frozenset({"date", "account", "grouping", "art", "amount", "cpr", "text", "voucher", "name"})
    ore_amounts = False  # while True, the amount column is parsed straight to whole øre
    date_from_period = False

    def parse(self, table, mapping):
        """Bookings column by column, and each row's posting put together from its columns.

        A finance extract has tens of thousands of rows, so the common row is assembled
        here in one pass; a row with a problem cell, or with an amount that is not a whole
        number of øre, goes the general way (``record`` and ``finish``), which gives it its
        rejection or rounding exactly as for any other importer.
        """
        given = mapping.given()
        if mapping.month_columns or not {"date", "account", "amount"} <= given <= self.DIRECT_FIELDS:
            return super().parse(table, mapping)
        self.start_sheet(table, mapping)
        self.ore_amounts = True
        try:
            cols = self.parse_columns(table, mapping)
        finally:
            self.ore_amounts = False
        n = len(table.rows)
        # the posting's columns, each worked out over the whole column (per distinct value where
        # values repeat): date as ISO text, account parts, grouping and art with the account's
        # own as default, texts never None
        iso = {d: d.isoformat() for d in set(cols.column("date")) if d is not None}
        dates = list(map(iso.get, cols.column("date")))
        accounts = cols.column("account")
        parts = {a: a if a else (None, "", "") for a in set(accounts)}
        account = [parts[a][0] for a in accounts]
        grouping = _or_default(cols.column("grouping"), accounts, {a: p[1] or "" for a, p in parts.items()})
        art = _or_default(cols.column("art"), accounts, {a: p[2] or "" for a, p in parts.items()})
        text = _never_none(cols.column("text")) if "text" in given else [""] * n
        voucher = _never_none(cols.column("voucher")) if "voucher" in given else [""] * n
        cpr = cols.column("cpr") or [None] * n
        amounts = cols.column("amount")  # whole øre, or kroner with more decimals, or None when blank
        slow = cols.bad if set(map(type, amounts)) <= {int} else \
            cols.bad.union(i for i, ore in enumerate(amounts) if ore.__class__ is not int)
        occurrence = self.occurrence
        sheet = table.sheet
        if not slow:  # every row assembled here: column by column, what the loop below does row by row
            columns = (dates, account, grouping, art, amounts, cpr, text, voucher)
            if all(voucher):
                idents = [("bilag", v) for v in voucher]
            else:
                idents = [("bilag", row[7]) if row[7] else ("række",) + row for row in zip(*columns)]
            once = dict.fromkeys(idents, 1) if not occurrence else {}
            if len(once) == n:  # the first sheet, every row met once
                occurrence.update(once)
                keys = [ident + (1,) for ident in idents]
            else:
                keys = []
                for ident in idents:
                    seen = occurrence.get(ident, 0) + 1
                    occurrence[ident] = seen
                    keys.append(ident + (seen,))
            # the postings kept as their rows (in POSTING_COLUMNS order), a record made only if looked at
            return RecordBlock(sheet, [row_no for row_no, _ in table.rows], _POSTING_PLACES, list(zip(*columns)), keys)
        out = []
        # the raw cells of a row are kept only where the general way reads it: a row assembled
        # here is never rejected, and only a rejected row shows its raw cells
        for i, ((row_no, cells), row) in enumerate(zip(table.rows, zip(dates, account, grouping, art, amounts, cpr,
                                                                       text, voucher))):
            if slow and i in slow:
                rec = self.record(cols, i)
                status, amount = parse_cell(p.parse_amount, rec.raw["amount"])  # the general way works in kroner
                rec.values["amount"] = amount if status is OK else None
                out.extend(self.finish(rec, table, mapping, cells))
                continue
            d, a, g, ar, ore, c, t, v = row
            ident = ("bilag", v) if v else ("række",) + row
            seen = occurrence.get(ident, 0) + 1
            occurrence[ident] = seen
            # the keys in POSTING_COLUMNS order (a literal dict is built faster than dict(zip(...)))
            out.append(Record(sheet, row_no, {"date": d, "account": a, "grouping": g, "art": ar, "amount_ore": ore,
                                              "cpr": c, "text": t, "voucher": v}, key=ident + (seen,)))
        return out

    def parse_field_column(self, f, cells):
        if self.ore_amounts and f.name == "amount" and f.parser is p.parse_amount:
            return ore_column(cells, f.required)
        if f.name == "date" and self.date_from_period:
            return parse_column(f.parser, cells, False)
        return super().parse_field_column(f, cells)

    def finish(self, rec, table, mapping, cells):
        if not rec.ok:
            return [rec]
        if mapping.month_columns and "amount" not in mapping.columns:
            return self._wide(rec, table, mapping, cells)
        return [self._posting(rec, table, mapping)]

    def _wide(self, rec, table, mapping, cells) -> list[Record]:
        """One posting per filled month column, dated the last day of that month."""
        out = []
        for col, (month, year) in sorted(mapping.month_columns.items(), key=lambda x: x[1][0]):
            raw = cells[col] if col < len(cells) else None
            if p.is_blank(raw):
                continue
            year = year or self.default_year
            if year is None:
                rec.reject(table.headers[col], raw, "Året står hverken i kolonnens overskrift, i arkets titel "
                                                    "eller i filnavnet")
                return [rec]
            try:
                amount = p.parse_amount(raw)
            except p.ParseError as ex:
                rec.reject(table.headers[col], raw, str(ex))
                return [rec]
            last = month_end(year, month)
            part = Record(rec.sheet, rec.row, {**rec.values, "date": last, "amount": amount}, raw=rec.raw)
            out.append(self._posting(part, table, mapping))
        return out

    def _posting(self, rec, table, mapping) -> Record:
        v = rec.values
        amount = v.get("amount")
        if amount is None and ("debit" in mapping.columns or "credit" in mapping.columns):
            if v.get("debit") is None and v.get("credit") is None:
                rec.reject(self.column(mapping, table, "debit"), "", "Beløb mangler (hverken debet eller kredit)")
                return rec
            credit = v.get("credit") or _ZERO
            if credit < 0 and self.credit_signed is None:
                rec.reject(self.column(mapping, table, "credit"), rec.raw.get("credit"),
                           "Kreditkolonnen har både positive og negative beløb, så det kan ikke ses, om "
                           f"{p.text(rec.raw.get('credit'))} er en kredit eller en tilbageført kredit; ret beløbet "
                           "i filen, og importér igen")
                return rec
            amount = (v.get("debit") or _ZERO) + (credit if self.credit_signed else -credit)
        elif amount is not None and v.get("credit") and "amount" in mapping.columns:
            amount = amount + (v["credit"] if self.credit_signed else -v["credit"])
        if amount is None:
            rec.reject(self.column(mapping, table, "amount"), "", "Beløb mangler")
            return rec
        if v.get("sign") == -1 and amount > 0:  # a credit; an amount already negative is signed (SAP's S/H)
            amount = -amount
        if v.get("date") is None and v.get("period") is not None:  # no date column: the period's last day
            month, year = v["period"]
            year = year or self.default_year
            if year is None:
                rec.reject(self.column(mapping, table, "period"), rec.raw.get("period"),
                           "Perioden nævner intet år, og filen heller ikke; skriv fx 2026-03")
                return rec
            v["date"] = month_end(year, month)
        elif v.get("date") is not None and v.get("period") is not None:
            v["date"] = self._in_period(v["date"], v["period"], table.sheet)
        if v.get("date") is None:
            rec.reject(self.column(mapping, table, "date"), "", "Bogføringsdato mangler (og perioden med)")
            return rec
        account, grouping, art = v["account"]
        cpr = v.get("cpr")
        row = {
            "date": v["date"].isoformat(), "account": account,
            "grouping": (v.get("grouping") or grouping or ""), "art": v.get("art") or art or "",
            "amount_ore": kroner_to_ore(amount), "cpr": cpr, "text": v.get("text") or "",
            "voucher": v.get("voucher") or "",
        }
        rec.values = row
        ident = ("bilag", row["voucher"]) if row["voucher"] else ("række",) + tuple(row[k] for k in POSTING_COLUMNS)
        self.occurrence[ident] += 1
        rec.key = ident + (self.occurrence[ident],)
        return rec

    def _in_period(self, day: dt.date, period: tuple[int, int | None], sheet: str) -> dt.date:
        """A posting's date in the period it belongs to: the booking date when it lies in the period's
        month, else the period's last day (an invoice of December booked on 5 January counts in December:
        the forecast books a posting by its date, DOMAIN.md). A period without a year is the one up to
        the booking date."""
        month, year = period
        if year is None:
            year = day.year if month <= day.month else day.year - 1
        if (day.year, day.month) == (year, month):
            return day
        if not self.outside_period[sheet]:
            self.notes.append(f"Arket '{sheet}': bogføringsdatoer uden for rækkens periode er sat til periodens "
                              "sidste dag (posteringen hører til perioden)")
        self.outside_period[sheet] += 1
        return month_end(year, month)

    def classify(self, records):
        # Postings without a voucher: identical rows are normal (monthly payments), so each
        # occurrence is its own record; with a voucher, a repeated identical line is a duplicate.
        # Only a voucher met more than once (its occurrence count says so) can repeat a line.
        repeated = {ident[1] for ident, n in self.occurrence.items() if n > 1 and ident[0] == "bilag"} \
            if hasattr(self, "occurrence") else set()
        if repeated:
            seen: dict[tuple, Record] = {}
            line = itemgetter(*POSTING_COLUMNS)
            for rec in records:
                if rec.status == REJECTED or rec.values.get("voucher") not in repeated:
                    continue
                first = seen.setdefault(line(rec.values), rec)
                if first is not rec:
                    rec.status = DUPLICATE
                    rec.warnings.append(f"Samme postering som række {first.row}; importeres én gang")
        if self.db.execute("SELECT 1 FROM postings LIMIT 1").fetchone():  # else every posting is new
            self.compare(of_status(records, NEW))
        self.say_accounts_outside_the_catalogue(records)

    def say_accounts_outside_the_catalogue(self, records) -> None:
        """A note on the postings of other areas of the municipality (accounts the catalogue does not
        have): imported as they are, and said, so that no money comes in or stays out unseen."""
        known = {a["code"] for a in catalogue_accounts(self.db)}
        usable = of_status(records, NEW, CHANGED, UNCHANGED, DUPLICATE, SKIPPED)
        outside = Counter(a for a in value_of(usable, "account") if a and a not in known)
        if outside:
            self.notes.append(f"{sum(outside.values())} posteringer er på konti, der ikke er i kataloget ("
                              + ", ".join(sorted(outside)) + "); de er importeret, men hører ikke til en paragraf")

    def compare(self, records):
        """Each new record against the stored postings: with a voucher, the stored postings of that
        voucher (the n-th occurrence against the n-th stored one); without, an identical stored line.

        Only the stored postings that can match are read: those of the file's vouchers, and the lines
        without a voucher when the file has such lines. A database holding a year of bookings then
        costs a scan in SQLite, not a dict per stored posting."""
        by_voucher: dict[str, list[dict]] = {}
        plain: Counter = Counter()
        keys = keys_of(records)
        vouchers = sorted({str(key[1]) for key in keys if key[0] == "bilag"})
        columns = "SELECT id, " + ", ".join(POSTING_COLUMNS) + " FROM postings "
        if vouchers:
            for r in query(self.db, columns + "WHERE voucher IN (SELECT value FROM json_each(?)) ORDER BY id",
                           [json.dumps(vouchers)]):
                by_voucher.setdefault(r["voucher"], []).append(r)
        if any(key[0] != "bilag" for key in keys):
            for r in query(self.db, columns + "WHERE voucher IS NULL OR voucher = '' ORDER BY id"):
                plain[tuple(r[k] for k in POSTING_COLUMNS)] += 1
        if not by_voucher and not plain:
            return  # nothing stored can match: every record stays new (a block of them stays rows)
        for rec in records:
            if rec.key[0] == "bilag":
                rows = by_voucher.get(rec.values["voucher"], [])
                n = rec.key[-1]
                if n <= len(rows):
                    old = rows[n - 1]
                    rec.existing_id = old["id"]
                    rec.changes = _changes(old, rec.values)
                    rec.status = CHANGED if rec.changes else UNCHANGED
            elif rec.key[-1] <= plain[rec.key[1:-1]]:
                rec.status = UNCHANGED

    def write(self, records, batch_id, update_changed, tick):
        """New postings go in with ``executemany`` straight from their values (a finance extract
        has tens of thousands of rows); the citizen is looked up by SQLite."""
        tick(0)
        # positional parameters: SQLite binds a tuple faster than it looks names up in a dict
        new = value_rows(of_status(records, NEW), _POSTING_PLACES)
        counts: Counter = Counter({NEW: len(new)} if new else {})
        for rec in [rec for rec in records if rec.status != NEW] if len(new) < len(records) else ():
            if rec.status == CHANGED and update_changed:
                old = query(self.db, "SELECT * FROM postings WHERE id = ?", [rec.existing_id])[0]
                record_change(self.db, batch_id, "postings", rec.existing_id, old)
                values = dict(rec.values)
                # the citizen link follows the CPR number (it is what the forecast books on)
                found = self.db.execute("SELECT id FROM citizens WHERE cpr = ?", [values["cpr"]]).fetchone() \
                    if values.get("cpr") else None
                values["citizen_id"] = found[0] if found else None
                self.db["postings"].update(rec.existing_id, values)
                counts[CHANGED] += 1
            elif rec.status in (CHANGED, UNCHANGED):
                counts[UNCHANGED] += 1
        bulk_insert(self.db, "postings", [*POSTING_COLUMNS, "citizen_id", "batch_id"], new,
                    values=["?"] * len(POSTING_COLUMNS) + [
                        f"(SELECT id FROM citizens WHERE cpr = ?{POSTING_COLUMNS.index('cpr') + 1})",
                        str(int(batch_id))],
                    progress=lambda done: tick(len(records) - len(new) + done))
        return counts, []


# ====================================================================== budget

class BudgetImporter(Importer):
    kind = KINDS["budget"]
    what = "budgetlinje (konto, paragraf, år, måned)"

    def start_sheet(self, table, mapping):
        self.default_year = year_of(table, mapping, self.ctx.file_name, ("original", "corrected"))

    def finish(self, rec, table, mapping, cells):
        if not rec.ok:
            return [rec]
        v = rec.values
        account, _, _ = v["account"]
        if v.get("section"):
            try:
                get_section(self.db, v["section"])
            except NotFoundError as ex:  # the budget row would point at no section
                rec.reject(self.column(mapping, table, "section"), rec.raw.get("section"), str(ex))
                return [rec]
        base = {"account": account, "section": v.get("section"),
                "full_year_equivalents": _dec(v.get("full_year_equivalents"))}
        year = v.get("year") or self.default_year
        parts = []
        if mapping.month_columns:
            for col, (month, y) in sorted(mapping.month_columns.items(), key=lambda x: x[1][0]):
                raw = cells[col] if col < len(cells) else None
                if p.is_blank(raw):
                    continue
                try:
                    amount = p.parse_amount(raw)
                except p.ParseError as ex:
                    rec.reject(table.headers[col], raw, str(ex))
                    return [rec]
                parts.append((y or year, month, amount, None))
        else:
            if v.get("original") is None and v.get("corrected") is None:
                rec.reject(self.column(mapping, table, "original"), "", "Budgetbeløb mangler")
                return [rec]
            parts.append((year, v.get("month"), v.get("original"), v.get("corrected")))
        out = []
        for y, month, original, corrected in parts:
            if y is None:
                rec.reject(self.column(mapping, table, "year"), "", "Budgetåret står hverken i en kolonne, "
                                                                    "i overskriften eller i filnavnet")
                return [rec]
            if month is not None and not 1 <= month <= 12:
                rec.reject(self.column(mapping, table, "month"), month, "Måned skal være 1-12")
                return [rec]
            r = Record(rec.sheet, rec.row, {**base, "year": y, "month": month,
                                             "original_ore": to_ore(original) if original is not None else 0,
                                             "corrected_ore": to_ore(corrected) if corrected is not None else None},
                       raw=rec.raw)
            r.key = (y, account, base["section"], month)
            out.append(r)
        return out

    def compare(self, records):
        existing = {(r["year"], r["account"], r["section"], r["month"]): r
                    for r in query(self.db, "SELECT * FROM budgets")}
        for rec in records:
            old = existing.get(rec.key)
            if old:
                rec.existing_id = old["id"]
                rec.changes = _changes(old, rec.values)
                rec.status = CHANGED if rec.changes else UNCHANGED

    def apply(self, rec, batch_id, update_changed):
        if rec.status == NEW:
            self.db["budgets"].insert({**rec.values, "batch_id": batch_id})
            return NEW
        if rec.status == CHANGED and update_changed:
            old = query(self.db, "SELECT * FROM budgets WHERE id = ?", [rec.existing_id])[0]
            record_change(self.db, batch_id, "budgets", rec.existing_id, old)
            self.db["budgets"].update(rec.existing_id, rec.values)
            return CHANGED
        return UNCHANGED


# ====================================================================== facility sheets

#: what a residents' list calls itself in its title (``Beboerliste - Botilbuddet Egely``)
_LIST_WORDS = re.compile(r"(?i)beboer|belægning|belaegning|pladsoversigt|pladsliste|vum|tilbud\s*:|leverandør\s*:")


def facility_name(table: Table) -> str:
    """A facility's full name: from the title row (``Belægningsliste 2026 - Åhuset``; ``Beboerliste -
    Botilbuddet Egely`` on a sheet named otherwise; ``Tilbud: Egely``) or else the sheet name."""
    sheet = table.sheet.strip()
    for t in table.title[:3]:
        parts = re.split(r"\s+[-–]\s+|\s*:\s+", t)
        for part in parts[1:]:
            part = part.strip()
            if part.casefold().startswith(sheet.casefold()[:12]) or len(part) > 3 and sheet.casefold().startswith(
                    part.casefold()[:12]):
                return part
        if len(parts) == 2 and _LIST_WORDS.search(parts[0] + (":" if ":" in t else "")) and \
                re.search(r"[a-zæøå]{3}", parts[1].casefold()) and not re.search(r"\d{2}", parts[1]):
            return parts[1].strip()
    return sheet


class OccupancyImporter(Importer):
    """A facility's resident list (one sheet per facility).

    Rules: the facility's places come from a title row ``Normerede pladser: 18``. Own
    residents (paying municipality = the own one) are matched to their grant at the
    facility: differences are reported, a move-out date ends the grant. A resident of the
    own municipality with no grant at the facility is reported as a warning and NOT
    created (section and rate belong to the caseworker's decision). Places sold to
    another municipality become grants at the facility paid by that municipality, at the
    list's day rate (§ 107 for a temporary facility, else § 108, unless the facility's
    other grants say otherwise).
    """

    kind = KINDS["occupancy"]
    what = "beboer"

    def start_sheet(self, table, mapping):
        self.facility = facility_name(table)
        self.places = None
        for t in table.title:
            m = re.search(r"(?i)(?:normerede\s+)?pladser\s*[:=]?\s*(\d+)", t)
            if m:
                self.places = int(m.group(1))
        self.choice = self.ctx.providers.match(table.sheet, new_kind="egen", full_name=self.facility)
        if not hasattr(self, "sheets"):
            self.sheets = {}
        self.sheets[table.sheet] = (self.choice, self.places)
        if not self.ctx.own_municipality and "paying_municipality" in mapping.columns:
            col = mapping.columns["paying_municipality"]
            common = Counter(p.text(v) for v in table.column_values(col)).most_common(1)
            self.own = common[0][0] if common else ""
        else:
            self.own = self.ctx.own_municipality

    def finish(self, rec, table, mapping, cells):
        if not rec.ok:
            return [rec]
        v = rec.values
        paying = v.get("paying_municipality") or ""
        own = not paying or " ".join(paying.casefold().split()) == " ".join(self.own.casefold().split())
        rec.values = {"cpr": v["cpr"], "name": v.get("name") or p.name_beside_cpr(rec.raw.get("cpr")),
                      "move_in": v["move_in"],
                      "move_out": v.get("move_out"), "paying_municipality": paying if not own else self.own,
                      "rate": v.get("rate"), "vum_category": v.get("vum_category"), "own": own,
                      "facility": self.facility, "sheet": table.sheet}
        if not own and v.get("rate") is None:
            rec.reject(self.column(mapping, table, "rate"), "", "En solgt plads skal have en døgntakst")
        if v.get("move_out") and v["move_out"] < v["move_in"]:
            rec.reject(self.column(mapping, table, "move_out"), rec.raw.get("move_out"),
                       "Fraflytning ligger før indflytning")
        rec.key = (table.sheet, v["cpr"], v["move_in"])
        return [rec]

    def _section(self, provider_id: int | None, facility: str) -> str:
        if provider_id:
            row = self.db.execute("SELECT section FROM grants WHERE provider_id = ? GROUP BY section "
                                  "ORDER BY COUNT(*) DESC LIMIT 1", [provider_id]).fetchone()
            if row:
                return row[0]
        return "§ 107" if "midlertid" in facility.casefold() else "§ 108"

    def compare(self, records):
        for rec in records:
            v = rec.values
            choice, _ = self.sheets[v["sheet"]]
            pid = choice.provider_id
            grants = query(self.db, "SELECT g.* FROM grants g JOIN citizens c ON c.id = g.citizen_id "
                                    "WHERE c.cpr = ? AND g.provider_id = ? ORDER BY g.start DESC",
                           [v["cpr"], pid]) if pid else []
            if v["own"]:
                match = next((g for g in grants if g["start"] <= v["move_in"].isoformat() <= (g["end"] or "9999")),
                             grants[0] if grants else None)
                if match is None:
                    rec.status = SKIPPED
                    rec.warnings.append(f"Borgeren har ingen bevilling på {v['facility']}; opret bevillingen i "
                                        "registret (rækken importeres ikke)")
                    continue
                rec.existing_id = match["id"]
                if match["start"] != v["move_in"].isoformat():
                    rec.warnings.append(f"Bevillingen starter {format_date(dt.date.fromisoformat(match['start']))}"
                                        f", listen siger indflyttet {format_date(v['move_in'])}")
                if v["rate"] is not None:
                    rate = Decimal(grant_state(self.db, match["id"])["rates"][-1][1])
                    if rate != v["rate"]:
                        rec.warnings.append(f"Bevillingens takst er {format_number(rate)}, listen siger "
                                            f"{format_number(v['rate'])}")
                if v["move_out"] and match["end"] != v["move_out"].isoformat():
                    rec.changes = {"end": (match["end"], v["move_out"].isoformat())}
                    rec.status = CHANGED
                else:
                    rec.status = UNCHANGED
            else:
                match = next((g for g in grants if g["start"] == v["move_in"].isoformat()), None)
                if match is None:
                    continue
                rec.existing_id = match["id"]
                state = grant_state(self.db, match["id"])
                new = {"end": _iso(v["move_out"]), "paying_municipality": v["paying_municipality"],
                       "rate": str(v["rate"])}
                old = {"end": match["end"], "paying_municipality": match["paying_municipality"],
                       "rate": state["rates"][0][1] if state["rates"] else None}
                rec.changes = _changes(old, new)
                rec.status = CHANGED if rec.changes else UNCHANGED

    def write(self, records, batch_id, update_changed, tick):
        self.apply_sheet_settings(batch_id)
        return super().write(records, batch_id, update_changed, tick)

    def apply_sheet_settings(self, batch_id: int) -> int:
        """Create the facilities that are new and set their places; returns how many were changed."""
        changed = 0
        for choice, places in self.sheets.values():
            pid = self.ctx.providers.ensure(choice, batch_id)
            if places is None:
                continue
            old = query(self.db, "SELECT * FROM providers WHERE id = ?", [pid])[0]
            if old["places"] != places:
                if old["batch_id"] != batch_id:
                    record_change(self.db, batch_id, "providers", pid, old)
                self.db["providers"].update(pid, {"places": places})
                audit.record(self.db, "providers", pid, "import", {"places": old["places"]}, {"places": places},
                             batch_id)
                changed += 1
        return changed

    def apply(self, rec, batch_id, update_changed):
        v = rec.values
        choice, _ = self.sheets[v["sheet"]]
        pid = choice.provider_id
        if rec.status == NEW:
            create_grant_in_batch(self.db, {
                "cpr": v["cpr"], "name": v["name"], "section": self._section(pid, v["facility"]), "provider_id": pid,
                "unit": "døgn", "rate": v["rate"], "start": v["move_in"], "end": v["move_out"],
                "paying_municipality": v["paying_municipality"], "vum_category": v["vum_category"]}, batch_id)
            return NEW
        if rec.status == CHANGED and update_changed:
            update_grant_in_batch(self.db, rec.existing_id, rec.changes, batch_id)
            return CHANGED
        return UNCHANGED


class VumImporter(Importer):
    """VUM lists: a citizen per row, the category marked with ``x`` in its column or written out.

    The facility is the sheet (its name may be cut at 31 characters; the title row may
    hold the full name). Writing is done by ``core.vum.apply_vum_list``.
    """

    kind = KINDS["vum"]
    what = "borger på tilbuddet"

    def start_sheet(self, table, mapping):
        self.facility = facility_name(table)
        self.choice = self.ctx.providers.match(table.sheet, new_kind="egen", full_name=self.facility)

    def finish(self, rec, table, mapping, cells):
        if not rec.ok:
            return [rec]
        v = rec.values
        category, hours = v.get("category"), v.get("hours")
        if mapping.category_columns:
            marked = []
            for col, letter in mapping.category_columns.items():
                raw = cells[col] if col < len(cells) else None
                if p.is_marked(raw):
                    marked.append(letter)
                elif not p.is_blank(raw) and letter == "F":
                    try:
                        hours = p.parse_quantity(raw)
                        marked.append("F")
                    except p.ParseError:
                        rec.reject(table.headers[col], raw, "Markér kategorien med x (eller skriv timerne for F)")
                elif not p.is_blank(raw):
                    rec.reject(table.headers[col], raw, "Markér kategorien med x")
            if len(set(marked)) > 1:
                rec.reject(", ".join(table.headers[c].split("\n")[0] for c, l in mapping.category_columns.items()
                                     if l in marked), "x", "Mere end én kategori er markeret")
            elif marked and category and category != marked[0]:
                rec.reject(self.column(mapping, table, "category"), category, "Kategorien og krydset er forskellige")
            elif marked:
                category = marked[0]
        if not rec.ok:
            return [rec]
        if not category:
            rec.reject(self.column(mapping, table, "category") if "category" in mapping.columns else "VUM-kategori",
                       "", "Ingen VUM-kategori på rækken")
            return [rec]
        rec.values = {"cpr": v["cpr"], "provider_id": self.choice.provider_id, "facility": self.facility,
                      "category": category, "hours": hours if category == "F" else None, "sheet": table.sheet,
                      "row": rec.row}
        rec.key = (table.sheet, v["cpr"])
        return [rec]

    def compare(self, records):
        """The VUM module decides new/changed/unchanged when it applies the list."""

    def write(self, records, batch_id, update_changed, tick):
        tick(0)
        res = apply_vum(self.db, records, batch_id)
        counts = Counter({NEW: res.get("imported", 0), CHANGED: res.get("updated", 0),
                          UNCHANGED: res.get("unchanged", 0)})
        return counts, list(res.get("rejected", []))


# ====================================================================== used hours

class PaHoursImporter(Importer):
    """Used hours of personal assistance in employment: citizen, month (or from–to), hours; optionally
    the provider or the grant's number. Each row is placed on the citizen's grant by
    ``core.register.pa_hours.match_grant`` (a row it cannot place is rejected with the reason);
    a period already imported for the grant with other hours is a changed row; a period that
    overlaps another one of the grant is rejected (the hours would count twice)."""

    kind = KINDS["pa_hours"]
    what = "periode på bevillingen"

    def finish(self, rec, table, mapping, cells):
        if not rec.ok:
            return [rec]
        v = rec.values
        period = v.get("period") or (None, None)
        start, end = v.get("period_start") or period[0], v.get("period_end") or period[1]
        if start is None or end is None:
            given = mapping.given()
            column = self.column(mapping, table, "period" if "period" in given or not
                                 ({"period_start", "period_end"} & given)
                                 else ("period_end" if start else "period_start"))
            how = "" if {"period", "period_start", "period_end"} & given else (
                "; filen har ingen kolonne til måneden, så giv alle rækker samme måned med --set period=2026-03 "
                "(i guiden: en fast værdi)")
            rec.reject(column, "", "Perioden mangler: giv en måned (fx 2026-03) eller både fra og til" + how)
            return [rec]
        if end < start:
            rec.reject(self.column(mapping, table, "period_end"), rec.raw.get("period_end"),
                       "Perioden slutter før den starter")
            return [rec]
        hours = v["hours_used"]
        days = (end - start).days + 1
        if hours < 0 or hours > 24 * days:
            rec.reject(self.column(mapping, table, "hours_used"), rec.raw.get("hours_used"),
                       f"Timerne skal være mellem 0 og {24 * days} (24 timer i hver af periodens {days} dage)")
            return [rec]
        try:
            grant, warnings = pa_hours.match_grant(self.db, v["cpr"], start, end, v.get("provider"),
                                                   v.get("grant_id"))
        except pa_hours.NoGrantForHours as ex:
            rec.reject(self.column(mapping, table, "cpr"), rec.raw.get("cpr") or v["cpr"], str(ex))
            return [rec]
        rec.warnings.extend(warnings)
        # the preview shows the kind's fields: the person, the period, the hours, the grant found
        rec.values = {"cpr": v["cpr"], "name": v.get("name") or "", "period_start": start, "period_end": end,
                      "hours_used": hours, "provider": v.get("provider") or grant.provider, "grant_id": grant.id}
        rec.key = (grant.id, start, end)
        return [rec]

    def compare(self, records):
        by_grant: dict[int, list] = {}
        for row in pa_hours.used_rows(self.db, sorted({r.values["grant_id"] for r in records})):
            by_grant.setdefault(row.grant_id, []).append(row)
        placed: dict[int, list[Record]] = {}
        for rec in records:
            v = rec.values
            start, end = rec.key[1], rec.key[2]
            same = next((u for u in by_grant.get(v["grant_id"], []) if (u.start, u.end) == (start, end)), None)
            other = next((u for u in by_grant.get(v["grant_id"], []) if u is not same and u.start <= end
                          and u.end >= start), None)
            earlier = next((r for r in placed.get(v["grant_id"], []) if r.key[1] <= end and r.key[2] >= start), None)
            if other is not None:
                rec.reject(self.kind.field("period").label, f"{format_date(start)}–{format_date(end)}",
                           f"Perioden overlapper de timer, der allerede er importeret for bevilling {v['grant_id']} "
                           f"{format_date(other.start)}–{format_date(other.end)} (import {other.batch_id}); "
                           "fortryd den import eller brug samme periode")
                continue
            if earlier is not None:
                rec.reject(self.kind.field("period").label, f"{format_date(start)}–{format_date(end)}",
                           f"Perioden overlapper række {earlier.row} i arket '{earlier.sheet}' for samme bevilling")
                continue
            placed.setdefault(v["grant_id"], []).append(rec)
            if same is not None:
                rec.existing_id = same.id
                rec.changes = _changes({"hours_used": str(same.hours)}, {"hours_used": str(v["hours_used"])})
                rec.status = CHANGED if rec.changes else UNCHANGED

    def apply(self, rec, batch_id, update_changed):
        v = rec.values
        if rec.status == NEW:
            self.db["pa_hours_used"].insert({
                "grant_id": v["grant_id"], "period_start": v["period_start"].isoformat(),
                "period_end": v["period_end"].isoformat(), "hours": str(v["hours_used"]), "provider": v["provider"],
                "batch_id": batch_id})
            return NEW
        if rec.status == CHANGED and update_changed:
            old = query(self.db, "SELECT * FROM pa_hours_used WHERE id = ?", [rec.existing_id])[0]
            record_change(self.db, batch_id, "pa_hours_used", rec.existing_id, old)
            self.db["pa_hours_used"].update(rec.existing_id, {"hours": str(v["hours_used"])})
            return CHANGED
        return UNCHANGED


IMPORTERS = {cls.kind.code: cls for cls in (GrantsImporter, PostingsImporter, BudgetImporter, OccupancyImporter,
                                            VumImporter, PaHoursImporter)}


def apply_vum(db, records: list[Record], batch_id: int) -> dict:
    """Hand a VUM list to the VUM module (``core.vum.apply_vum_list``)."""
    # loaded on use (LAZY_LOADS in tests/test_import_rules.py): an import of another kind does not load VUM
    from core.vum import apply_vum_list

    return apply_vum_list(db, [r.values for r in records], batch_id)


