"""The shared table model and filter proxy, and the fast cell formatting they use."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, strategies as st
from PySide6.QtCore import QPersistentModelIndex, Qt

from core.money import format_date, format_number
from gui.common.models import (SORT_ROLE, Column, RecordFilterProxy, RecordModel, cpr_masking, date_column, number_column,
                               show_date, show_number, show_quantity, text_key)


@given(st.integers(0, 4).flatmap(lambda places: st.decimals(-10**12, 10**12, places=places))
       | st.integers(-10**12, 10**12))
def test_show_number_equals_core_formatting(value):
    assert show_number(value) == format_number(value)
    assert show_number(value, 0) == format_number(value, 0)


@given(st.dates(dt.date(1800, 1, 1), dt.date(2200, 12, 31)))
def test_show_date_equals_core_formatting(day):
    assert show_date(day) == format_date(day)


def test_quantities_drop_needless_decimals():
    assert [show_quantity(Decimal(v)) for v in ("7", "7.5", "10", "1000", "0.25")] == ["7", "7,5", "10", "1.000",
                                                                                       "0,25"]
    assert show_quantity(None) == ""


def test_danish_letters_sort_after_z():
    names = ["Åse", "Ærø", "Zenia", "Øster", "anna", "Ødis", "René"]
    assert sorted(names, key=text_key) == ["anna", "René", "Zenia", "Ærø", "Ødis", "Øster", "Åse"]


def make_model():
    rows = [{"name": "Åse", "amount": Decimal("10000"), "day": dt.date(2026, 1, 2)},
            {"name": "Bo", "amount": Decimal("900.5"), "day": None},
            {"name": "Ærø Jensen", "amount": None, "day": dt.date(2025, 12, 31)}]
    model = RecordModel([Column("Navn", lambda r: r["name"]), number_column("Beløb", lambda r: r["amount"]),
                         date_column("Dato", lambda r: r["day"], empty="løbende", empty_sorts_as="9999")],
                        key=lambda r: r["name"])
    model.set_records(rows)
    return model


def test_model_cells_alignment_and_keys(qtmodeltester):
    model = make_model()
    qtmodeltester.check(model)
    assert [model.index(r, 1).data() for r in range(3)] == ["10.000,00", "900,50", ""]
    assert [model.index(r, 2).data() for r in range(3)] == ["02-01-2026", "løbende", "31-12-2025"]
    assert model.index(0, 1).data(Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
    assert model.index(0, 0).data(Qt.ItemDataRole.TextAlignmentRole) is None
    assert model.row_of("Bo") == 1 and model.row_of("nobody") is None
    empty = RecordModel([Column("Navn", lambda r: r)])
    qtmodeltester.check(empty)


def test_proxy_sorts_by_keys_and_filters_every_word(qtmodeltester):
    model = make_model()
    proxy = RecordFilterProxy()
    proxy.setSourceModel(model)
    proxy.sort(1, Qt.SortOrder.AscendingOrder)
    assert [proxy.index(r, 0).data() for r in range(3)] == ["Ærø Jensen", "Bo", "Åse"]  # empty amount first
    proxy.sort(0, Qt.SortOrder.AscendingOrder)
    assert [proxy.index(r, 0).data() for r in range(3)] == ["Bo", "Ærø Jensen", "Åse"]
    proxy.sort(2, Qt.SortOrder.AscendingOrder)
    assert [proxy.index(r, 2).data() for r in range(3)] == ["31-12-2025", "02-01-2026", "løbende"]
    assert proxy.index(0, 2).data(SORT_ROLE) == "2025-12-31"
    proxy.set_text("jensen ÆRØ")
    assert proxy.rowCount() == 1 and proxy.index(0, 0).data() == "Ærø Jensen"
    proxy.set_text("jensen 900")
    assert proxy.rowCount() == 0
    proxy.set_text("")
    proxy.set_predicate(lambda r: r["day"] is not None)
    assert proxy.rowCount() == 2
    qtmodeltester.check(proxy)


def test_an_editable_column_edits_the_record_and_formats_its_row_again(qtmodeltester):
    rows = [{"name": "Anna", "hours": Decimal("6.5")}, {"name": "Bo", "hours": Decimal("-2")}]

    def edit(row, column, value):
        try:
            rows_model.rows[row]["hours"] = Decimal(str(value).replace(",", "."))
        except ArithmeticError:
            return False
        return True

    rows_model = RecordModel([Column("Navn", lambda r: r["name"]),
                              Column("Timer", lambda r: format_number(r["hours"]), lambda r: float(r["hours"]),
                                     numeric=True, editable=True,
                                     color=lambda r: "#b00020" if r["hours"] < 0 else None)],
                             on_edit=edit)
    rows_model.set_records(rows)
    qtmodeltester.check(rows_model)
    hours = rows_model.index(0, 1)
    assert rows_model.flags(hours) & Qt.ItemFlag.ItemIsEditable
    assert not rows_model.flags(rows_model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable
    assert hours.data(Qt.ItemDataRole.EditRole) == "6,50"
    assert rows_model.setData(hours, "7,25")
    assert hours.data() == "7,25" and hours.data(SORT_ROLE) == 7.25  # formatted again after the edit
    assert not rows_model.setData(hours, "syv")  # refused by on_edit: nothing changes
    assert hours.data() == "7,25"
    assert rows_model.index(1, 1).data(Qt.ItemDataRole.ForegroundRole).color().name() == "#b00020"
    assert hours.data(Qt.ItemDataRole.ForegroundRole) is None


def test_rows_can_be_set_inside_the_callers_own_reset():
    model = RecordModel([Column("Navn", lambda r: r)])
    model.beginResetModel()
    model.columns = [Column("Navn", lambda r: r.upper())]
    model.rows = ["anna", "bo"]
    model.endResetModel()
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == ["ANNA", "BO"]


def test_a_lazy_model_formats_a_row_only_when_it_is_shown_or_filtered(qtmodeltester):
    shown = []

    def name(r):
        shown.append(r["name"])
        return r["name"]

    model = RecordModel([Column("Navn", name)], lazy=True)
    model.set_records([{"name": "Åse"}, {"name": "Bo"}, {"name": "Cecilie"}])
    assert shown == []  # nothing formatted while 237,000 rows are set
    assert model.index(1, 0).data() == "Bo" and shown == ["Bo"]
    assert model.index(1, 0).data() == "Bo" and shown == ["Bo"]  # formatted once
    proxy = RecordFilterProxy()
    proxy.setSourceModel(model)
    proxy.set_text("cecil")  # the filter needs every row's text
    assert proxy.rowCount() == 1 and sorted(shown) == ["Bo", "Cecilie", "Åse"]
    qtmodeltester.check(model)


def test_a_proxy_that_sorts_in_the_model_sorts_the_rows_keeps_the_selection_and_filters(qtmodeltester):
    model = make_model()
    model.lazy = True
    model.set_records(model.records())
    proxy = RecordFilterProxy(sort_in_model=True)
    proxy.setSourceModel(model)
    bo = QPersistentModelIndex(model.index(1, 0))
    proxy.sort(1, Qt.SortOrder.DescendingOrder)
    # 10.000,00 > 900,50 > (empty, sorts first ascending, so last descending)
    assert [model.index(r, 0).data() for r in range(3)] == ["Åse", "Bo", "Ærø Jensen"]
    proxy.sort(0, Qt.SortOrder.AscendingOrder)
    assert [proxy.index(r, 0).data() for r in range(3)] == ["Bo", "Ærø Jensen", "Åse"]
    assert bo.row() == 0 and bo.data() == "Bo"  # a selected row stays selected
    assert model.row_of("Åse") == 2
    proxy.set_text("jensen")
    assert [proxy.index(r, 0).data() for r in range(proxy.rowCount())] == ["Ærø Jensen"]
    proxy.set_text("")
    proxy.sort(-1, Qt.SortOrder.AscendingOrder)  # no column: the order the rows were set in
    assert [proxy.index(r, 0).data() for r in range(3)] == ["Åse", "Bo", "Ærø Jensen"]
    qtmodeltester.check(proxy)


def test_columns_give_cells_their_own_background_and_tooltip():
    model = RecordModel([
        Column("Navn", lambda r: r["name"], background=lambda r: "#f8d0d0" if r["bad"] else None,
               tooltip=lambda r: f"CPR 010180-1234: {r['name']}" if r["bad"] else ""),
        Column("Note", lambda r: "x")])
    model.set_records([{"name": "Åse", "bad": True}, {"name": "Bo", "bad": False}])
    assert model.index(0, 0).data(Qt.ItemDataRole.BackgroundRole).color().name() == "#f8d0d0"
    assert model.index(1, 0).data(Qt.ItemDataRole.BackgroundRole) is None
    assert model.index(0, 1).data(Qt.ItemDataRole.BackgroundRole) is None  # only the column that says so
    assert model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole) == "CPR 010180-1234: Åse"
    assert model.index(1, 0).data(Qt.ItemDataRole.ToolTipRole) is None
    cpr_masking.masked = True
    try:
        assert model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole) == "CPR 010180-xxxx: Åse"
    finally:
        cpr_masking.masked = False


def test_columns_can_be_replaced_with_the_records():
    model = RecordModel([Column("Navn", lambda r: r["name"])])
    model.set_records([{"name": "Bo"}])
    model.set_records([{"name": "Bo", "age": 40}], columns=[Column("Navn", lambda r: r["name"]),
                                                            Column("Alder", lambda r: str(r["age"]), numeric=True)])
    assert model.columnCount() == 2 and model.headerData(1, Qt.Orientation.Horizontal) == "Alder"
    assert model.index(0, 1).data() == "40"
