"""The import wizard: file → sheet and kind → columns → preview → commit → result.

Every step calls core (``core.importing``); reading, previewing and committing run off
the GUI thread. The commit can be cancelled, which leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (QApplication, QButtonGroup, QCheckBox, QComboBox, QFileDialog, QFormLayout, QHBoxLayout,
                               QLabel, QLineEdit, QMessageBox, QProgressBar, QPushButton, QRadioButton, QScrollArea,
                               QTableView, QVBoxLayout, QWidget, QWizard, QWizardPage)

from core.errors import DispoError
from core.importing import batches, plausibility
from core.importing.choices import Choices, GIVEN, MATCHED, apply_choices, unreadable_values, unused_columns
from core.importing.errors_workbook import write_error_workbook
from core.importing.fields import KINDS
from core.importing.matching import SURE, missing_required, propose, samples
from core.importing.parsers import text
from core.formatting import count, date_text, import_counts
from core.importing.profiles import find_profile, list_profiles, mapping_from_headers, save_profile
from core.importing.records import CHANGED, REJECTED, STATUS_LABELS
from core.money import format_date, format_number
from gui.common.headers import fit_table
from gui.common.models import Column, RecordFilterProxy, RecordModel, show_cpr, show_date, show_number
from gui.common.widgets import size_to_window
from gui.common.workers import Task, start

ALL_SHEETS = "__alle__"
FILE_FILTER = "Regneark og CSV (*.xlsx *.xlsm *.xls *.ods *.csv *.txt);;Alle filer (*)"
ERROR_COLOUR = "#f8d0d0"    # a rejected row
WARNING_COLOUR = "#fff2b3"  # a row with a remark
CHANGED_COLOUR = "#d6e6ff"  # a field whose value the file changes
HEAD = ["Status", "Ark", "Række"]


def _message(rec) -> str:
    """A row's remark: why it is rejected, what it changes, its warnings."""
    parts = [f"{p['column']}: {p['reason']}" if p["column"] else p["reason"] for p in rec.problems]
    if rec.status == CHANGED:
        parts.append("Ændret: " + ", ".join(f"{FIELD_LABELS.get(k, k)}: {_old_new(old, new, k)}"
                                             for k, (old, new) in rec.changes.items()))
    return "; ".join(parts + rec.warnings)


def _old_new(old, new, key: str = "") -> str:
    return f"{_shown_change(old, key)} → {_shown_change(new, key)}"


def _row_colour(rec) -> str | None:
    if rec.status == REJECTED:
        return ERROR_COLOUR
    return WARNING_COLOUR if rec.warnings else None


def _field_text(rec, key: str) -> str:
    """A field's cell: the file's text where the row is rejected, old → new where it changes."""
    value = rec.values.get(key)
    if rec.status == REJECTED:
        return _display(rec.raw.get(key, value))
    if rec.status == CHANGED and key in rec.changes:
        return _old_new(*rec.changes[key], key)
    if key.endswith("_ore") and isinstance(value, int):
        return show_number(Decimal(value).scaleb(-2))  # core.money.format_kr, fast (237,000 amounts)
    if key == "rate" and isinstance(value, Decimal):  # kroner: 502,90 beside 502,04
        return format_number(value, 2)
    return _display(value)


def _field_sort(key: str):
    """Numbers by value, then dates, then texts, then empty cells (a rejected row by its file text)."""
    def sort_key(rec):
        value = rec.raw.get(key) if rec.status == REJECTED else rec.values.get(key)
        if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
            return (0, value)
        if hasattr(value, "isoformat") and not isinstance(value, str):
            return (1, value.isoformat())
        return (2, _display(value).casefold()) if value not in (None, "") else (3, "")
    return sort_key


def _field_column(key: str, numeric: bool) -> Column:
    def background(rec):
        if rec.status == CHANGED and key in rec.changes:
            return CHANGED_COLOUR
        return _row_colour(rec)

    def tooltip(rec):
        if rec.status == CHANGED and key in rec.changes:
            return f"{FIELD_LABELS.get(key, key)} ændres: {_old_new(*rec.changes[key], key)}"
        return _message(rec)

    return Column(FIELD_LABELS.get(key, key), lambda rec: _field_text(rec, key), _field_sort(key), numeric=numeric,
                  background=background, tooltip=tooltip, value=lambda rec: rec.values.get(key), key=key)


def preview_fields(records, order: tuple[str, ...] = ()) -> list[str]:
    """The fields the records hold, in the kind's order (``order``, the mapping's: rate before the
    dates and texts), the others after them in the order met."""
    names: list[str] = []
    for r in records:
        for k in r.values:
            if k not in names and k not in ("sheet", "row", "own"):
                names.append(k)
    rank = {name: i for i, name in enumerate(order)}
    names.sort(key=lambda name: rank.get(name, len(rank)))  # stable: the others keep their order
    if "provider_id" in names and ({"facility", "provider"} & set(names)):
        names.remove("provider_id")  # an internal number; the provider's name is shown
    return names


