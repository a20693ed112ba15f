"""Who is calling: sign-in by one-time code, access and refresh tokens and their keys, API clients.

Errors are in ``gateway.identity.errors`` (each declares its code); the routes' rules in
``gateway.identity.policy``; ``gateway.identity.capability.build_identity`` wires it all.
"""

from gateway.identity.keys import ALGORITHM, KeyRing

__all__ = ["ALGORITHM", "KeyRing"]
