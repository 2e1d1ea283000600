"""The screens of the main window, in navigation order.

Each module named here defines ``Screen(context)``, a QWidget with a class attribute
``TITLE`` (Danish, shown in the navigation) and a ``refresh()`` method. Only screens
that work are listed. The order is the monthly cycle's (Månedens gang first, then import →
reconcile → validate → follow up → approve → report), then the registers and the tools.
"""

SCREEN_MODULES: list[str] = [
    "gui.followup.month_screen",
    "gui.importing.batches_screen",
    "gui.followup.reconcile_screen",
    "gui.followup.validation_screen",
    "gui.followup.followup_screen",
    "gui.followup.approval_screen",
    "gui.reports.reports_screen",
    "gui.budget_year.budget_year_screen",
    "gui.scenarios.scenarios_screen",
    "gui.register.grants_screen",
    "gui.register.citizens_screen",
    "gui.register.providers_screen",
    "gui.vum.vum_screen",
    "gui.register.catalogue_screen",
    "gui.store.audit_screen",
]

# The columns that must be fully visible (header text not cut) at 1366 × 768, by screen:
# what she reads the screen for. tests/gui/test_laptop_size.py checks them on the demo.
KEY_COLUMNS: dict[str, list[str]] = {
    "Importer": ["Fil", "Nye"],
    "Afstemning": ["CPR-nr.", "Difference (bogført − beregnet)", "Bemærkning"],
    "Datavalidering": ["Niveau", "Regel", "Fund"],
    "Budgetopfølgning": ["Konto", "Forventet regnskab", "Afvigelse", "Helårspersoner", "Gns. pris pr. helårsperson",
                         "Mængdeeffekt", "Priseffekt", "Beløb"],
    "Godkend måned": ["Måned", "Godkendt", "Af", "Budget", "Forventet regnskab", "Afvigelse", "Bogført",
                      "Beregnet til dato", "Godkendt trods bemærkninger"],
    "Bevillinger": ["CPR", "Paragraf", "Leverandør", "Takst", "Start", "Slut"],
    "Borgere": ["CPR", "Navn", "Bevillinger"],
    "Leverandører og takster": ["Navn", "Ejerform"],
    "VUM-tildeling": ["Tilbud", "Tildelt", "Vurderingerne giver nu", "Væsentlig ændring", "Hvorfor"],
    "Revisionsspor": ["Tidspunkt", "Tabel", "Ændring"],
}

# What an empty table says and offers, by screen (one hint or a list): (the table's object name or None for the
# screen's first table, the text, the link's text or None, the link's action: 'import' opens
# the import wizard, 'month' shows Månedens gang; what the hint is about, counted by
# ``core.store.contents.count``, or None). The hint shows while the table has no rows and
# the database holds none of it.
EMPTY_HINTS: dict[str, tuple] = {
    "Importer": ("batches", "Ingen importer endnu. Start med bevillingerne, derefter budgettet og månedens "
                 "posteringer fra økonomisystemet.", "Importér en fil …", "import",
                 "grants"),  # grants entered by hand (the demo): no 'start with
    "Afstemning": ("reconcile_table", "Der er ingen posteringer at afstemme. Importér udtrækket fra "
                   "økonomisystemet, og tryk Afstem.", "Importér posteringer …", "import",
                   "postings"),
    "Datavalidering": ("findings_table", "Der er ingen bevillinger at kontrollere endnu.",
                       "Importér bevillinger …", "import", "grants"),
    "Budgetopfølgning": [("forecast_table", "Intet at vise for året endnu. Opfølgningen bygger på bevillinger, "
                          "posteringer og budget: importér dem, og tryk Beregn.", "Importér …", "import", None),
                         ("detail_table", "Vælg en konto ovenfor for at se den opdelt.", None, None, None),
                         # the postings are a citizen's: a provider's row has none of its own
                         ("postings_table", "Vælg en borger eller bevilling til venstre for at se posteringerne "
                          "bag den (Opdelt på Borger eller Bevilling).", None, None, None)],
    "Godkend måned": ("snapshots_table", "Ingen måneder er godkendt i året. Gennemgå månedens tal, og godkend "
                      "måneden her.", "Se Månedens gang", "month", None),
    "Bevillinger": (None, "Ingen bevillinger endnu. Importér dem fra et regneark, eller opret en med "
                    "Ny bevilling.", "Importér bevillinger …", "import", "grants"),
    "Borgere": (None, "Ingen borgere endnu: de kommer med bevillingerne.", "Importér bevillinger …", "import",
                "citizens"),
    "Leverandører og takster": (None, "Ingen leverandører endnu: de kommer med bevillingerne, eller opret "
                                "en med Ny leverandør.", "Importér bevillinger …", "import",
                                "providers"),
    "VUM-tildeling": (None, "Ingen egne tilbud endnu. VUM-tildelingen gælder leverandører med ejerformen "
                      "'egen' og deres beboere.", "Importér …", "import",
                      "own_providers"),
    "Revisionsspor": (None, "Ingen ændringer endnu. Her ses hver ændring med hvem, hvornår, før og efter.",
                      None, None, "audit"),
}
