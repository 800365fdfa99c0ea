"""Runbooks: the guide's procedures as data files (TOML), and their loader."""