def preview_columns(records, order: tuple[str, ...] = ()) -> list[Column]:
    """The preview's columns: status, sheet and row in the file, each field, the remark."""
    def numeric(key: str) -> bool:  # amounts and rates right-aligned, as in the other tables
        return key.endswith("_ore") or any(isinstance(r.values.get(key), (int, float, Decimal))
                                           and not isinstance(r.values.get(key), bool) for r in records[:50])

    status = lambda rec: STATUS_LABELS.get(rec.status, rec.status)  # noqa: E731
    return ([Column(HEAD[0], status, lambda rec: (0, status(rec)), background=_row_colour, tooltip=_message,
                    key="status"),
             Column(HEAD[1], lambda rec: rec.sheet, lambda rec: (0, rec.sheet, rec.row), background=_row_colour,
                    tooltip=_message, key="sheet"),
             Column(HEAD[2], lambda rec: str(rec.row), lambda rec: (0, rec.row), numeric=True,
                    background=_row_colour, tooltip=_message, key="row")]
            + [_field_column(key, numeric(key)) for key in preview_fields(records, order)]
            + [Column("Bemærkning", _message, lambda rec: (0, _message(rec)), background=_row_colour,
                      tooltip=_message, key="message")])


def preview_model(records=(), order: tuple[str, ...] = (), parent=None) -> RecordModel:
    """Every parsed record of a plan: status, place in the file, values, and the reason when
    rejected. Lazy (a preview may hold 237,000 rows): a row is formatted when shown; sorted by
    the model itself (``RecordFilterProxy(sort_in_model=True)``)."""
    records = list(records)
    model = RecordModel(preview_columns(records, order), parent=parent, lazy=True)
    model.set_records(records)
    return model


FIELD_LABELS: dict[str, str] = {}
for _kind in KINDS.values():
    for _field in _kind.fields:
        FIELD_LABELS.setdefault(_field.name, _field.label)
FIELD_LABELS.update({"amount_ore": "Beløb", "original_ore": "Oprindeligt budget",
                     "corrected_ore": "Korrigeret budget", "quantity_per": "Pr.", "grouping": "Gruppering",
                     "facility": "Tilbud", "provider_id": "Leverandør", "year": "År", "month": "Måned"})


def _shown_change(value, key: str = "") -> str:
    """An old or new value of a changed row (the database's ISO dates and decimal texts, an
    amount of the field ``key`` in øre) in Danish."""
    if value is None or value == "":
        return "(tom)"
    if key.endswith("_ore") and isinstance(value, int) and not isinstance(value, bool):
        return show_number(Decimal(value).scaleb(-2))  # kroner, as the unchanged rows show them
    if isinstance(value, str):
        try:
            return format_date(dt.date.fromisoformat(value)) if len(value) == 10 else _display(Decimal(value))
        except (ValueError, ArithmeticError):
            return value
    return _display(value)


def _display(value) -> str:
    """A value as the preview shows it: Danish dates and numbers."""
    if value is None:
        return ""
    if isinstance(value, str):  # most cells: trimmed, an ISO date read as text shown dd-mm-yyyy too
        value = " ".join(value.split())
        return date_text(value) if value[4:5] == "-" else value
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, dt.date):
        return show_date(value)
    if hasattr(value, "isoformat"):
        return format_date(value)
    if isinstance(value, tuple):
        return " ".join(_display(v) for v in value if v is not None)
    if isinstance(value, Decimal):
        return format_number(value, max(0, min(2, -value.as_tuple().exponent)))
    if isinstance(value, float):
        return format_number(value, 2)
    return date_text(text(value))  # an ISO date read as text is shown dd-mm-yyyy too


# ---------------------------------------------------------------------- pages

class FilePage(QWizardPage):
    def __init__(self, wizard: "ImportWizard"):
        super().__init__()
        self.w = wizard
        self.setTitle("Vælg fil")
        self.setSubTitle("Et regneark (xlsx, xls, ods) eller et udtræk fra økonomisystemet (csv).")
        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("file_path")
        self.path_edit.textChanged.connect(self.completeChanged)
        browse = QPushButton("Vælg fil …")
        browse.clicked.connect(self.browse)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        layout = QVBoxLayout(self)
        layout.addLayout(row)

    def browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Importér fil", self.path_edit.text(), FILE_FILTER)
        if path:
            self.path_edit.setText(path)

    def isComplete(self) -> bool:
        return Path(self.path_edit.text().strip()).is_file()

    def validatePage(self) -> bool:
        self.w.path = Path(self.path_edit.text().strip())
        return True


