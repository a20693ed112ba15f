"""``seva certificate verify FILE``: check a certificate offline, with the published public keys.

FILE holds the certificate: the ``.jws`` file from the holder's documents, or the printed page saved as
HTML (the signed token is on it). The keys come from a JWKS file (``--jwks``, a copy of
``/.well-known/jwks.json``) or, by default, this gateway's own certificate keys folder. Revocation cannot
be known offline: the verify page (the QR code) says whether a certificate was revoked.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import click
from jose import jwk, jws
from jose.exceptions import JOSEError

__all__ = ["certificate_group"]

_TOKEN = re.compile(r"[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{20,}")


def _keys(jwks_file: Path | None) -> dict[str, dict[str, str]]:
    if jwks_file is not None:
        found = json.loads(jwks_file.read_text())
        return {k["kid"]: k for k in found.get("keys", []) if isinstance(k, dict) and "kid" in k}
    from gateway.identity import KeyRing
    from gateway.settings import Settings

    ring = KeyRing(Settings.from_env().certificate_keys_path)
    ring.scan()
    return {key.kid: key.public_jwk for key in ring.all()}


@click.group("certificate")
def certificate_group() -> None:
    """Certificates seva signs."""


@certificate_group.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--jwks",
    "jwks_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A JWKS file (a copy of /.well-known/jwks.json); default: this gateway's keys folder.",
)
def verify(file: Path, jwks_file: Path | None) -> None:
    """Check FILE's signature offline; exit 0 when valid, 1 otherwise."""
    from gateway.certificates.signing import TYPE

    match = _TOKEN.search(file.read_text(errors="replace"))
    if match is None:
        click.echo("NOT VALID: no signed certificate (JWS) found in the file")
        sys.exit(1)
    token = match.group(0)
    try:
        header = jws.get_unverified_header(token)
    except JOSEError:
        click.echo("NOT VALID: the certificate's header cannot be read")
        sys.exit(1)
    key = _keys(jwks_file).get(str(header.get("kid")))
    if header.get("alg") != "ES256" or header.get("typ") != TYPE or key is None:
        click.echo("NOT VALID: not signed by a published seva certificate key")
        sys.exit(1)
    try:
        claims = json.loads(jws.verify(token, jwk.construct(key, "ES256"), algorithms=["ES256"]))
    except (JOSEError, ValueError):
        click.echo("NOT VALID: the signature does not match the content (changed after signing)")
        sys.exit(1)
    cert = claims.get("cert", {})
    click.echo(f"VALID: signature of key {header['kid']}")
    click.echo(
        f"  number: {cert.get('number')}  type: {cert.get('type')}  "
        f"holder: {cert.get('holder', {}).get('name_en')}"
    )
    click.echo(f"  issued on {cert.get('issued_on')}, valid until {cert.get('valid_until') or 'no expiry'}")
    click.echo(f"  revocation is not known offline: see {cert.get('verify')}")


if __name__ == "__main__":
    certificate_group()
