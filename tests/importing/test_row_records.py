"""A record that keeps its values as a row until they are read as a dict (``RowRecord``), and a block
of new records kept as rows until one is looked at (``RecordBlock``)."""

from collections import Counter

from core.importing.records import (CHANGED, NEW, REJECTED, Record, RecordBlock, RowRecord, of_status, statuses,
                                    value_of, value_rows, with_problems, with_warnings)

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


def _block() -> RecordBlock:
    rows = [("2026-01-31", "5.38.50", 100), ("2026-02-28", "5.38.52", 200), ("2026-03-31", "5.32.33", 300)]
    return RecordBlock("Bogføring", [2, 3, 5], PLACES, rows, [("bilag", str(n), 1) for n in (7, 8, 9)])


def test_an_intact_block_answers_from_its_rows_as_its_records_would():
    block = _block()
    # three new postings without problems or warnings: what the same records as a list give
    assert statuses(block) == Counter({NEW: 3}) and of_status(block, NEW) is block and of_status(block, CHANGED) == []
    assert with_problems(block) == [] and with_warnings(block) == []
    assert value_of(block, "amount_ore") == [100, 200, 300] and value_of(block, "cpr") == [None, None, None]
    assert value_rows(block, PLACES) == [("2026-01-31", "5.38.50", 100), ("2026-02-28", "5.38.52", 200),
                                         ("2026-03-31", "5.32.33", 300)]
    assert block.intact and len(block) == 3
    assert statuses(RecordBlock("Tom", [], PLACES, [], [])) == Counter()


def test_a_record_looked_at_makes_the_block_a_list_whose_changes_every_helper_sees():
    block = _block()
    second = block[1]  # looking at one record makes them all, once
    assert not block.intact and block[1] is second and [r.row for r in block] == [2, 3, 5]
    assert (second.sheet, second.row, second.key, second.values["amount_ore"]) == ("Bogføring", 3, ("bilag", "8", 1), 200)
    second.status = CHANGED
    second.changes["amount_ore"] = (150, 200)
    block[2].reject("Beløb", "x", "ulæseligt")
    block[0].values["amount_ore"] = 111  # read as a dict and changed: the row kept before is stale
    assert statuses(block) == Counter({NEW: 1, CHANGED: 1, REJECTED: 1})
    assert of_status(block, NEW, CHANGED) == [block[0], second] and with_problems(block) == [block[2]]
    assert value_of(block, "amount_ore") == [111, 200, 300]
    assert value_rows(of_status(block, NEW), PLACES) == [("2026-01-31", "5.38.50", 111)]
