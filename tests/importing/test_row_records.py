"""A record that keeps its values as a row until they are read as a dict (``RowRecord``)."""

from core.importing.records import NEW, Record, RowRecord, value_of, value_rows

PLACES = {"date": 0, "account": 1, "amount_ore": 2}


def test_values_read_as_the_dict_a_plain_record_has():
    rec = RowRecord("Ark", 7, PLACES, ("2026-03-31", "5.38.50", 123_456), ("bilag", "9", 1))
    plain = Record("Ark", 7, {"date": "2026-03-31", "account": "5.38.50", "amount_ore": 123_456}, key=("bilag", "9", 1))
    assert rec.values == {"date": "2026-03-31", "account": "5.38.50", "amount_ore": 123_456}
    assert rec == plain and rec.status == NEW and rec.problems == [] and rec.warnings == [] and rec.raw == {}


def test_a_changed_dict_is_what_is_stored_not_the_kept_row():
    fresh = RowRecord("Ark", 2, PLACES, ("2026-01-31", "5.38.50", 100), None)
    read = RowRecord("Ark", 3, PLACES, ("2026-02-28", "5.38.50", 200), None)
    read.values["amount_ore"] = 250  # a dict read and changed: the row it was made from is stale
    replaced = RowRecord("Ark", 4, PLACES, ("2026-03-31", "5.38.50", 300), None)
    replaced.values = {"date": "2026-04-30", "account": "5.32.33", "amount_ore": 400}
    plain = Record("Ark", 5, {"amount_ore": 500, "date": "2026-05-31", "account": "5.38.52"})
    assert value_rows([fresh, read, replaced, plain], PLACES) == [
        ("2026-01-31", "5.38.50", 100), ("2026-02-28", "5.38.50", 250), ("2026-04-30", "5.32.33", 400),
        ("2026-05-31", "5.38.52", 500)]


def test_value_of_reads_rows_and_dicts_alike_without_making_dicts():
    kept = [RowRecord("Ark", i, PLACES, (f"2026-0{i}-01", "5.38.50", i), None) for i in (1, 2)]
    assert value_of(kept, "amount_ore") == [1, 2] and value_of(kept, "cpr") == [None, None]
    assert all(r._row is not None for r in kept)  # still rows: no dict made
    mixed = kept + [Record("Ark", 3, {"amount_ore": 3})]
    assert value_of(mixed, "amount_ore") == [1, 2, 3] and value_of([], "amount_ore") == []
