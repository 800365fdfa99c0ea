"""A proxy that holds chosen requests until others have arrived: how a test sees that requests
leave in the same round (none waits for another's answer) without timing anything.

`with GateProxy(upstream) as proxy:`, `proxy.hold(action, until={...})`: a request for
`action` is answered only once every action in `until` has been received (or after
`patience_s`, when they never came); `proxy.met[action]` says whether they all came first.
A request that waits for the held one's answer never arrives while it is held, so `met` is
False for code that sends one after the other, and True for code that sends them together.
"""

from __future__ import annotations

import threading

from proxy import FaultProxy


class GateProxy(FaultProxy):
    def __init__(self, upstream: str, *, patience_s: float = 10.0) -> None:
        super().__init__(upstream)
        self.patience_s = patience_s
        self.holds: dict[str, set[str]] = {}
        self.met: dict[str, bool] = {}
        self._arrived = threading.Condition()

    def hold(self, action: str, *, until: set[str]) -> None:
        self.holds[action] = set(until)

    def _forward(self, handler, body: bytes) -> None:
        action, _ = self.action_of(handler, body)
        with self._arrived:
            self._arrived.notify_all()  # `seen` holds this action now
            wanted = self.holds.get(action)
            if wanted is not None and action not in self.met:
                self.met[action] = self._arrived.wait_for(
                    lambda: wanted <= set(self.seen), timeout=self.patience_s)
        super()._forward(handler, body)
