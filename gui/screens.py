"""The screens of the main window, in navigation order.

Each module named here defines ``Screen(context)``, a QWidget with a class attribute
``TITLE`` (Danish, shown in the navigation) and a ``refresh()`` method. Only screens
that work are listed. The order is the monthly cycle's (Månedens gang first, then import →
reconcile → validate → follow up → approve → report), then the registers and the tools.
"""

SCREEN_MODULES: list[str] = [
    "gui.month_screen",
    "gui.batches_screen",
    "gui.reconcile_screen",
    "gui.validation_screen",
    "gui.followup_screen",
    "gui.approval_screen",
    "gui.reports_screen",
    "gui.grants_screen",
    "gui.citizens_screen",
    "gui.providers_screen",
    "gui.vum_screen",
    "gui.catalogue_screen",
    "gui.audit_screen",
]
