"""The rate-limit capability: no routes, the limits the guard applies, and their sync while serving."""

from __future__ import annotations

from dataclasses import dataclass

from gateway.platform.capability import Capability
from gateway.platform.root import Platform
from gateway.ratelimit.counter import RateLimited
from gateway.ratelimit.gate import RateLimits

__all__ = ["RateLimitsBuilt", "build_ratelimits"]


@dataclass(slots=True)
class RateLimitsBuilt:
    limits: RateLimits
    capability: Capability


def build_ratelimits(platform: Platform) -> RateLimitsBuilt:
    limits = RateLimits(platform.settings, platform.engine, platform.clock)
    return RateLimitsBuilt(limits, Capability("ratelimit", errors=[RateLimited], lifespans=[limits.running]))
