"""Reusable widgets: the keyed table, the header, the summary strip."""
