"""Importing legacy spreadsheets and finance extracts.

readers (files -> raw cells) -> table (header row, data rows) -> matching (columns ->
fields, kind) -> importers (parse, classify, apply per kind) -> batches (preview,
commit in one transaction, undo).
"""
