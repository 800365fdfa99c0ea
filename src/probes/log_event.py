"""One CloudWatch log event as the tail hands it out (a module of its own so that the engine's
parts can share it without importing each other)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class LogEvent:
    """An event of a log group. Text fields are raw AWS data: untrusted until sanitised."""

    group: str
    stream: str
    timestamp: int  # ms since the epoch, the producer's clock
    ingestion_time: int  # ms, CloudWatch's clock
    event_id: str
    message: str
    late: bool = False  # older than an event the same follower emitted before it