class BusyPage(QWizardPage):
    """A page whose content comes from work in a thread; Next is enabled when it is done."""

    def __init__(self):
        super().__init__()
        self.busy = False
        self.task: Task | None = None
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.hide()
        self.phase = ""  # what core says it is doing (set from the worker, shown with the counts)

    def run(self, fn, on_done) -> None:
        self.busy = True
        self.phase = ""
        self.progress.setRange(0, 0)
        self.progress.show()
        self.status.setText("Arbejder …")
        self.completeChanged.emit()
        self._on_done = on_done
        task = Task(fn)
        # bound methods of this page: Qt drops the connections if the wizard is closed and deleted first
        task.signals.done.connect(self._done)
        task.signals.failed.connect(self._failed)
        task.signals.progress.connect(self._progress)
        self.task = start(task)

    def _progress(self, done: int, total: int) -> None:
        if done == 0:  # not counted while it runs: busy
            self.progress.setRange(0, 0)
        else:
            self.progress.setRange(0, max(total, 1))
            self.progress.setValue(done)
        if self.phase:
            rows = f"{format_number(done, 0)} af {format_number(total, 0)} rækker" if done else \
                (f"{format_number(total, 0)} rækker" if total else "")
            self.status.setText(f"{self.phase}: {rows} …" if rows else f"{self.phase} …")

    def reporter(self, task: Task):
        """A core progress callback (done, total, what) that shows its counts and what it is doing."""
        def report(done: int, total: int, phase: str) -> None:
            self.phase = phase  # read by ``_progress`` in the GUI thread, after the signal below
            task.report(done, total)
        return report

    def _done(self, result) -> None:
        self.busy = False
        self.progress.hide()
        self.status.setText("")
        self._on_done(result)
        self.completeChanged.emit()

    def _failed(self, message: str) -> None:
        self.busy = False
        self.progress.hide()
        self.status.setText(message)
        self.failed(message)
        self.completeChanged.emit()

    def failed(self, message: str) -> None:
        """Subclasses may react to an error (the message is already shown)."""

    def isComplete(self) -> bool:
        return not self.busy and self.ready()

    def ready(self) -> bool:
        return True


class SheetPage(BusyPage):
    def __init__(self, wizard: "ImportWizard"):
        super().__init__()
        self.w = wizard
        self.sheets: list[batches.SheetInfo] = []
        self.setTitle("Ark og slags data")
        self.setSubTitle("Dispo har fundet tabellen og gættet, hvad den indeholder. Ret det, hvis det er forkert.")
        self.sheet_combo = QComboBox()
        self.sheet_combo.setObjectName("sheet")
        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("kind")
        for code, kind in KINDS.items():
            self.kind_combo.addItem(kind.label, code)
        self.sheet_combo.currentIndexChanged.connect(self._sheet_changed)
        self.kind_combo.currentIndexChanged.connect(self.completeChanged)
        self.quick_button = QPushButton()
        self.quick_button.setObjectName("quick_import")
        self.quick_button.clicked.connect(self.quick_import)
        self.quick_button.hide()
        form = QFormLayout()
        form.addRow("&Ark:", self.sheet_combo)
        form.addRow("&Slags:", self.kind_combo)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.quick_button)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addStretch()

    def initializePage(self) -> None:
        path, db = self.w.path, self.w.db
        self.sheet_combo.clear()
        self.setSubTitle("Dispo leder efter tabellen i filen …")
        self.run(lambda task: batches.inspect_file(db, path, self.reporter(task)), self._loaded)

    def failed(self, message: str) -> None:
        self.setSubTitle("Filen kunne ikke læses. Gå tilbage, og vælg en anden fil.")

    def _loaded(self, sheets) -> None:
        self.sheets = sheets
        self.sheet_combo.blockSignals(True)
        self.sheet_combo.clear()
        with_table = [s for s in sheets if s.table is not None and not s.hidden]
        # several sheets of one kind (one per facility, section or month) can be read together
        kinds = Counter(s.kind for s in with_table if s.kind).most_common(1)
        multi = [s for s in with_table if kinds and s.kind == kinds[0][0]]
        if len(multi) > 1:
            self.sheet_combo.addItem(f"Alle synlige ark ({len(multi)})", ALL_SHEETS)
        for s in sheets:
            label = s.name + (" (skjult)" if s.hidden else "") + ("" if s.table is not None else " – ingen tabel")
            self.sheet_combo.addItem(label, s.name)
        default = 0 if len(multi) > 1 else next(
            (i for i, s in enumerate(sheets) if s.table is not None and not s.hidden and s.kind), 0)
        self.sheet_combo.setCurrentIndex(default)
        self.sheet_combo.blockSignals(False)
        self._sheet_changed()

    def current(self) -> batches.SheetInfo | None:
        name = self.sheet_combo.currentData()
        if name == ALL_SHEETS:
            return next((s for s in self.sheets if s.table is not None and not s.hidden and s.kind), None)
        return next((s for s in self.sheets if s.name == name), None)

    def _sheet_changed(self) -> None:
        info = self.current()
        if info and info.kind:
            self.kind_combo.setCurrentIndex(self.kind_combo.findData(info.kind))
        self.status.setText(info.note if info else "")
        # say it found the table only when it did (not above a read error)
        self.setSubTitle("Dispo har fundet tabellen og gættet, hvad den indeholder. Ret det, hvis det er forkert."
                         if info is not None and info.table is not None else
                         "Dispo fandt ingen tabel på arket. Vælg et andet ark, eller gå tilbage og vælg en anden fil.")
        profile = info.profile if info else None
        self.quick_button.setVisible(profile is not None)
        if profile is not None:
            self.quick_button.setText(f"&Importér med profilen '{profile['name']}' (som sidst)")
        self.completeChanged.emit()

    def quick_import(self) -> None:
        """Import with the layout's saved profile: columns, fixed values and translations as last
        time; the wizard stops at the preview only when a row is rejected or a column is in doubt."""
        self.w.quick = True
        self.wizard().next()

    def ready(self) -> bool:
        info = self.current()
        return info is not None and info.table is not None

    def validatePage(self) -> bool:
        info = self.current()
        self.w.sheet = None if self.sheet_combo.currentData() == ALL_SHEETS else info.name
        self.w.table = info.table
        self.w.kind = self.kind_combo.currentData()
        return True


