"""The grant editor, and the small dialogs for a new rate from a date and for ending a grant.

Every field is checked live by core's ``validate_grant``; its Danish messages stand next
to the fields and OK stays disabled until the grant is valid. Saving goes through core
and onto the undo stack (``gui.common.undo.edit_grant``).
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPlainTextEdit

from core.register import catalogue, grants as core_grants, providers as core_providers
from core import cpr as cprs
from core.register.citizens import find_by_cpr
from core.errors import ValidationError
from core.register.grants import Grant
from core.register.pa_cap import is_pa_employment
from core.money import format_date, format_number
from gui.common.models import show_quantity
from gui.common.undo import edit_grant
from gui.common.widgets import DateField, FormDialog, combo

QUANTITY_PER_ITEMS = [("", None), ("pr. uge", "uge"), ("pr. måned", "måned")]


class GrantDialog(FormDialog):
    """Create a grant (``grant=None``) or edit one.

    Args:
        municipalities: paying municipalities to offer, the first is the default of a new grant.
    """

    PROBLEM_FIELDS = {"provider": "provider_id"}

    def __init__(self, context, grant: Grant | None = None, municipalities: list[str] | None = None, parent=None):
        self.context = context
        self.grant = grant
        self.grant_id: int | None = grant.id if grant else None
        db = context.db
        g = grant
        self.sections = {s.code: s for s in catalogue.sections(db)}
        sections = combo([("", None)] + [(f"{s.code} {s.text}", s.code) for s in self.sections.values()],
                         g.section if g else None)
        provider_box = combo([("", None)] + [(p.name, p.id) for p in core_providers.list_providers(db)],
                             g.provider_id if g else None)
        units = combo([(u.text, u.code) for u in catalogue.units(db)], g.unit if g else None)
        vum = combo([("", None)] + [(f"{v['code']} – {v['label']} ({v['band']})", v["code"])
                                    for v in catalogue.vum_categories(db)], g.vum_category if g else None)
        paying = QComboBox()
        paying.setEditable(True)
        paying.addItems(list(dict.fromkeys(municipalities or [])))
        if g:
            paying.setCurrentText(g.paying_municipality)
        payment_only = QCheckBox("Kun betaling (en anden kommune handler)")
        payment_only.setChecked(bool(g and g.payment_only))
        note = QPlainTextEdit(g.note if g else "")
        note.setTabChangesFocus(True)
        note.setFixedHeight(70)
        self.rate_periods = len(g.rates) if g else 0
        rate = QLineEdit(format_number(g.rates[0].rate if self.rate_periods == 1 else g.rate) if g else "")
        if self.rate_periods > 1:
            rate.setReadOnly(True)
            rate.setToolTip("Bevillingen har flere takstperioder: brug »Ny takst fra dato«")
        name = QLineEdit(g.name if g else "")
        if g:
            name.setReadOnly(True)
            name.setToolTip("Navnet hører til borgeren")
        end = DateField(g.end if g else None)
        end.setPlaceholderText("løbende (tom)")
        fields = [
            ("cpr", "CPR-nummer", QLineEdit(g.cpr if g else "")),
            ("name", "Navn", name),
            ("section", "Paragraf", sections),
            ("provider_id", "Leverandør", provider_box),
            ("account", "Konto", QLineEdit(g.account if g else "")),
            ("rate", "Takst (kr.)", rate),
            ("unit", "Enhed", units),
            ("quantity", "Mængde", QLineEdit(show_quantity(g.quantity) if g else "")),
            ("quantity_per", "Mængde pr.", combo(QUANTITY_PER_ITEMS, g.quantity_per if g else None)),
            ("working_hours", "Arbejdstimer pr. uge", QLineEdit(show_quantity(g.working_hours) if g else "")),
            ("cap_reason", "Begrundelse for flere timer", QLineEdit(g.cap_reason if g else "")),
            ("start", "Startdato", DateField(g.start if g else None)),
            ("end", "Slutdato", end),
            ("paying_municipality", "Betalingskommune", paying),
            ("caseworker", "Sagsbehandler", QLineEdit(g.caseworker if g else "")),
            ("followup_date", "Opfølgningsdato", DateField(g.followup_date if g else None)),
            ("vum_category", "VUM-kategori", vum),
            ("payment_only", "Kun betaling", payment_only),
            ("note", "Note", note),
        ]
        super().__init__("Rediger bevilling" if g else "Ny bevilling", fields, self._save, parent,
                         validate=lambda values: core_grants.validate_grant(context.db, values))
        self.initial = self.values()
        sections.currentIndexChanged.connect(self._section_chosen)
        self.fields["account"].textChanged.connect(self._show_assistance_fields)
        self.fields["working_hours"].setToolTip("Borgerens arbejdstid i jobbet (personlig assistance i job): "
                                                "loftet er 20 timer · arbejdstimer / 37")
        self.fields["cap_reason"].setToolTip("Hvorfor bevillingen må have flere timer end loftet")
        self._show_assistance_fields()
        if g is None:
            self.fields["cpr"].textChanged.connect(self._known_citizen)

    def revalidate(self) -> bool:
        """The live validation, then warnings that do not block (the personal-assistance cap, as
        soon as the hours are typed, even while other fields are still missing)."""
        valid = super().revalidate()
        warnings = core_grants.grant_warnings(self.context.db, self.values())
        if warnings and not self.errors["quantity"].text():
            self.errors["quantity"].setText("Advarsel: " + " ".join(warnings))
        return valid

    def _show_assistance_fields(self) -> None:
        """Working hours and the reason for hours above the cap belong to personal assistance in employment."""
        shown = is_pa_employment(self.fields["account"].text())
        for key in ("working_hours", "cap_reason"):
            self.show_field(key, shown)

    def _known_citizen(self) -> None:
        """A CPR number already in the register brings the citizen's name."""
        name = self.fields["name"]
        if name.text().strip() or not cprs.is_valid(self.fields["cpr"].text()):
            return
        citizen = find_by_cpr(self.context.db, cprs.normalize(self.fields["cpr"].text()))
        if citizen is not None:
            name.setText(citizen.name)

    def _section_chosen(self) -> None:
        """A chosen section brings its account, usual unit and quantity basis."""
        code = self.fields["section"].currentData()
        section = self.sections.get(code)
        if section is None:
            return
        self.fields["account"].setText(section.account)
        for key, value in (("unit", section.unit), ("quantity_per", section.quantity_per)):
            box = self.fields[key]
            box.setCurrentIndex(max(box.findData(value), 0))

    def _save(self, values: dict) -> None:
        db = self.context.db
        if self.grant is None:
            self.grant_id = edit_grant(self.context, "Ny bevilling", lambda: core_grants.create_grant(db, values))
            return
        changed = {k: v for k, v in values.items() if v != self.initial[k]}
        changed.pop("name", None)
        if self.rate_periods > 1:
            changed.pop("rate", None)
        if changed:
            edit_grant(self.context, "Rediger bevilling",
                       lambda: core_grants.update_grant(db, self.grant.id, changed), self.grant.id)


