"""Who reads the demo inbox: anyone, in demo mode only (there are no real citizens in a demo)."""

from __future__ import annotations

from gateway.platform.policy import Policy, public

__all__ = ["POLICY"]

POLICY = Policy("notifications", demo_inbox=public("demo.inbox", "demo inbox"))
