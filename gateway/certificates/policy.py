"""Certificates: anyone may verify one and see its page (its address is random; the QR code on the paper
carries it); an officer of the issuing department, or an administrator, may revoke one."""

from __future__ import annotations

from gateway.platform.policy import ALL, OWN_DEPARTMENT, Policy, Rule, public

__all__ = ["POLICY"]

POLICY = Policy(
    "certificates",
    show=public("certificate.show", "show an issued certificate"),
    verify=public("certificate.verify", "verify a certificate"),
    revoke=Rule(
        "certificate.revoke",
        "revoke an issued certificate",
        grants={"officer": OWN_DEPARTMENT, "administrator": ALL},
    ),
)