class MappingPage(QWizardPage):
    """Per field: the column that feeds it, or a fixed value for every row; below, the values of
    the chosen columns that Dispo cannot read, each with a line for what it means."""

    NONE = "— ingen —"

    def __init__(self, wizard: "ImportWizard"):
        super().__init__()
        self.w = wizard
        self.setTitle("Kolonner")
        self.setSubTitle("Hvilken kolonne i filen hører til hvert felt? Eller skriv en fast værdi, som alle rækker "
                         "får. Felter med * skal udfyldes; ? betyder, at Dispo er i tvivl.")
        self.combos: dict[str, QComboBox] = {}
        self.fixed: dict[str, QLineEdit] = {}
        self.translations: dict[tuple[str, str], QLineEdit] = {}
        self.inner = QWidget()
        self.form = QFormLayout(self.inner)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.inner)
        self.translation_box = QWidget()
        self.translation_form = QFormLayout(self.translation_box)
        translation_scroll = QScrollArea()
        translation_scroll.setWidgetResizable(True)
        translation_scroll.setWidget(self.translation_box)
        self.translation_title = QLabel()
        self.translation_title.setWordWrap(True)
        self.extra = QLabel()
        self.extra.setWordWrap(True)
        self.extra.setObjectName("unused_columns")
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.save_profile = QCheckBox("&Gem som profil, så filer med samme kolonner importeres af sig selv")
        self.save_profile.setObjectName("save_profile")
        self.profile_combo = QComboBox()
        self.profile_combo.setObjectName("use_profile")
        self.profile_combo.setToolTip("Brug en gemt profils kolonner, faste værdier og oversættelser, også når "
                                      "filens kolonner er lidt anderledes")
        self.profile_combo.activated.connect(lambda _=0: self._build(self.profile_combo.currentData()))
        profile_row = QFormLayout()
        profile_row.addRow("&Profil:", self.profile_combo)
        layout = QVBoxLayout(self)
        layout.addLayout(profile_row)
        layout.addWidget(scroll, 3)
        layout.addWidget(self.translation_title)
        layout.addWidget(translation_scroll, 1)
        layout.addWidget(self.extra)
        layout.addWidget(self.problem)
        layout.addWidget(self.save_profile)
        self._sample_labels: list[tuple[QComboBox, QLabel]] = []
        wizard.context.cpr_masking_changed.connect(self._show_all_samples)

    def _show_all_samples(self) -> None:
        for combo, label in self._sample_labels:
            self._samples(combo, label)

    def initializePage(self) -> None:
        found = find_profile(self.w.db, self.w.table.headers, self.w.kind)
        self.profile_combo.clear()
        self.profile_combo.addItem("— Dispos eget forslag —" if found is None else self.NONE, None)
        for prof in list_profiles(self.w.db):
            if prof["kind"] == self.w.kind:
                self.profile_combo.addItem(prof["name"], prof)
                if found is not None and prof["id"] == found["id"]:
                    self.profile_combo.setCurrentIndex(self.profile_combo.count() - 1)
        self._build(found)
        if self.w.quick and self.isComplete():
            QTimer.singleShot(0, self.wizard().next)
        else:
            self.w.quick = False  # the profile does not fit: she decides, and commits herself

    def _build(self, profile: dict | None) -> None:
        """A row per field, filled from the profile (or Dispo's proposal)."""
        while self.form.rowCount():
            self.form.removeRow(0)
        self.combos.clear()
        self.fixed.clear()
        self._sample_labels.clear()
        table, kind = self.w.table, KINDS[self.w.kind]
        # a profile's choices, or Dispo's own proposal (also when the layout has a profile she set aside)
        self.mapping = batches.mapping_for(self.w.db, kind.code, table, profile=profile) if profile else \
            propose(kind, table)
        self.known_translations = {k: dict(v) for k, v in self.mapping.translations.items()}
        for f in kind.fields:
            combo = QComboBox()
            combo.setObjectName(f"map_{f.name}")
            combo.addItem(self.NONE, -1)
            for c, h in enumerate(table.headers):
                if h:
                    combo.addItem(h, c)
            col = self.mapping.columns.get(f.name)
            if col is not None:
                combo.setCurrentIndex(combo.findData(col))
            fixed = QLineEdit()
            fixed.setObjectName(f"fixed_{f.name}")
            fixed.setPlaceholderText("fast værdi")
            fixed.setToolTip(f"En værdi, som alle rækker får i feltet {f.label} (fylder også tomme celler)")
            default = self.mapping.defaults.get(f.name)
            if default is not None:
                if self.mapping.sources.get(("set", f.name), MATCHED) == MATCHED:
                    fixed.setPlaceholderText(f"{text(default)} (arkets navn)")
                else:
                    fixed.setText(text(default))
            sample = QLabel()
            conf = self.mapping.confidence.get(f.name)
            mark = QLabel("" if col is None else ("✓" if conf and conf >= SURE else "?"))
            mark.setToolTip("" if conf is None else f"Sikkerhed {round(conf * 100)} %")
            combo.currentIndexChanged.connect(lambda _=0, c=combo, s=sample: self._samples(c, s))
            self._samples(combo, sample)
            self._sample_labels.append((combo, sample))
            row = QHBoxLayout()
            row.addWidget(combo, 2)
            row.addWidget(mark)
            row.addWidget(fixed, 1)
            row.addWidget(sample, 3)
            self.form.addRow(f.label + (" *" if f.required else "") + ":", row)
            self.combos[f.name] = combo
            self.fixed[f.name] = fixed
            combo.currentIndexChanged.connect(self._columns_changed)
            fixed.textChanged.connect(self.completeChanged)
        self._columns_changed()

    def _columns_changed(self) -> None:
        """Offer a translation for every value the chosen columns hold that Dispo cannot read, and
        list the columns no field uses."""
        kept = {key: edit.text() for key, edit in self.translations.items() if edit.text().strip()}
        while self.translation_form.rowCount():
            self.translation_form.removeRow(0)
        self.translations.clear()
        table, kind = self.w.table, KINDS[self.w.kind]
        for name, combo in self.combos.items():
            col = combo.currentData()
            if col is None or col < 0:
                continue
            for value, times in unreadable_values(kind, table, name, col):
                edit = QLineEdit()
                edit.setObjectName(f"translate_{name}")
                edit.setPlaceholderText(f"hvad betyder det som {kind.field(name).label}?")
                known = self.known_translations.get(name, {})
                edit.setText(kept.get((name, value)) or next(
                    (m for v, m in known.items() if v.casefold() == value.casefold()), ""))
                edit.textChanged.connect(self.completeChanged)
                self.translation_form.addRow(f"{kind.field(name).label}: '{show_cpr(value)}' ({count(times, 'række', 'rækker')})", edit)
                self.translations[(name, value)] = edit
        self.translation_title.setText(
            "Værdier, Dispo ikke kan læse – skriv hvad hver betyder (fx en VUM-kategori, en enhed eller en "
            "paragraf); rækker med en værdi uden betydning afvises:" if self.translations else "")
        m = self.current_mapping()
        unused = unused_columns(table, m)
        extra = []
        if unused:
            extra.append("Ikke brugt: " + ", ".join(f"'{u['column']}'" for u in unused))
        if self.mapping.category_columns:
            extra.append("VUM-kategorier afkrydses i kolonnerne: " + ", ".join(
                f"{letter} = {table.headers[c].splitlines()[0] if table.headers[c] else c}"
                for c, letter in sorted(self.mapping.category_columns.items(), key=lambda x: x[1])))
        if self.mapping.month_columns:
            extra.append("Én kolonne pr. måned: " + ", ".join(table.headers[c] for c in self.mapping.month_columns))
        if m.cpr_parts:
            extra.append("CPR-nummeret er delt i to kolonner: " + " + ".join(f"'{table.headers[c]}'" for c in m.cpr_parts)
                         + " (fødselsdato og løbenummer)")
        self.extra.setText("\n".join(extra))
        self.completeChanged.emit()

    def _samples(self, combo: QComboBox, label: QLabel) -> None:
        col = combo.currentData()
        label.setText("" if col is None or col < 0 else
                      show_cpr("  |  ".join(samples(self.w.table, col))))

    def chosen(self) -> dict[str, str]:
        out = {}
        for name, combo in self.combos.items():
            col = combo.currentData()
            if col is not None and col >= 0:
                out[name] = self.w.table.headers[col]
        for c, letter in self.mapping.category_columns.items():
            out[f"category_{letter}"] = self.w.table.headers[c]
        for c, (m, _) in self.mapping.month_columns.items():
            out[f"month_{m:02d}"] = self.w.table.headers[c]
        if self.mapping.cpr_parts and "cpr" not in out:  # the CPR number split over two columns
            out["cpr_part_1"], out["cpr_part_2"] = (self.w.table.headers[c] for c in self.mapping.cpr_parts)
        return out

    def choices(self):
        """The fixed values and translations she wrote (the columns are ``chosen``)."""
        fixed = {name: edit.text().strip() for name, edit in self.fixed.items() if edit.text().strip()}
        translations: dict[str, dict[str, str]] = {k: dict(v) for k, v in self.known_translations.items()}
        for (name, value), edit in self.translations.items():
            if edit.text().strip():
                translations.setdefault(name, {})[value] = edit.text().strip()
        return Choices({}, fixed, translations)

    def current_mapping(self):
        kind = KINDS[self.w.kind]
        m = mapping_from_headers(kind.code, self.w.table, self.chosen())
        try:
            apply_choices(m, self.w.table, kind, self.choices(), GIVEN)
            self.problem.setText("")
        except DispoError as ex:
            self.problem.setText(str(ex))
        return m

    def isComplete(self) -> bool:
        kind = KINDS[self.w.kind]
        m = self.current_mapping()
        return not self.problem.text() and not missing_required(kind, m)

    def validatePage(self) -> bool:
        self.w.mapping = self.chosen()
        self.w.choices = self.choices()
        if self.save_profile.isChecked():
            save_profile(self.w.db, self.w.kind, self.w.table.headers, self.w.mapping, self.w.path.name,
                         self.w.choices.fixed, self.w.choices.translations)
        return True


