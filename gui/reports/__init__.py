"""The reports screen and the PDF/print writer (handed to the CLI by main.py)."""
