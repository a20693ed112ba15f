"""Whether the synthetic demo families fit a catalogue: the same state, and every district of theirs in it.

The demo registry is made of Madhya Pradesh's families. Loaded beside another state's catalogue, its
families would be judged by services and districts that are not theirs, so ``seva registry demo`` refuses
unless told otherwise; districts missing from a catalogue of the same state are only warned about.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from catalogue import Catalogue
from family_registry.districts import DISTRICTS
from family_registry.synth import STATE

__all__ = ["DemoFit", "demo_fit"]

_STATE_NAME = "Madhya Pradesh"


@dataclass(frozen=True)
class DemoFit:
    """``refusal`` says why the demo families must not go beside the catalogue (None: they may);
    ``warnings`` what will not match if they do."""

    refusal: str | None = None
    warnings: list[str] = field(default_factory=list)


def demo_fit(catalogue: Catalogue) -> DemoFit:
    """How well the demo families of Madhya Pradesh fit ``catalogue``."""
    state = catalogue.state
    if state.code != STATE:
        return DemoFit(
            refusal=(
                f"the demo registry is made of families of {_STATE_NAME} (state '{STATE}'), but the "
                f"catalogue {catalogue.source} is for {state.name.en} (state '{state.code}'): its "
                "services, officers and districts would not match the families. To go on, point "
                f"SEVA_CATALOGUE at a catalogue of {_STATE_NAME}; or import your state's own registry "
                "with `seva registry import FILE` (docs/registry.md); or run `seva registry demo --force` "
                "to load the families anyway."
            )
        )
    missing = sorted(d.code for d in DISTRICTS if d.code not in catalogue.districts)
    if not missing:
        return DemoFit()
    return DemoFit(
        warnings=[
            f"{len(missing)} districts of the demo families are not in the catalogue {catalogue.source} "
            f"({', '.join(missing)}): rules naming districts will not match their families. Declare them "
            "in the catalogue's districts, or import your own registry with `seva registry import FILE`."
        ]
    )
