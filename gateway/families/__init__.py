"""The family registry over HTTP. The registry itself is ``family_registry/``; who sees what is in
``policy.py``."""

from gateway.families.errors import UnknownFamily, UnknownMember
from gateway.families.service import FamilyService

__all__ = ["FamilyService", "UnknownFamily", "UnknownMember"]
