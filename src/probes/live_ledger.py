"""What Live Tail and polling handed out recently, by content: live events carry no eventId,
so an event one source handed out is recognised when another reads it again (around a switch
between live tail and polling, `probes.live_tail`) by group, stream, timestamp and message.
Identical lines keep their number: copies are matched one for one."""

from __future__ import annotations

from collections import deque

from probes.log_event import LogEvent

Key = tuple[str, str, int, str]


def key_of(event: LogEvent) -> Key:
    return (event.group, event.stream, event.timestamp, event.message)


class EmittedLedger:
    """What each source (a poller, a live session: numbered) handed out recently, by content.
    A source never repeats itself (a poller de-duplicates by eventId; a session sends each
    event once), so only the copies of *other* sources are matched, one for one."""

    def __init__(self, keep_ms: int) -> None:
        self.keep_ms = keep_ms
        self.copies: dict[Key, list[int]] = {}  # key -> the source of each copy handed out
        self._order: deque[tuple[int, int, Key]] = deque()
        self.duplicates = 0  # events another source had handed out already

    def admit(self, source: int, event: LogEvent, at_ms: int) -> bool:
        """True when `event` from `source` is new (and now recorded)."""
        key = key_of(event)
        copies = self.copies.get(key)
        if copies is None:
            self.copies[key] = [source]
        else:
            for i, owner in enumerate(copies):
                if owner != source:
                    copies[i] = -1  # matched: this copy is used up
                    self.duplicates += 1
                    return False
            copies.append(source)
        self._order.append((at_ms, source, key))
        return True

    def prune(self, below_ms: int) -> None:
        order = self._order
        while order and order[0][0] < below_ms:
            _, source, key = order.popleft()
            copies = self.copies.get(key)
            if copies is None:
                continue
            if source in copies:
                copies.remove(source)
            elif -1 in copies:
                copies.remove(-1)
            if not copies or all(owner == -1 for owner in copies):
                del self.copies[key]

    def __len__(self) -> int:
        return len(self._order)


__all__ = ["EmittedLedger", "Key", "key_of"]