def rate_change_dialog(context, grant: Grant, parent=None) -> FormDialog:
    """Ask for a new rate and the date it applies from; saves it as an undoable change."""
    def save(values: dict) -> None:
        edit_grant(context, "Ny takst fra dato",
                   lambda: core_grants.change_rate(context.db, grant.id, values["valid_from"], values["rate"]),
                   grant.id)

    return FormDialog(f"Ny takst fra dato – {grant.name}, {grant.section}",
                      [("valid_from", "Gyldig fra", DateField()),
                       ("rate", f"Ny takst (kr. pr. {grant.unit})", QLineEdit(format_number(grant.rate)))],
                      save, parent)


def end_grant_dialog(context, grant: Grant, parent=None, today: dt.date | None = None) -> FormDialog:
    """Ask for the last day of a grant; saves it as an undoable change."""
    def save(values: dict) -> None:
        if not values["end"].strip():
            raise ValidationError({"end": "Slutdato skal udfyldes"})
        edit_grant(context, "Afslut bevilling",
                   lambda: core_grants.end_grant(context.db, grant.id, values["end"]), grant.id)

    field = DateField(grant.end or today or dt.date.today())
    return FormDialog(f"Afslut bevilling – {grant.name}, {grant.section} (start {format_date(grant.start)})",
                      [("end", "Sidste dag", field)], save, parent)

