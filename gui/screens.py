"""The screens of the main window, in navigation order.

Each module named here defines ``Screen(context)``, a QWidget with a class attribute
``TITLE`` (Danish, shown in the navigation) and a ``refresh()`` method. Only screens
that work are listed.
"""

SCREEN_MODULES: list[str] = [
    "gui.followup_screen",
    "gui.reconcile_screen",
    "gui.validation_screen",
    "gui.approval_screen",
    "gui.grants_screen",
    "gui.citizens_screen",
    "gui.providers_screen",
    "gui.vum_screen",
    "gui.scenarios_screen",
    "gui.reports_screen",
    "gui.batches_screen",
    "gui.catalogue_screen",
    "gui.audit_screen",
]
