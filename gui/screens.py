"""The screens of the main window, in navigation order.

Each module named here defines ``Screen(context)``, a QWidget with a class attribute
``TITLE`` (Danish, shown in the navigation) and a ``refresh()`` method. Only screens
that work are listed.
"""

SCREEN_MODULES: list[str] = [
    "gui.audit_screen",
]