class PreviewPage(BusyPage):
    def __init__(self, wizard: "ImportWizard"):
        super().__init__()
        self.w = wizard
        self.plan = None
        self.setTitle("Forhåndsvisning")
        self.model = preview_model(parent=self)
        self.proxy = RecordFilterProxy(self, sort_in_model=True)
        self.proxy.setSourceModel(self.model)
        self.view = fit_table(QTableView())  # long names and texts give way to the rates and dates
        self.view.setObjectName("preview")
        self.view.setModel(self.proxy)
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # the file's order
        self.view.setSortingEnabled(True)
        self.filter_edit = QLineEdit()
        self.filter_edit.setObjectName("preview_filter")
        self.filter_edit.setPlaceholderText("Søg i rækkerne, fx 'afvist' eller et CPR-nr. …")
        self.filter_edit.setClearButtonEnabled(True)
        # filtered when she pauses: the first filter of a large file formats every row once (seconds)
        self._filter_pause = QTimer(self, singleShot=True, interval=250)
        self._filter_pause.timeout.connect(self._filter)
        self.filter_edit.textChanged.connect(self._filter_pause.start)
        self.counts = QLabel()
        self.counts.setObjectName("counts")
        self.providers = QLabel()
        self.providers.setWordWrap(True)
        self.notes = QLabel()
        self.notes.setObjectName("notes")
        self.notes.setWordWrap(True)
        self.provider_box = QWidget()
        self.provider_form = QFormLayout(self.provider_box)
        self.provider_combos: dict[str, QComboBox] = {}
        self.decisions: dict[str, int | None] = {}
        self.update_radio = QRadioButton("&Opdatér ændrede rækker med filens værdier")
        self.skip_radio = QRadioButton("&Behold de nuværende værdier i ændrede rækker")
        self.skip_radio.setChecked(True)  # a re-import changes nothing she did not choose to change
        group = QButtonGroup(self)
        group.addButton(self.update_radio)
        group.addButton(self.skip_radio)
        radios = QHBoxLayout()
        radios.addWidget(self.update_radio)
        radios.addWidget(self.skip_radio)
        radios.addStretch()
        self.confirm_unlikely = QCheckBox()  # shown when values lie far outside the field and the file
        self.confirm_unlikely.setObjectName("confirm_unlikely")
        self.confirm_unlikely.hide()
        self.confirm_unlikely.toggled.connect(self.completeChanged)
        self.skip_unlikely = QPushButton("&Udelad rækkerne med usandsynlige værdier")
        self.skip_unlikely.setObjectName("skip_unlikely")
        self.skip_unlikely.hide()
        self.skip_unlikely.clicked.connect(self.leave_out_unlikely)
        unlikely = QHBoxLayout()
        unlikely.addWidget(self.confirm_unlikely)
        unlikely.addWidget(self.skip_unlikely)
        unlikely.addStretch()
        layout = QVBoxLayout(self)
        layout.addWidget(self.counts)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.notes)
        layout.addWidget(self.providers)
        layout.addWidget(self.provider_box)
        layout.addLayout(radios)
        layout.addLayout(unlikely)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        self.setCommitPage(False)

    def initializePage(self) -> None:
        self.decisions = {}
        self.reload()

    def _filter(self) -> None:
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.proxy.set_text(self.filter_edit.text())
        finally:
            QApplication.restoreOverrideCursor()

    def reload(self) -> None:
        self.plan = None
        self.confirm_unlikely.hide()
        self.skip_unlikely.hide()
        self.model.set_records([])
        self.setSubTitle("Filen læses og rækkerne tjekkes …")
        w = self.w
        db, path, kind, sheet, mapping, decided = w.db, w.path, w.kind, w.sheet, w.mapping, dict(self.decisions)
        choices = w.choices
        self.run(lambda task: batches.prepare(db, path, kind, sheet, mapping, decided, choices=choices,
                                              progress=self.reporter(task)),
                 self._prepared)

    def _provider_rows(self, plan) -> None:
        """A combo per uncertain provider match: use the suggested existing provider, or create a new one."""
        while self.provider_form.rowCount():
            self.provider_form.removeRow(0)
        self.provider_combos.clear()
        for ch in plan.provider_choices():
            if ch.suggestion_id is None or ch.score >= 100:
                continue
            combo = QComboBox()
            combo.addItem(f"Opret ny leverandør '{ch.name}'", None)
            combo.addItem(f"Brug '{ch.suggestion}' ({ch.score:.0f} %)", ch.suggestion_id)
            combo.setCurrentIndex(0 if ch.is_new else 1)
            combo.currentIndexChanged.connect(lambda _=0, name=ch.name, c=combo: self._decide(name, c))
            self.provider_form.addRow(f"{ch.name}:", combo)
            self.provider_combos[ch.name] = combo

    def _decide(self, name: str, combo: QComboBox) -> None:
        self.decisions[name] = combo.currentData()
        self.reload()

    def _prepared(self, plan) -> None:
        self.plan = plan
        self.w.plan = plan
        self.setSubTitle(f"Alle {format_number(plan.rows_read, 0)} rækker er læst. Røde rækker afvises, gule har en "
                         "bemærkning (hold musen over).")
        odd = len(plausibility.unlikely(plan.records))
        values = "den usandsynlige værdi" if odd == 1 else f"de {format_number(odd, 0)} usandsynlige værdier"
        self.confirm_unlikely.setChecked(False)
        self.confirm_unlikely.setText(f"&Jeg har tjekket {values} (gule rækker: 'usandsynlig') og vil gemme alligevel")
        self.confirm_unlikely.setVisible(bool(odd))
        self.skip_unlikely.setVisible(bool(odd))
        order = tuple(f.name for f in KINDS[self.w.kind].fields)
        self.model.set_records(plan.records, preview_columns(plan.records, order))
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # a new plan: the file's order
        # the sheet only tells rows apart when the file gave several (a csv's is its file name)
        self.view.setColumnHidden(1, len({r.sheet for r in plan.records}) <= 1)
        self.view.resizeColumnsToContents()
        c = plan.counts()
        self.counts.setText(f"{count(plan.rows_read, 'række')} læst: nye {count(c.get('new', 0))}, "
                            f"ændrede {count(c.get('changed', 0))}, findes allerede {count(c.get('unchanged', 0))}, "
                            f"dubletter {count(c.get('duplicate', 0))}, springes over {count(c.get('skipped', 0))}, "
                            f"afvist {count(c.get('rejected', 0))}; sum-rækker sprunget over "
                            f"{count(sum(len(s.table.totals) for s in plan.sheets))}")
        # how the file was read (columns split, CPR numbers found in the text) and columns in doubt
        questions = []
        for q in plan.questions():
            values = ", ".join(f"'{v['value']}' ({count(v['count'])})" for v in q["values"][:8])
            label = FIELD_LABELS.get(q["field"], q["field"])
            questions.append(f"Spørgsmål: kolonnen '{q['column']}' har værdier, Dispo ikke kan læse som {label}: "
                             f"{values} – gå tilbage og skriv, hvad de betyder" if q["option"].startswith("--translate")
                             else f"Spørgsmål: {label} er ukendt for rækker med {values} – gå tilbage og giv "
                                  "feltet en fast værdi")
        self.notes.setText(show_cpr("\n".join(plan.notes + [w["warning"] for w in plan.column_warnings()]
                                              + questions)))
        new = [ch.name for ch in plan.provider_choices() if ch.is_new and ch.suggestion_id is None]
        self.providers.setText(("Nye leverandører oprettes: " + ", ".join(sorted(new))) if new else "")
        self._provider_rows(plan)
        if self.w.quick:
            self.w.quick = False
            if not c.get("rejected") and not plan.column_warnings() and not self.provider_combos and self.ready():
                QTimer.singleShot(0, self.wizard().next)  # unlikely values stop here too: she confirms them

    def leave_out_unlikely(self) -> None:
        """Her other answer to unlikely values: their rows are left out (shown as rejected, with the
        reason) and the rest can be saved."""
        if self.plan is None:
            return
        batches.confirm_unlikely(self.plan, skip=True)
        self._prepared(self.plan)
        self.completeChanged.emit()

    def failed(self, message: str) -> None:
        self.setSubTitle("Forhåndsvisningen kunne ikke laves (se nedenfor).")

    def ready(self) -> bool:
        return self.plan is not None and (self.confirm_unlikely.isHidden() or self.confirm_unlikely.isChecked())

    def validatePage(self) -> bool:
        if not self.ready():  # never saved past unlikely values she has not confirmed or left out
            return False
        self.w.update_changed = self.update_radio.isChecked()
        return True


