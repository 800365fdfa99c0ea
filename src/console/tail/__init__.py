"""The log tail's presentation, shared by `incident-console tail` and the full-screen log view:
line formats, client-side filters and context, group labels. UI-free (no textual import)."""
