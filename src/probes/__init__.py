"""The UI-free core: AWS sessions and clients, typed snapshots, one module per AWS service, and
the refresh scheduler. Never imports textual or rich (tests/probes/test_imports.py proves it)."""
