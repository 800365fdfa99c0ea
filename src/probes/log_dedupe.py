"""Which events the tail has already emitted, for the timestamps that are not sealed yet.

The tail re-reads recent timestamps (head overlap, lagging streams, the sweep), so it must
recognise an event it has already shown. A dict of event id -> timestamp, as in aws-cli and cw,
costs ~150 bytes an event: at 20,000 events/s and a 35 s unsealed window that is 100 MB. Here:

* ids are kept per *chunk* of one second of event timestamps, so sealing a range drops whole
  chunks (no O(n) rebuild and no stall when the window moves);
* an id is stored as its 64-bit hash: two ids of the same chunk colliding would hide one event,
  with odds of about n²/2⁶⁵ for n ids in a chunk (~10⁻¹¹ at 20,000 events a second);
* once a chunk is older than the head's re-read window it is *frozen* into a sorted
  `array('q')`: 8 bytes an id, checked by bisection (only the sweep and lagging-stream reads
  still look there). Ids added to a frozen chunk later (late events) wait in a small set.

Chunk counts double as a density map: the sweep uses them to cut its requests into windows of
about one page each (`end_for`).
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from itertools import chain

CHUNK_MS = 1_000


class _Chunk:
    """The ids of one second of timestamps."""

    __slots__ = ("count", "frozen", "hot")

    def __init__(self) -> None:
        self.hot: set[int] | None = set()
        self.frozen: array | None = None
        self.count = 0

    def add(self, key: int) -> bool:
        frozen = self.frozen
        if frozen is not None:
            index = bisect_left(frozen, key)
            if index < len(frozen) and frozen[index] == key:
                return False
        hot = self.hot
        if hot is None:
            hot = self.hot = set()
        elif key in hot:
            return False
        hot.add(key)
        self.count += 1
        return True

    def freeze(self) -> None:
        if self.hot:
            self.frozen = array("q", sorted(chain(self.frozen or (), self.hot)))
        elif self.frozen is None:
            self.frozen = array("q")
        self.hot = None


class SeenIds:
    """A set of (timestamp, event id) for unsealed timestamps; see the module docstring."""

    def __init__(self) -> None:
        self._chunks: dict[int, _Chunk] = {}
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def add(self, timestamp: int, event_id: str) -> bool:
        """Record an event; False when it was already recorded."""
        index = timestamp // CHUNK_MS
        chunk = self._chunks.get(index)
        if chunk is None:
            chunk = self._chunks[index] = _Chunk()
        if chunk.add(hash(event_id)):
            self._count += 1
            return True
        return False

    def seal_below(self, ms: int) -> None:
        """Forget every chunk that lies wholly below `ms` (those timestamps are final)."""
        limit = ms // CHUNK_MS  # chunks with index < limit end at or before ms
        for index in [i for i in self._chunks if i < limit]:
            self._count -= self._chunks.pop(index).count

    def freeze_below(self, ms: int) -> None:
        """Compact the chunks wholly below `ms` (or re-compact them after late additions)."""
        limit = ms // CHUNK_MS
        for index, chunk in self._chunks.items():
            if index < limit and chunk.hot is not None:
                chunk.freeze()

    def oldest_ms(self) -> int | None:
        """The start of the oldest chunk held, if any."""
        return min(self._chunks) * CHUNK_MS if self._chunks else None

    def count_between(self, start_ms: int, end_ms: int) -> int:
        """How many ids lie in the chunks that overlap [start_ms, end_ms]."""
        first, last = start_ms // CHUNK_MS, end_ms // CHUNK_MS
        return sum(c.count for i, c in self._chunks.items() if first <= i <= last)

    def start_for(self, end_ms: int, floor_ms: int, target: int) -> int:
        """A start ≥ `floor_ms` such that [start, end_ms] holds about `target` known ids: how
        far below the newest event a re-read can reach for a given cost."""
        total = 0
        first, last = floor_ms // CHUNK_MS, end_ms // CHUNK_MS
        for index in sorted((i for i in self._chunks if first <= i <= last), reverse=True):
            chunk = self._chunks[index]
            if not chunk.count:
                continue
            lo = max(floor_ms, index * CHUNK_MS)
            hi = min(end_ms, index * CHUNK_MS + CHUNK_MS - 1)
            share = chunk.count * (hi - lo + 1) // CHUNK_MS or 1
            if total + share > target:
                room = (target - total) * (hi - lo + 1) // share
                return min(end_ms, hi - room + 1)
            total += share
        return floor_ms

    def end_for(self, start_ms: int, limit_ms: int, target: int) -> int:
        """An end ≤ `limit_ms` such that [start_ms, end] holds about `target` known ids,
        assuming ids spread evenly inside a chunk. Never below `start_ms`."""
        total = 0
        first, last = start_ms // CHUNK_MS, limit_ms // CHUNK_MS
        for index in sorted(i for i in self._chunks if first <= i <= last):
            chunk = self._chunks[index]
            if not chunk.count:
                continue
            lo = max(start_ms, index * CHUNK_MS)
            hi = min(limit_ms, index * CHUNK_MS + CHUNK_MS - 1)
            share = chunk.count * (hi - lo + 1) // CHUNK_MS or 1
            if total + share > target:
                room = (target - total) * (hi - lo + 1) // share
                return max(start_ms, lo + room - 1)
            total += share
        return limit_ms
