"""What every screen uses: the one table model and filter proxy (models), the one job runner
(workers), widgets and headers, the bug dialog (errors), the application context,
undo, charts, and the app-wide dialogs (help, about, first run)."""
