"""The wizard finishes what matching could not: a fixed value and a translation, saved in the
profile, and next month's file imported in one click."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from core.store.storage import query
from gui.importing.batches_screen import Screen
from gui.common.context import AppContext
from gui.importing.import_wizard import ImportWizard
from tests.import_files import write_xlsx

HEAD = ["Beboer", "Personnr.", "Tilbud", "Indflyttet", "Fraflyttet", "Døgntakst", "Niveau"]
JAN = [HEAD,
       ["Anna Holm", "010190-1234", "Botilbuddet Skovbrynet", "01-01-2026", "", "3.500,00", "N2"],
       ["Bo Lund", "020291-2345", "Botilbuddet Skovbrynet", "01-02-2026", "30-06-2026", "3.600,00", "N4"]]
FEB = JAN + [["Carl Berg", "030392-3456", "Botilbuddet Skovbrynet", "01-02-2026", "", "3.700,00", "n2"]]


@pytest.fixture
def context(db_path):
    ctx = AppContext(db_path)
    yield ctx
    ctx.close()


def _grants(db) -> list[tuple]:
    return [tuple(r.values()) for r in query(db, "SELECT c.cpr, g.section, g.unit, g.start, g.end, g.vum_category "
                                                 "FROM grants g JOIN citizens c ON c.id = g.citizen_id ORDER BY c.cpr")]


def _at_sheet_page(qtbot, context, path) -> ImportWizard:
    """A wizard on the file, at its sheet page with the file read."""
    wizard = ImportWizard(context, path)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    qtbot.waitUntil(wizard.sheet_page.isComplete, timeout=10000)
    return wizard


def test_fixed_value_and_translation_are_saved_and_next_month_imports_in_one_click(qtbot, context, tmp_path):
    wizard = _at_sheet_page(qtbot, context, write_xlsx(tmp_path / "beboere_jan.xlsx", {"Beboere": JAN}))
    assert not wizard.sheet_page.quick_button.isVisible()  # no profile yet
    wizard.sheet_page.kind_combo.setCurrentIndex(wizard.sheet_page.kind_combo.findData("grants"))
    wizard.next()
    mp = wizard.mapping_page
    assert not mp.isComplete()  # no section: a column or a fixed value is needed
    assert "Niveau" in mp.extra.text()  # listed as not used
    mp.fixed["section"].setText("§ 108")
    assert mp.isComplete()
    mp.combos["vum_category"].setCurrentIndex(mp.combos["vum_category"].findText("Niveau"))
    # without the translation the preview asks about the values
    wizard.next()
    qtbot.waitUntil(wizard.preview_page.isComplete, timeout=10000)
    assert "afvist 2" in wizard.preview_page.counts.text()
    assert "Spørgsmål: kolonnen 'Niveau'" in wizard.preview_page.notes.text()
    wizard.back()
    # the values Dispo cannot read are offered for translation, with their counts
    assert sorted(mp.translations) == [("vum_category", "N2"), ("vum_category", "N4")]
    mp.translations[("vum_category", "N2")].setText("B")
    mp.translations[("vum_category", "N4")].setText("D")
    mp.save_profile.setChecked(True)
    wizard.next()
    qtbot.waitUntil(wizard.preview_page.isComplete, timeout=10000)
    assert "nye 2" in wizard.preview_page.counts.text() and "afvist 0" in wizard.preview_page.counts.text()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.commit_page.result is not None, timeout=10000)
    assert _grants(context.db) == [("010190-1234", "§ 108", "døgn", "2026-01-01", None, "B"),
                                   ("020291-2345", "§ 108", "døgn", "2026-02-01", "2026-06-30", "D")]
    wizard.close()

    # the profile list shows what the profile fixes and translates
    screen = Screen(context)
    qtbot.addWidget(screen)
    shown = [screen.profiles.index(0, c).data() for c in range(screen.profiles.columnCount())]
    assert "section = § 108" in shown[4] and "N2 → B" in shown[4] and "N4 → D" in shown[4]

    # next month: same layout, one click after choosing the file
    wizard = _at_sheet_page(qtbot, context, write_xlsx(tmp_path / "beboere_feb.xlsx", {"Beboere": FEB}))
    assert wizard.sheet_page.quick_button.isVisible()
    qtbot.mouseClick(wizard.sheet_page.quick_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.commit_page.result is not None, timeout=15000)
    assert wizard.commit_page.result["imported"] == 1
    assert _grants(context.db)[-1] == ("030392-3456", "§ 108", "døgn", "2026-02-01", None, "B")
    assert len(_grants(context.db)) == 3


def test_a_saved_profile_can_be_chosen_for_a_file_with_other_columns(qtbot, context, tmp_path):
    from core.importing.profiles import save_profile

    save_profile(context.db, "grants", HEAD, {"cpr": "Personnr.", "start": "Indflyttet", "vum_category": "Niveau",
                                              "provider": "Tilbud", "rate": "Døgntakst"}, "Beboerliste",
                 {"section": "§ 108"}, {"vum_category": {"N2": "B", "N4": "D"}})
    wider = [row + [extra] for row, extra in zip(JAN, ["Kørselsrute", "Rute 1", "Rute 2"])]
    wizard = _at_sheet_page(qtbot, context, write_xlsx(tmp_path / "beboere_ny.xlsx", {"Beboere": wider}))
    assert not wizard.sheet_page.quick_button.isVisible()  # other columns: no profile of its own
    wizard.sheet_page.kind_combo.setCurrentIndex(wizard.sheet_page.kind_combo.findData("grants"))
    wizard.next()
    mp = wizard.mapping_page
    assert not mp.isComplete()
    mp.profile_combo.setCurrentIndex(mp.profile_combo.findText("Beboerliste"))
    mp.profile_combo.activated.emit(mp.profile_combo.currentIndex())
    assert mp.fixed["section"].text() == "§ 108" and mp.combos["vum_category"].currentText() == "Niveau"
    assert mp.isComplete()
    # the values still shown with what the profile says they mean, for her to see and change
    assert {v: e.text() for (_, v), e in mp.translations.items()} == {"N2": "B", "N4": "D"}
    wizard.next()
    qtbot.waitUntil(wizard.preview_page.isComplete, timeout=10000)
    assert "nye 2" in wizard.preview_page.counts.text() and "afvist 0" in wizard.preview_page.counts.text()


def test_profile_model_passes_the_model_tester(qtbot, qtmodeltester, context):
    from core.importing.profiles import save_profile

    save_profile(context.db, "grants", HEAD, {"cpr": "Personnr."}, "P", {"section": "§ 108"},
                 {"vum_category": {"N2": "B"}})
    screen = Screen(context)
    qtbot.addWidget(screen)
    qtmodeltester.check(screen.profiles)
    assert screen.profiles.rowCount() == 1


def test_a_cpr_number_split_over_two_columns_is_shown_and_booked_on_the_person(qtbot, context, tmp_path):
    rows = [["Bogf. dato", "Konto", "Art", "Fødselsdato", "Løbenr.", "Beløb"],
            ["05-01-2026", "5.38.50", "4.0", "010190", "1234", "1.000,00"],
            ["06-01-2026", "5.38.50", "4.0", "240385", "0042", "50,00"]]
    wizard = _at_sheet_page(qtbot, context, write_xlsx(tmp_path / "split.xlsx", {"Ark1": rows}))
    wizard.next()
    mp = wizard.mapping_page
    assert "CPR-nummeret er delt i to kolonner: 'Fødselsdato' + 'Løbenr.'" in mp.extra.text()
    assert "Ikke brugt" not in mp.extra.text()
    wizard.next()
    qtbot.waitUntil(wizard.preview_page.isComplete, timeout=10000)
    wizard.next()
    qtbot.waitUntil(lambda: wizard.commit_page.result is not None, timeout=10000)
    got = [r["cpr"] for r in query(context.db, "SELECT cpr FROM postings ORDER BY date")]
    assert got == ["010190-1234", "240385-0042"]
