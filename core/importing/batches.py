"""An import as a batch: read and preview, commit in one transaction, undo as a whole.

``prepare`` reads a file, finds its table(s), recognises the kind, maps the columns and
parses and classifies every row — without writing anything. ``commit`` writes a
prepared plan in ONE transaction together with its ``batches`` row; a cancel or any
error leaves nothing behind. ``undo`` removes exactly the batch's rows and restores the
rows it changed, unless later edits build on them (then it refuses and says which).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from core.store import audit, backup
from core.errors import DispoError, NotFoundError
from core.formatting import count
from core.importing import plausibility
from core.importing.fields import KINDS
from core.importing.importers import IMPORTERS, ImportContext, Importer, provider_sections, restore_grant_snapshot
from core.importing.matching import (KindError, Mapping, add_sheet_defaults, detect_kind, missing_required, propose,
                                     score)
from core.importing.choices import (GIVEN, MATCHED, PROFILE, ChoiceError, Choices, apply_choices, choices_report,
                                    check_columns_exist, choices_of, field_of, lookalike_warnings,
                                    map_translated_fields, unused_columns)
from core.importing.profiles import find_profile, mapping_from_headers, profile_named, save_profile
from core.importing.parsers import is_blank, text
from core.importing.persons import looked_up_elsewhere
from core.importing.readers import ReadError, read_file
from core.importing.records import (CHANGED, DUPLICATE, NEW, REJECTED, SKIPPED, UNCHANGED, Record, of_status,
                                    statuses, with_problems, with_warnings)
from core.importing.subtotals import labelled_subtotals
from core.importing.table import NoTableError, Table, build_table, sheet_of_table, side_by_side
from core.store.storage import bulk_work, current_user, query

#: tables whose rows are bookkeeping of the import itself, never removed by undo
BOOKKEEPING = {"audit", "batches", "import_changes"}
TABLE_LABELS = {"grants": "bevilling", "citizens": "borger", "providers": "leverandør", "postings": "postering",
                "budgets": "budgetlinje", "pa_hours_used": "forbrugte timer"}


#: (rows done, rows in all, what is being done); rows done 0 = not counted while it runs
Progress = Callable[[int, int, str], None]
READING, CHECKING = "Læser filen", "Tjekker rækkerne"


def reading_progress(progress: Progress | None) -> Callable[[int, int], None] | None:
    """The reader's (rows read, rows in the file) callback for a ``prepare`` progress callback.

    A workbook is read in one go in a child process: it reports (0, 0) first, so the reading
    shows as busy; a CSV file then reports rows read of the total as they are read.
    """
    if progress is None:
        return None
    progress(0, 0, READING)
    return lambda done, total: progress(done, total, READING)


class ImportCancelled(DispoError):
    """The user cancelled a running import; nothing was saved."""


@dataclass
class SheetPlan:
    table: Table
    mapping: Mapping


@dataclass
class Plan:
    """A previewed import: every row parsed and classified, nothing written yet."""

    file: Path
    kind: str
    sheets: list[SheetPlan]
    records: Sequence[Record]  # a list, or a block of rows (records.RecordBlock)
    importer: Importer
    hidden_sheets: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: values far outside what the field and the file hold (``plausibility.check``)
    findings: list[plausibility.Finding] = field(default_factory=list)

    @property
    def rows_read(self) -> int:
        return sum(len(s.table.rows) for s in self.sheets)

    @property
    def sheet_names(self) -> str:
        return "; ".join(s.table.sheet for s in self.sheets)

    def counts(self) -> Counter:
        return statuses(self.records)

    @property
    def rejected(self) -> list[dict]:
        return [pr for r in with_problems(self.records) for pr in r.problems]

    @property
    def warnings(self) -> list[dict]:
        totals = []
        for s in self.sheets:
            skipped = [(row, f"Sum-rækken '{label}' springes over") for row, label in s.table.totals]
            skipped += [(row, f"Rækken '{label}' har kun denne tekst (en mellemoverskrift) og springes over")
                        for row, label in s.table.headings]
            skipped += [(row, "Rækken gentager arkets overskrift eller titel (en ny side i en udskrift, eller en "
                        "tabel mere under den første) og springes over")
                        for row in s.table.repeated_headers]
            totals += [{"sheet": s.table.sheet, "row": row, "warning": w} for row, w in sorted(skipped)]
        return (totals + [{"sheet": r.sheet, "row": r.row, "warning": w} for r in with_warnings(self.records)
                          for w in r.warnings]
                + self.column_warnings() + self.provider_warnings())

    def provider_warnings(self) -> list[dict]:
        """A provider the file names that will be created although Dispo knows one with a name like it
        (``Bostedet Åhuset ApS`` beside a known ``Åhuset``): the same provider twice is asked about."""
        if any(f.name == "provider" for f in KINDS[self.kind].fields):
            how = (" Er det den samme, så brug --translate provider:'{name}'='{known}' (i guiden: vælg den under "
                   "leverandører)")
        else:  # the provider is the sheet's: only the wizard chooses another
            how = " Er det den samme, så vælg den i guiden"
        return [{"sheet": "", "row": None,
                 "warning": f"Leverandøren '{c.name}' ligner '{c.suggestion}' ({c.score:.0f} %), som Dispo kender, "
                            "men oprettes som en ny leverandør." + how.format(name=c.name, known=c.suggestion)}
                for c in self.provider_choices() if c.is_new and c.suggestion_id is not None]

    def unused_columns(self) -> list[dict]:
        """Every column of every sheet read that feeds no field (``[{sheet, column, samples}]``)."""
        return [u for s in self.sheets for u in unused_columns(s.table, s.mapping)]

    def column_warnings(self) -> list[dict]:
        """Unused columns whose values look like a field of the kind (each names the field)."""
        kind = KINDS[self.kind]
        return [w for s in self.sheets for w in lookalike_warnings(s.table, s.mapping, kind)]

    def changes(self) -> list[dict]:
        """Every changed field of every row that differs from the database: old -> new."""
        return [{"sheet": r.sheet, "row": r.row, "field": name, "old": _plain(old), "new": _plain(new)}
                for r in of_status(self.records, CHANGED) for name, (old, new) in r.changes.items()]

    def questions(self) -> list[dict]:
        """What the user must answer for rows to come in, per field: the values of its column no
        parser could read (distinct, with counts; answered by a translation), or, for a field
        without a column, the values that left it unknown (answered by a fixed value)."""
        kind = KINDS[self.kind]
        labels = {f.label: f.name for f in kind.fields}
        sheets = {s.table.sheet: s for s in self.sheets}
        by_field: dict[tuple[str, str, bool], Counter] = {}
        headers_of = {name: {s.table.headers[c]: f for f, c in s.mapping.columns.items()} for name, s in sheets.items()}
        for r in with_problems(self.records):
            headers = headers_of.get(r.sheet)
            if headers is None:
                continue
            for pr in r.problems:
                if pr.get("unlikely"):
                    continue  # left out at her word, not a value to explain
                name = headers.get(pr["column"])
                has_column = name is not None
                name = name or labels.get(pr["column"])
                if name and name != "cpr" and pr["value"]:
                    by_field.setdefault((name, pr["column"], has_column), Counter())[pr["value"]] += 1
        out = []
        for (name, column, has_column), c in by_field.items():
            option = (f"--translate {name}:{c.most_common(1)[0][0]}=BETYDNING" if has_column
                      else f"--set {name}=VÆRDI")
            out.append({"field": name, "column": column,
                        "values": [{"value": v, "count": n} for v, n in c.most_common()], "option": option})
        return out

    def needs_choice(self) -> str:
        """When no row can come in until the user answers the questions: what to answer, in Danish
        (naming each field and the option that answers it); else ``''``."""
        if any(n for status, n in statuses(self.records).items() if status != REJECTED):
            return ""
        questions = self.questions()
        if not questions:
            return ""
        parts = []
        for q in questions:
            values = ", ".join(f"'{v['value']}'" for v in q["values"][:5]) + (" …" if len(q["values"]) > 5 else "")
            if q["option"].startswith("--translate"):
                parts.append(f"kolonnen '{q['column']}' ({q['field']}) har værdier, Dispo ikke kan læse: {values}; "
                             f"sig hvad de betyder med {q['option']}")
            else:
                parts.append(f"{q['field']} er ukendt ({values}); giv alle rækker en værdi med {q['option']}")
        return f"Ingen rækker i '{self.file.name}' kan importeres endnu: " + "; ".join(parts) + "."

    def unlikely(self, update_changed: bool = True) -> list[dict]:
        """The unlikely values that saving would store (``[{sheet, row, column, field, value, reason}]``):
        on new rows, and on changed rows when they are updated; ``value`` is the cell as written."""
        return [u for _, u in self._unlikely(update_changed)]

    def _unlikely(self, update_changed: bool) -> list[tuple[plausibility.Finding, dict]]:
        sheets = {s.table.sheet: s for s in self.sheets}
        cells: dict[str, dict[int, list]] = {}
        out = []
        for f in self.findings:
            rec = f.record
            if not (rec.status == NEW or (rec.status == CHANGED and update_changed)):
                continue
            sp = sheets.get(rec.sheet)
            column, col = _column_of(sp, f.field, self.kind)
            value = f.cell
            if col is not None:
                if rec.sheet not in cells:
                    cells[rec.sheet] = dict(sp.table.rows)
                row = cells[rec.sheet].get(rec.row, [])
                if col < len(row) and not is_blank(row[col]) and not isinstance(row[col], dt.date):
                    value = text(row[col])
            out.append((f, {"sheet": rec.sheet, "row": rec.row, "column": column, "field": f.field, "value": value,
                            "reason": f.reason}))
        return out

    def mapping_headers(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for s in self.sheets:
            for k, v in s.mapping.headers(s.table).items():
                out.setdefault(k, v)
        return out

    def provider_choices(self):
        return list(self.importer.ctx.providers.choices.values())


def _column_of(sp: SheetPlan | None, name: str, kind: str) -> tuple[str, int | None]:
    """The header and index of the column a field was read from (its label and ``None`` when it
    has no column of its own)."""
    m = sp.mapping if sp is not None else None
    if m is not None and name in m.columns:
        return sp.table.headers[m.columns[name]], m.columns[name]
    if m is not None and name == "amount" and {"debit", "credit"} & set(m.columns):
        return "/".join(sp.table.headers[m.columns[n]] for n in ("debit", "credit") if n in m.columns), None
    label = KINDS[kind].field(name).label
    return (f"{label} (fast værdi)" if m is not None and name in m.defaults else label), None


class UnlikelyValuesError(DispoError):
    """A file holds values far outside what their field and the file hold, and nobody confirmed them."""


#: the command-line options that answer an ``UnlikelyValuesError``
ACCEPT_UNLIKELY, SKIP_UNLIKELY = "--accept-unlikely", "--skip-unlikely"


def confirm_unlikely(plan: Plan, *, accept: bool = False, skip: bool = False, update_changed: bool = True) -> None:
    """Unlikely values are saved only when she says so: ``accept`` keeps them, ``skip`` leaves their
    rows out (rejected, with the reason); with neither, the plan is refused.

    Raises:
        UnlikelyValuesError: the plan would save unlikely values, and neither was chosen; the message
            lists them (sheet, row, column, value, why) and names the options.
    """
    pairs = plan._unlikely(update_changed)
    if not pairs or accept:
        return
    if skip:
        for f, u in pairs:
            f.record.warnings.remove(f.reason)
            f.record.reject(u["column"], u["value"], f"Udeladt: {f.reason}")
            f.record.problems[-1]["unlikely"] = True
        plan.findings = [f for f in plan.findings if f.record.status != REJECTED]
        return
    found = [u for _, u in pairs]
    lines = [f"  ark '{u['sheet']}' række {u['row']}, kolonne '{u['column']}' ('{u['value']}'): {u['reason']}"
             for u in found[:20]]
    if len(found) > 20:
        lines.append(f"  … og {len(found) - 20} mere (se dem alle med --dry-run --json)")
    rows = len({(u["sheet"], u["row"]) for u in found})
    raise UnlikelyValuesError(
        f"Intet er gemt: '{plan.file.name}' har {count(len(found), 'usandsynlig værdi', 'usandsynlige værdier')} "
        f"på {count(rows, 'række', 'rækker')}, langt fra hvad feltet og resten af filen rummer:\n"
        + "\n".join(lines)
        + f"\nTjek værdierne og kolonnevalget. Gem dem alligevel med {ACCEPT_UNLIKELY}, eller udelad rækkerne "
          f"med {SKIP_UNLIKELY} (de står så som afviste rækker).")


def _plain(value):
    """A value as JSON holds it (dates as ISO text, numbers as text)."""
    if value is None or isinstance(value, (str, int, float)):
        return value
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def sheet_tables(path: Path, sheet: str | None = None, progress: Progress | None = None
                 ) -> tuple[list[Table], list[str], list[str]]:
    """The tables found in a file: ``(tables, hidden sheet names, notes on sheets without a table)``.

    Hidden sheets are read only when named. A sheet named is one table of it: of a sheet holding two
    tables side by side, ``Ark1`` is the left one and ``Ark1 (tabel 2)`` the right one, as the wizard
    lists them.
    """
    try:
        read = read_file(path, [sheet] if sheet else None, reading_progress(progress))
    except ReadError:  # 'Ark1 (tabel 2)': the right-hand table of the sheet 'Ark1', when it has one
        base = sheet_of_table(sheet) if sheet else None
        if base is None:
            raise
        read = read_file(path, [base], reading_progress(progress))
        if not any(part.name == sheet for s in read for part in side_by_side(s)):
            raise
    raw = [part for s in read for part in side_by_side(s) if not sheet or part.name == sheet]
    tables, hidden, notes = [], [], []
    for s in raw:
        if s.hidden and not sheet:
            hidden.append(s.name)
            continue
        try:
            tables.append(build_table(s))
        except NoTableError as ex:
            if sheet:
                raise
            notes.append(str(ex))
    if not tables:
        raise NoTableError(f"Ingen af arkene i '{path.name}' har en genkendelig overskriftsrække "
                           "(fx CPR-nr., Navn, Paragraf, Takst, Beløb)")
    return tables, hidden, notes


@dataclass
class SheetInfo:
    """A sheet as the wizard lists it: hidden or not, its table and the kind it looks like."""

    name: str
    hidden: bool
    table: Table | None
    kind: str | None
    note: str = ""
    profile: dict | None = None  # the saved profile for the sheet's layout


def inspect_file(db, path: str | Path, progress: Progress | None = None) -> list[SheetInfo]:
    """Every sheet of a file with its table and recognised kind (hidden sheets too, marked).

    Args:
        progress: called while the file is read, as for ``prepare``.

    Raises:
        DispoError: the file cannot be read.
    """
    path = Path(path)
    out = []
    for raw in (part for s in read_file(path, progress=reading_progress(progress)) for part in side_by_side(s)):
        try:
            table = build_table(raw)
        except NoTableError as ex:
            out.append(SheetInfo(raw.name, raw.hidden, None, None, str(ex)))
            continue
        profile = find_profile(db, table.headers)
        kind, note = (profile["kind"], "") if profile else (None, "")
        if kind is None:
            try:
                kind = detect_kind(table)[0].code
            except KindError as ex:
                note = str(ex)
        out.append(SheetInfo(raw.name, raw.hidden, table, kind, note, profile))
    return out


def mapping_for(db, kind: str, table: Table, override: dict[str, str] | None = None,
                choices: Choices | None = None, profile: dict | None = None) -> Mapping:
    """The mapping to use, with where each choice came from.

    The base is the given whole mapping (``override``, the wizard's columns), else the
    ``profile`` named, else a saved profile for the layout, else Dispo's proposal; the
    ``choices`` given on top win over it.
    """
    return _mapping_for(db, kind, table, override, choices, profile)


def _mapping_for(db, kind: str, table: Table, override: dict[str, str] | None, choices: Choices | None = None,
                 profile: dict | None = None, missing_ok: bool = False) -> Mapping:
    kind_decl = KINDS[kind]
    if override:
        m = mapping_from_headers(kind, table, override)
        m.sources.update({("map", name): GIVEN for name in m.columns})
    else:
        profile = profile or find_profile(db, table.headers, kind)
        if profile:
            m = mapping_from_headers(kind, table, profile["mapping"])
            m.sources.update({("map", name): PROFILE for name in m.columns})
            apply_choices(m, table, kind_decl, Choices({}, profile.get("fixed") or {},
                                                       profile.get("translations") or {}), PROFILE)
        else:
            m = propose(kind_decl, table)
            m.sources.update({("map", name): MATCHED for name in m.columns})
    if choices:
        apply_choices(m, table, kind_decl, choices, GIVEN, missing_ok)
        add_sheet_defaults(m, table)
    return map_translated_fields(m, table, kind_decl)


def prepare(db, path: str | Path, kind: str | None = None, sheet: str | None = None,
            mapping: dict[str, str] | None = None, providers: dict[str, int | None] | None = None,
            choices: Choices | None = None, profile: str | None = None,
            progress: Progress | None = None) -> Plan:
    """Read, map, parse and classify a file. Nothing is written.

    Args:
        kind: grants, postings, budget, occupancy or vum; ``None`` recognises it.
        sheet: only this sheet (a hidden sheet too); ``None`` = the visible sheet(s) with a table.
        mapping: field -> header text, instead of the automatic mapping or a saved profile.
        providers: confirmed provider matches: name in the file -> provider id, or None = create new.
        choices: columns, fixed values and translations the user gave, on top of the mapping.
        profile: the name of a saved profile to use whatever the file's headers are.
        progress: called with (rows done, rows in all, what is being done) while the file is read
            and its rows are checked (see ``reading_progress``).

    Raises:
        DispoError: the file cannot be read, has no table, or does not fit the kind.
    """
    path = Path(path)
    if kind is not None and kind not in KINDS:
        raise DispoError(f"Ukendt slags import '{kind}'; vælg en af {', '.join(KINDS)}")
    named = profile_named(db, profile, kind) if profile else None
    if named and kind is None:
        kind = named["kind"]
    with bulk_work():
        return _prepare(db, path, kind, sheet, mapping, providers, choices, named, progress)


def _prepare(db, path: Path, kind, sheet, mapping, providers, choices=None, named=None, progress=None) -> Plan:
    tables, hidden, notes = sheet_tables(path, sheet, progress)
    if choices:
        check_columns_exist(tables, choices)
    detected: dict[int, Mapping] = {}  # id(table) -> the mapping detection proposed for the kind it chose
    if kind is None and choices:
        kind = _kind_fitting_choices(db, tables, choices)
    if kind is None:
        best = None
        for t in tables:
            profile = find_profile(db, t.headers)
            if profile:
                cand = (100.0, KINDS[profile["kind"]])
            else:
                try:
                    k, m = detect_kind(t)
                except KindError:
                    continue
                detected[id(t)] = m
                cand = (score(k, m, t), k)
            if best is None or cand[0] > best[0]:
                best = cand
        if best is None:
            try:
                detect_kind(tables[0])  # raises the explanatory KindError
            except KindError as ex:
                if hidden:
                    raise KindError(f"{ex} Skjulte ark er ikke læst: " + ", ".join(f"'{h}'" for h in hidden) +
                                    " (vælg et skjult ark med --sheet eller i guiden)") from None
                raise
        kind = best[1].code
    kind_decl = KINDS[kind]
    plans, problems, asks = [], [], set()
    for t in tables:
        m = detected.get(id(t))
        if m is None or m.kind != kind or mapping or choices or named:
            m = _mapping_for(db, kind, t, mapping, choices, named, missing_ok=len(tables) > 1)
        else:
            m.sources.update({("map", name): MATCHED for name in m.columns})
        missing = missing_required(kind_decl, m)
        if missing == ["Paragraf"] and kind == "grants" and "provider" in m.given() and provider_sections(db):
            missing = []  # the section is the provider's known one, row by row (else the row asks)
        if missing:
            problems.append(f"arket '{t.sheet}' mangler kolonner til {', '.join(missing)}")
            asks.update(missing)
            continue
        plans.append(SheetPlan(t, m))
    if not kind_decl.multi_sheet and len(plans) > 1:
        # several sheets of the same layout (one per section, per month) are all read; a sheet laid out
        # otherwise (a pivot of months beside the posting lines) would count the same money twice
        best = max(plans, key=lambda sp: (score(kind_decl, sp.mapping, sp.table), len(sp.table.rows)))
        wide = bool(best.mapping.month_columns)
        others = [sp.table.sheet for sp in plans if bool(sp.mapping.month_columns) != wide]
        plans = [sp for sp in plans if bool(sp.mapping.month_columns) == wide]
        if others:
            notes.append("Ikke læst, da de er sat anderledes op end arket '" + best.table.sheet + "': " +
                         ", ".join(f"'{o}'" for o in others) + " (vælg et ark med --sheet)")
        if len(plans) > 1:
            notes.append("Arkene " + ", ".join(f"'{sp.table.sheet}'" for sp in plans) + " er alle læst "
                         "(vælg ét ark med --sheet)")
    for sp in plans:  # people named by an id that another sheet of the workbook maps to CPR numbers
        c, lookup, ids = looked_up_elsewhere(sp.table, sp.mapping, kind_decl, [t for t in tables if t not in
                                                                              [s.table for s in plans]])
        if lookup is not None:
            sp.mapping.columns["cpr"] = c
            sp.mapping.translations["cpr"] = ids
            sp.mapping.looked_up["cpr"] = lookup.sheet
            sp.mapping.sources[("map", "cpr")] = MATCHED
            sp.mapping.sources.update({("translate", "cpr", k): MATCHED for k in ids})
            problems = [pr for pr in problems if not pr.startswith(f"arket '{lookup.sheet}' ")]
            notes.append(f"Arket '{sp.table.sheet}': CPR-nummeret er slået op i arket '{lookup.sheet}' efter "
                         f"kolonnen '{sp.table.headers[c]}' ({len(ids)} numre)")
    if not plans:
        raise DispoError(f"Filen '{path.name}' passer ikke til {kind_decl.label.lower()}: " + "; ".join(problems)
                         + ". " + how_to_supply(kind_decl, asks, len(problems)))
    ctx = ImportContext(db, path.name)
    if providers:
        ctx.providers.decide(providers)
    importer = IMPORTERS[kind](ctx)
    parts: list = []  # per sheet its records (a block of rows, or a list)
    if progress is not None:
        progress(0, sum(len(sp.table.rows) for sp in plans), CHECKING)
    for sp in plans:
        parsed = importer.parse(sp.table, sp.mapping)
        wide = bool(sp.mapping.month_columns)
        # a sum row without a label: skipped like 'I alt'
        bare_sums = {id(rec): rec.row for rec in of_status(parsed, REJECTED) if kind_decl.is_bare_sum(rec.raw, wide)}
        labelled = labelled_subtotals(parsed, sp.table, sp.mapping) if kind == "postings" else {}
        if labelled:  # 'Sum 010190-1234' in the text column of a row with the postings' date and account
            sp.table.totals = sorted(sp.table.totals + list(labelled.values()))
            sp.table.rows = [r for r in sp.table.rows if r[0] not in {row for row, _ in labelled.values()}]
            parsed = [rec for rec in parsed if id(rec) not in labelled]
        parts.append([rec for rec in parsed if id(rec) not in bare_sums] if bare_sums else parsed)
        sums = set(bare_sums.values())
        if sums:
            sp.table.totals = sorted(sp.table.totals + [(row, "uden tekst") for row in sums])
            sp.table.rows = [r for r in sp.table.rows if r[0] not in sums]
    records = parts[0] if len(parts) == 1 else [rec for part in parts for rec in part]
    importer.classify(records)
    findings = plausibility.check(records, kind_decl)
    if hidden:
        notes.append("Skjulte ark er ikke læst: " + ", ".join(f"'{h}'" for h in hidden) +
                     " (vælg et skjult ark med --sheet eller i guiden)")
    return Plan(path, kind, plans, records, importer, hidden, notes + problems + importer.notes, findings)


def kinds_of_choices(choices: Choices) -> list[str]:
    """The kinds that have every field the choices name."""
    names = set(choices.maps) | set(choices.fixed) | set(choices.translations)
    fits = []
    for kind in KINDS.values():
        try:
            for name in names:
                field_of(kind, name)
        except ChoiceError:
            continue
        fits.append(kind.code)
    return fits


def _kind_fitting_choices(db, tables: list[Table], choices: Choices) -> str | None:
    """The kind the file is with the user's choices applied: of the kinds that have the fields she
    named, the best scoring one that then lacks no column (``None``: detection decides)."""
    best = None
    for code in kinds_of_choices(choices):
        for t in tables:
            try:
                m = _mapping_for(db, code, t, None, choices, missing_ok=len(tables) > 1)
            except DispoError:
                continue
            if not missing_required(KINDS[code], m):
                cand = (score(KINDS[code], m, t), code)
                best = cand if best is None or cand[0] > best[0] else best
    return best[1] if best else None


def save_plan_profile(db, plan: Plan, name: str) -> int:
    """Save the choices a plan used (columns, fixed values, translations) as a profile for the
    layout of its first sheet; returns the profile id."""
    sp = plan.sheets[0]
    chosen = choices_of(sp.mapping, sp.table)
    return save_profile(db, plan.kind, sp.table.headers, chosen.maps, name, chosen.fixed, chosen.translations)


def how_to_supply(kind, labels, sheets: int = 1) -> str:
    """How the user supplies fields that have no column: the command-line options that do it. Of
    ``sheets`` sheets that lack them, each may need its own value (one sheet per provider): a value
    for all rows would give every sheet the first's, so one sheet at a time is named too."""
    by_label = {f.label: f.name for f in kind.fields}
    names = [by_label[label] for label in sorted(labels) if label in by_label]
    if not names:
        return "Vælg kolonnerne selv (--map FELT=KOLONNE)."
    if sheets > 1:
        return ("Vælg kolonnen med " + " og ".join(f"--map {n}=KOLONNE" for n in names)
                + ". Har arkene hver sin værdi (fx ét ark pr. leverandør), så importér ét ark ad gangen med "
                "--sheet ARK og " + " og ".join(f"--set {n}=VÆRDI" for n in names)
                + "; ellers giver " + " og ".join(f"--set {n}=VÆRDI" for n in names) + " alle arkenes rækker samme "
                "værdi (eller brug en gemt profil med --profile NAVN).")
    return ("Vælg kolonnen med " + " og ".join(f"--map {n}=KOLONNE" for n in names)
            + ", eller giv alle rækker samme værdi med " + " og ".join(f"--set {n}=VÆRDI" for n in names)
            + " (eller brug en gemt profil med --profile NAVN).")


def result(plan: Plan, batch_id: int | None, counts: Counter, new_providers: list[str] | None = None,
           update_changed: bool = True) -> dict:
    """The import result as the CLI prints it."""
    if new_providers is None:
        new_providers = sorted(c.name for c in plan.provider_choices() if c.is_new)
    plan_counts = plan.counts()
    return {
        "batch_id": batch_id, "file": plan.file.name, "sheet": plan.sheet_names, "kind": plan.kind,
        "rows_read": plan.rows_read, "imported": counts.get(NEW, 0), "updated": counts.get(CHANGED, 0),
        "unchanged": counts.get(UNCHANGED, 0), "duplicates": plan_counts.get(DUPLICATE, 0),
        "skipped": plan_counts.get(SKIPPED, 0), "rejected": plan.rejected, "warnings": plan.warnings,
        "mapping": plan.mapping_headers(),
        "new_providers": new_providers, "notes": plan.notes,
        "unused_columns": plan.unused_columns(),
        "choices": choices_report([(s.table, s.mapping) for s in plan.sheets]),
        "questions": plan.questions(),
        "changes": plan.changes(),
        "unlikely": plan.unlikely(update_changed),
    }


def preview_result(plan: Plan, update_changed: bool = True) -> dict:
    """What a commit would do (``--dry-run``)."""
    counts = plan.counts()
    if not update_changed:
        counts[UNCHANGED] += counts.pop(CHANGED, 0)
    return result(plan, None, counts, update_changed=update_changed)


def commit(db, plan: Plan, *, update_changed: bool = True, progress: Callable[[int, int], None] | None = None,
           cancelled: Callable[[], bool] | None = None) -> dict:
    """Write a prepared plan in one transaction with its batch row; returns the result.

    Args:
        update_changed: update records that differ from the database (else keep the database's values).
        progress: called with (done, total) now and then.
        cancelled: polled; when it returns True the import stops and nothing is saved.

    Raises:
        ImportCancelled: when cancelled (the transaction is rolled back).
    """
    progress = progress or (lambda done, total: None)
    cancelled = cancelled or (lambda: False)
    total = len(plan.records)
    importer = plan.importer
    choices = plan.provider_choices()
    before_ids = {id(c): c.provider_id for c in choices}
    known = dict(importer.ctx.providers.providers)
    new_providers = sorted(c.name for c in choices if c.is_new)
    counts: Counter = Counter()
    backup.before(db, "import")
    try:
        with bulk_work(), db.atomic():
            batch_id = db["batches"].insert({
                "kind": plan.kind, "file": plan.file.name, "sheet": plan.sheet_names, "created_at": audit.now(),
                "user": current_user(), "rows_read": plan.rows_read,
                "mapping": json.dumps(plan.mapping_headers(), ensure_ascii=False)}).last_pk
            audit.record(db, "batches", batch_id, "import", None, {"file": plan.file.name, "kind": plan.kind},
                         batch_id)
            usable = of_status(plan.records, NEW, CHANGED, UNCHANGED)
            counts, extra_rejected = importer.write(usable, batch_id, update_changed,
                                                    lambda i: _tick(i, total, progress, cancelled))
            _tick(total, total, progress, cancelled)
            out = result(plan, batch_id, counts, new_providers, update_changed)
            out["rejected"] = out["rejected"] + extra_rejected
            db["batches"].update(batch_id, {"imported": out["imported"], "updated": out["updated"],
                                            "unchanged": out["unchanged"], "rejected": len(out["rejected"])})
    except BaseException:
        for c in choices:
            c.provider_id = before_ids[id(c)]
        importer.ctx.providers.providers = known
        raise
    return out


def _tick(done: int, total: int, progress, cancelled) -> None:
    if cancelled():
        raise ImportCancelled("Importen blev annulleret; intet er gemt")
    progress(done, total)


def import_file(db, path, kind=None, sheet=None, *, dry_run=False, update_changed=True, mapping=None,
                choices: Choices | None = None, profile: str | None = None) -> dict:
    """Prepare and (unless ``dry_run``) commit a file: the CLI's one call."""
    plan = prepare(db, path, kind, sheet, mapping, choices=choices, profile=profile)
    if dry_run:
        return preview_result(plan, update_changed)
    return commit(db, plan, update_changed=update_changed)


# ====================================================================== batches and undo

def list_batches(db) -> list[dict]:
    """Every import, newest first."""
    return query(db, "SELECT * FROM batches ORDER BY id DESC")


def _batch_tables(db) -> list[str]:
    """Tables with a ``batch_id`` column, those that reference others first (safe delete order)."""
    tables = [t for t in db.table_names() if t not in BOOKKEEPING and "batch_id" in db[t].columns_dict]
    refs = {t: {fk.other_table for fk in db[t].foreign_keys} for t in tables}
    ordered: list[str] = []
    remaining = set(tables)
    while remaining:
        leaves = sorted(t for t in remaining if not any(t in refs[o] for o in remaining if o != t))
        if not leaves:
            leaves = sorted(remaining)
        ordered += leaves
        remaining -= set(leaves)
    return ordered


def _referencing(db, table: str) -> list[tuple[str, str, str]]:
    """``(table, column, referenced column)`` of the foreign keys to ``table`` that keep its rows
    alive (not ON DELETE CASCADE)."""
    out = []
    pks = db[table].pks
    default_to = pks[0] if len(pks) == 1 else "rowid"
    for t in db.table_names():
        if t in BOOKKEEPING:
            continue
        for fk in db.execute(f"PRAGMA foreign_key_list([{t}])").fetchall():
            # id, seq, table, from, to, on_update, on_delete, match
            if fk[2] == table and fk[6].upper() != "CASCADE":
                out.append((t, fk[3], fk[4] or default_to))
    return out


def dependencies(db, batch_id: int) -> list[str]:
    """Danish descriptions of later changes that build on the batch (empty: safe to undo)."""
    out = []
    marker = db.execute("SELECT MIN(id) FROM audit WHERE batch_id = ? AND table_name = 'batches'",
                        [batch_id]).fetchone()[0] or 0
    touched: dict[str, set[int]] = {}
    created: dict[str, set[int]] = {}
    for t in _batch_tables(db):
        ids = {r[0] for r in db.execute(f"SELECT rowid FROM [{t}] WHERE batch_id = ?", [batch_id])}
        if ids:
            touched.setdefault(t, set()).update(ids)
            created[t] = ids
    for t, rid in db.execute("SELECT table_name, row_id FROM import_changes WHERE batch_id = ?", [batch_id]):
        touched.setdefault(t, set()).add(rid)
    for t, ids in touched.items():
        refs = _referencing(db, t)
        for chunk in _chunks(sorted(ids)):
            marks = ",".join("?" * len(chunk))
            for row_id, at, user, other in db.execute(
                    f"SELECT row_id, at, user, batch_id FROM audit WHERE table_name = ? AND row_id IN ({marks}) "
                    "AND id > ? AND (batch_id IS NULL OR batch_id != ?) ORDER BY id",
                    [t, *chunk, marker, batch_id]):
                by = f"import {other}" if other else user
                out.append(f"{TABLE_LABELS.get(t, t)} {row_id} er ændret {at[:10]} af {by}")
            # rows the batch created go away with an undo, so later rows that refer to them depend
            # on it; rows it only updated stay, and what refers to those does not matter
            new_rows = [rid for rid in chunk if rid in created.get(t, ())]
            new_marks = ",".join("?" * len(new_rows))
            for ref_table, col, to_col in refs if new_rows else ():
                other_rows = " AND (batch_id IS NULL OR batch_id != ?)" \
                    if "batch_id" in db[ref_table].columns_dict else ""
                rows = db.execute(
                    f"SELECT rowid FROM [{ref_table}] WHERE [{col}] IN "
                    f"(SELECT [{to_col}] FROM [{t}] WHERE rowid IN ({new_marks})){other_rows}",
                    [*new_rows] + ([batch_id] if other_rows else [])).fetchall()
                for (rid,) in rows:
                    out.append(f"{TABLE_LABELS.get(ref_table, ref_table)} {rid} bruger "
                               f"{TABLE_LABELS.get(t, t)} fra importen")
            later = db.execute(
                f"SELECT DISTINCT c.batch_id FROM import_changes c JOIN batches b ON b.id = c.batch_id "
                f"WHERE c.table_name = ? AND c.row_id IN ({marks}) AND c.batch_id > ? AND b.undone_at IS NULL",
                [t, *chunk, batch_id]).fetchall()
            for (b,) in later:
                out.append(f"import {b} har ændret rækker fra denne import")
    return sorted(set(out), key=out.index)


def _chunks(ids: list[int], n: int = 500):
    for i in range(0, len(ids), n):
        yield ids[i:i + n]


def undo(db, batch_id: int, *, force: bool = False) -> dict:
    """Remove exactly the batch's rows and restore the rows it changed.

    Raises:
        NotFoundError: no such batch.
        DispoError: already undone, or later edits depend on it (unless ``force``).
    """
    rows = query(db, "SELECT * FROM batches WHERE id = ?", [batch_id])
    if not rows:
        raise NotFoundError(f"Import {batch_id} findes ikke")
    if rows[0]["undone_at"]:
        raise DispoError(f"Import {batch_id} er allerede fortrudt ({rows[0]['undone_at'][:16].replace('T', ' ')})")
    deps = dependencies(db, batch_id)
    if deps and not force:
        shown = "; ".join(deps[:8]) + (f" og {len(deps) - 8} mere" if len(deps) > 8 else "")
        raise DispoError(f"Import {batch_id} kan ikke fortrydes, fordi senere ændringer bygger på den: {shown}. "
                         "Fortryd dem først, eller fortryd alligevel (--force).")
    removed: Counter = Counter()
    backup.before(db, "undo")
    with db.atomic():
        for t in _batch_tables(db):
            if force:
                for ref_table, col, to_col in _referencing(db, t):
                    # keep a row that later rows still need; it simply stops belonging to the batch
                    other = " AND (batch_id IS NULL OR batch_id != ?)" if "batch_id" in db[ref_table].columns_dict \
                        else ""
                    db.execute(f"UPDATE [{t}] SET batch_id = NULL WHERE batch_id = ? AND [{to_col}] IN "
                               f"(SELECT [{col}] FROM [{ref_table}] WHERE [{col}] IS NOT NULL{other})",
                               [batch_id] + ([batch_id] if other else []))
            cur = db.execute(f"DELETE FROM [{t}] WHERE batch_id = ?", [batch_id])
            if cur.rowcount:
                removed[t] += cur.rowcount
        changes = query(db, "SELECT * FROM import_changes WHERE batch_id = ? ORDER BY id DESC", [batch_id])
        for ch in changes:
            old = json.loads(ch["old"])
            if ch["table_name"] == "grants":
                restore_grant_snapshot(db, ch["row_id"], old)
            else:
                values = {k: v for k, v in old.items() if k != "id"}
                if values:
                    db[ch["table_name"]].update(ch["row_id"], values)
        db.execute("DELETE FROM import_changes WHERE batch_id = ?", [batch_id])
        now = dt.datetime.now().isoformat(timespec="seconds")
        db["batches"].update(batch_id, {"undone_at": now})
        audit.record(db, "batches", batch_id, "undo", None, {"removed": dict(removed), "restored": len(changes)},
                     batch_id)
    return {"batch_id": batch_id, "removed": dict(removed), "restored": len(changes), "forced": bool(deps)}
