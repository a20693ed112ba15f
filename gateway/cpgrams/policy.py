"""Who exchanges files with CPGRAMS: administrators (the state's nodal officer works through them)."""

from __future__ import annotations

from gateway.platform.policy import ALL, Policy, Rule

__all__ = ["POLICY"]

POLICY = Policy(
    "cpgrams",
    import_file=Rule(
        "cpgrams.imported", "import grievances forwarded from CPGRAMS", grants={"administrator": ALL}
    ),
    export=Rule("cpgrams.exported", "export disposal status for CPGRAMS", grants={"administrator": ALL}),
)