class CommitPage(BusyPage):
    def __init__(self, wizard: "ImportWizard"):
        super().__init__()
        self.w = wizard
        self.result = None
        self.setTitle("Gemmer")
        self.setFinalPage(True)
        self.summary = QLabel()
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        self.cancel_button = QPushButton("&Annuller importen")
        self.cancel_button.clicked.connect(self.cancel)
        self.save_errors = QPushButton("Gem &fejlliste …")
        self.save_errors.clicked.connect(self.save_error_workbook)
        self.save_errors.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.progress)
        layout.addWidget(self.cancel_button)
        layout.addWidget(self.summary)
        layout.addWidget(self.save_errors)
        layout.addWidget(self.status)
        layout.addStretch()

    def initializePage(self) -> None:
        self.result = None
        self.save_errors.hide()
        self.cancel_button.show()
        self.summary.setText("")
        db, plan, update = self.w.db, self.w.plan, self.w.update_changed
        self.run(lambda task: batches.commit(db, plan, update_changed=update, progress=task.report,
                                             cancelled=task.cancelled), self._committed)

    def cancel(self) -> None:
        if self.task is not None and self.busy:
            self.task.cancel()

    def _committed(self, result) -> None:
        self.result = result
        self.cancel_button.hide()
        self.setTitle("Importen er gemt")
        self.summary.setText(
            f"Import nr. {result['batch_id']}: {import_counts(result)}. Importen kan fortrydes under Importer.")
        self.save_errors.setVisible(bool(result["rejected"]))
        self.w.setOption(QWizard.WizardOption.NoCancelButton, True)  # saved: nothing left to cancel
        self.w.context.notify_changed("*")

    def failed(self, message: str) -> None:
        self.cancel_button.hide()
        self.setTitle("Importen blev ikke gemt")
        self.w.setButtonText(QWizard.WizardButton.CancelButton, "&Luk")

    def ready(self) -> bool:
        return self.result is not None

    def save_error_workbook(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Gem fejlliste", str(self.w.path.with_name(
            self.w.path.stem + "_fejl.xlsx")), "Excel-projektmappe (*.xlsx)")
        if path:
            self.write_errors(Path(path))

    def write_errors(self, path: Path) -> None:
        try:
            write_error_workbook(path, self.w.plan, self.result["rejected"])
        except DispoError as ex:
            QMessageBox.warning(self, "Fejllisten kan ikke gemmes", str(ex))


