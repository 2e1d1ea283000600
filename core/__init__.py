"""Dispo's domain: storage, catalogue, grants, importing, forecast, VUM and reports.

Nothing in this package imports Qt; the GUI in ``gui/`` and the CLI are thin layers over it.
"""

__version__ = "0.1.0"
