"""A bulkhead per department: how many calls one worker keeps in flight to it, and how long its leases run.

Each adapter has a ``Lane`` with its own limit: the worker's ``concurrency`` setting, lowered by the
``max_concurrency`` the department registered. A lane counts the calls in flight to its department
(deliveries and status polls together, so the department never sees more than the limit from this worker);
the worker claims work for a department only while its lane has room. A department that answers slowly or
not at all fills its own lane and nothing else: other departments' lanes keep their room.

Each lane also keeps up to its limit of claimed deliveries **ready**: when a call ends, the next one
starts at once from there, without waiting for the database, while the worker records outcomes and
claims more in the background. Status polls may take at most a quarter of a lane (at least one place)
and are claimed before deliveries; while polls may be due, that quarter is not refilled from the ready
deliveries, so a backlog of deliveries never stops decisions from coming back, and polls never crowd
deliveries out.

A lease must outlast what a claimed row may go through: waiting ready for one call of its lane to end,
then its own call, each at most the longest call the adapter may make (the sum of its timeouts, where
``HttpDepartmentAdapter`` cuts a call off), plus ``LEASE_MARGIN`` to record the outcome. So each lane's
lease is derived from its adapter's configuration, never shorter than the ``lease_seconds`` setting, and
a call that would outlive its lease is given up first.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from adapters import AdapterConfig, Timeouts
from gateway.delivery.queue import ClaimPlan

__all__ = ["LEASE_MARGIN", "Lane", "Lanes", "lease_for"]

LEASE_MARGIN = 5.0
"""Seconds a lease keeps after the longest call: time to record the outcome before another worker may."""


def lease_for(config: AdapterConfig | None, lease_seconds: float) -> float:
    """The lease of a claimed row of this adapter: a wait and a call, each as long as its longest call, and
    the margin; or the setting, if longer."""
    longest = config.call_deadline if config is not None else Timeouts().longest
    return max(lease_seconds, 2 * longest + LEASE_MARGIN)


@dataclass(slots=True)
class Lane:
    """``busy``: calls in flight (``polling`` of them polls); ``ready``: claimed deliveries (with their
    applications) waiting for a place."""

    limit: int
    lease: float
    busy: int = 0
    polling: int = 0
    ready: deque[tuple[Any, Any]] = field(default_factory=deque)

    def room(self) -> int:
        """Calls that may start now."""
        return self.limit - self.busy

    def poll_share(self) -> int:
        """Places of the lane's poll quarter not used by polls now."""
        return max(0, max(1, self.limit // 4) - self.polling)

    def poll_room(self) -> int:
        return min(self.room(), self.poll_share())

    def claim_room(self) -> int:
        """Deliveries to claim: enough to fill the free places and to have a lane's worth ready."""
        return 2 * self.limit - self.busy - len(self.ready)


class Lanes:
    """The lanes of one worker, by adapter code."""

    def __init__(self, concurrency: int, lease_seconds: float) -> None:
        self.concurrency = concurrency
        self.lease_seconds = lease_seconds
        self.default_lease = lease_for(None, lease_seconds)
        self._lanes: dict[str, Lane] = {}

    def configure(self, configs: Mapping[str, AdapterConfig]) -> None:
        """Size each lane from its adapter's configuration (a registration may have changed it)."""
        for code, config in configs.items():
            lane = self.lane(code)
            lane.limit = min(self.concurrency, config.max_concurrency)
            lane.lease = lease_for(config, self.lease_seconds)

    def copy(self) -> Lanes:
        """Lanes with the same numbers, to plan a claim on while calls go on changing these."""
        copied = Lanes(self.concurrency, self.lease_seconds)
        copied._lanes = {code: replace(lane, ready=deque(lane.ready)) for code, lane in self._lanes.items()}
        return copied

    def lane(self, code: str) -> Lane:
        lane = self._lanes.get(code)
        if lane is None:
            lane = self._lanes[code] = Lane(self.concurrency, self.default_lease)
        return lane

    def take(self, code: str, *, poll: bool = False) -> None:
        lane = self.lane(code)
        lane.busy += 1
        lane.polling += poll

    def give_back(self, code: str, *, poll: bool = False) -> None:
        lane = self.lane(code)
        lane.busy -= 1
        lane.polling -= poll

    def full(self) -> set[str]:
        return {code for code, lane in self._lanes.items() if lane.claim_room() <= 0}

    def with_ready(self) -> list[str]:
        return [code for code, lane in self._lanes.items() if lane.ready]

    def all_ready(self) -> list[Any]:
        """Every claimed delivery still waiting for a place, taken out of the lanes."""
        items = [item for lane in self._lanes.values() for item, _ in lane.ready]
        for lane in self._lanes.values():
            lane.ready.clear()
        return items

    def in_flight(self) -> int:
        return sum(lane.busy for lane in self._lanes.values())

    def plan(self, room: Callable[[Lane], int], blocked: Iterable[str]) -> ClaimPlan:
        """A claim that takes no more of each department's work than ``room`` leaves in its lane."""
        skip = set(blocked)
        caps: dict[str, int] = {}
        leases: dict[str, float] = {}
        for code, lane in self._lanes.items():
            free = room(lane)
            if free <= 0:
                skip.add(code)
                continue
            caps[code] = free
            if lane.lease != self.default_lease:
                leases[code] = lane.lease
        unknown = Lane(self.concurrency, self.default_lease)  # an adapter this worker has not met yet
        return ClaimPlan(
            skip=sorted(skip),
            caps=caps,
            default_cap=room(unknown),
            leases=leases,
            default_lease=self.default_lease,
        )
