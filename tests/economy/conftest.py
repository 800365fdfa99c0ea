"""The fault proxy's fixture (`faulty`: the healthy scenario behind a counting proxy)."""

from tests.faults.conftest import faulty  # noqa: F401  (a fixture, used by name)