class ImportWizard(QWizard):
    """Filer → Importér …: the whole import of one file, from choosing it to the result."""

    def __init__(self, context, path: str | Path | None = None, parent=None):
        super().__init__(parent)
        self.context = context
        self.db = context.db
        self.path: Path | None = None
        self.sheet: str | None = None
        self.table = None
        self.kind: str | None = None
        self.mapping: dict[str, str] | None = None
        self.choices = None  # fixed values and translations (core.importing.choices.Choices)
        self.quick = False   # importing with a saved profile in one click
        self.plan = None
        self.update_changed = True
        self.setWindowTitle("Importér")
        self.setObjectName("import_wizard")
        self.resize(1000, 680)
        size_to_window(self, parent)
        self.file_page = FilePage(self)
        self.sheet_page = SheetPage(self)
        self.mapping_page = MappingPage(self)
        self.preview_page = PreviewPage(self)
        self.commit_page = CommitPage(self)
        for page in (self.file_page, self.sheet_page, self.mapping_page, self.preview_page, self.commit_page):
            self.addPage(page)
        self.setButtonText(QWizard.WizardButton.CommitButton, "&Importér")
        self.preview_page.setCommitPage(True)
        if path:
            self.file_page.path_edit.setText(str(path))

    def reject(self) -> None:
        # closing while saving: cancel, the transaction is rolled back
        if self.commit_page.busy:
            self.commit_page.cancel()
            return
        super().reject()
