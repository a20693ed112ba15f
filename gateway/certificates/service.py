"""Issuing, showing, verifying and revoking certificates.

``issue`` runs in the caller's transaction (the decision's): the certificate's row, its copy in the
holder's document store (type and validity, so a later application attaches it with no upload) and the
audit entries commit with the decision or not at all.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

import msgspec
from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from catalogue.models import Text
from family_registry.tables import Member
from gateway.audit import Actor, AuditTrail
from gateway.certificates.errors import CertificateNotFound, CertificateRevoked
from gateway.certificates.policy import POLICY
from gateway.certificates.signing import CertificateSigner
from gateway.certificates.tables import CertificateRow
from gateway.documents import DocumentStore, NewDocument
from gateway.platform.clock import INDIA, Clock
from gateway.platform.guard import Caller
from schemas.guarantee_api import CertificateOut, CertificateVerdict

__all__ = ["CERTIFICATES", "MEDIA_TYPE", "CertificateService", "Issue"]

CERTIFICATES = CertificateRow.__table__  # type: ignore[attr-defined]
_R = CERTIFICATES.c
_M = Member.__table__  # type: ignore[attr-defined]
MEDIA_TYPE = "application/jose"  # RFC 7515: a JWS in compact serialization


@dataclass(frozen=True, slots=True)
class Issue:
    """What a certificate says: for whom, of what type, what it certifies, who issued it, until when."""

    reference: str
    service_code: str
    member_id: str
    family_id: str
    doc_type: str
    doc_name: Text
    department: str
    facts: dict[str, Any]
    issuer: dict[str, str]
    valid_until: dt.date | None
    remarks: str | None = None


def _status(row: Any, today: dt.date) -> str:
    if row.revoked_at is not None:
        return "revoked"
    if row.valid_until is not None and row.valid_until < today.isoformat():
        return "expired"
    return "valid"


_VERDICTS = {
    "valid": Text(en="Valid: issued by seva and unchanged.", hi="मान्य: सेवा द्वारा जारी और अपरिवर्तित।"),
    "revoked": Text(en="Revoked by the issuing office.", hi="जारी करने वाले कार्यालय द्वारा निरस्त।"),
    "expired": Text(en="Expired: past its validity.", hi="वैधता समाप्त।"),
    "unknown": Text(
        en="Signed by seva, but not in this register.", hi="सेवा द्वारा हस्ताक्षरित, पर इस पंजी में नहीं।"
    ),
}


class CertificateService:
    def __init__(
        self,
        engine: AsyncEngine,
        signer: CertificateSigner,
        documents: DocumentStore,
        audit: AuditTrail,
        clock: Clock,
        *,
        issuer: str,
        public_url: str,
    ) -> None:
        self.engine = engine
        self.signer = signer
        self.documents = documents
        self.audit = audit
        self.clock = clock
        self.issuer = issuer
        self.public_url = public_url.rstrip("/")

    def verify_url(self, certificate_id: str) -> str:
        return f"{self.public_url}/verify/{certificate_id}"

    async def issue(self, conn: AsyncConnection, new: Issue, actor: Actor) -> tuple[str, str]:
        """Sign and keep a certificate in ``conn``'s transaction; its ID and number."""
        holder = (
            await conn.execute(select(_M.c.name_en, _M.c.name_hi).where(_M.c.member_id == new.member_id))
        ).first()
        now = self.clock.time()
        today = self.clock.today()
        certificate_id = secrets.token_hex(16)
        number = f"SEVA-{today.year}-{secrets.token_hex(5).upper()}"
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "jti": certificate_id,
            "iat": int(now),
            "cert": {
                "number": number,
                "type": new.doc_type,
                "type_name": {"en": new.doc_name.en, "hi": new.doc_name.hi},
                "holder": {
                    "member_id": new.member_id,
                    "name_en": holder.name_en if holder else "",
                    "name_hi": holder.name_hi if holder else "",
                },
                "facts": new.facts,
                "application": new.reference,
                "service": new.service_code,
                "issued_on": today.isoformat(),
                "valid_until": new.valid_until.isoformat() if new.valid_until else None,
                "issuer": new.issuer,
                "verify": self.verify_url(certificate_id),
            },
        }
        if new.remarks:
            claims["cert"]["remarks"] = new.remarks
        if new.valid_until is not None:
            end = dt.datetime.combine(new.valid_until + dt.timedelta(days=1), dt.time(), INDIA)
            claims["exp"] = int(end.timestamp())
        token, kid = self.signer.sign(claims)
        document = await self.documents.keep_issued(
            conn,
            family_id=new.family_id,
            new=NewDocument(
                member_id=new.member_id,
                doc_type=new.doc_type,
                filename=f"{number}.jws",
                issuer=f"seva: {new.issuer.get('designation', '')} {new.issuer.get('district', '')}".strip()[
                    :200
                ],
                valid_until=new.valid_until.isoformat() if new.valid_until else None,
            ),
            data=token.encode(),
            content_type=MEDIA_TYPE,
            actor=actor,
        )
        await conn.execute(
            insert(CERTIFICATES).values(
                id=certificate_id,
                number=number,
                reference=new.reference,
                member_id=new.member_id,
                family_id=new.family_id,
                doc_type=new.doc_type,
                department=new.department,
                kid=kid,
                token=token,
                issued_at=now,
                issued_on=today.isoformat(),
                valid_until=new.valid_until.isoformat() if new.valid_until else None,
                issuer=" ".join(v for v in new.issuer.values() if v)[:200],
                document_id=document.id,
                revoked_at=None,
                revoked_by=None,
                revoke_reason="",
            )
        )
        await self.audit.append(
            conn,
            actor,
            "certificate.issued",
            f"certificate:{certificate_id}",
            {"number": number, "reference": new.reference, "doc_type": new.doc_type, "kid": kid},
        )
        return certificate_id, number

    async def _row(self, certificate_id: str) -> Any:
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(CERTIFICATES).where(_R.id == certificate_id))).first()
        if row is None:
            raise CertificateNotFound(certificate_id)
        return row

    def _out(self, row: Any) -> CertificateOut:
        reason = None
        if row.revoke_reason:
            en, _, hi = row.revoke_reason.partition("\n")
            reason = Text(en=en or "-", hi=hi or en or "-")
        return CertificateOut(
            id=row.id,
            number=row.number,
            reference=row.reference,
            doc_type=row.doc_type,
            issued_on=row.issued_on,
            valid_until=row.valid_until,
            issuer=row.issuer,
            status=_status(row, self.clock.today()),  # type: ignore[arg-type]
            token=row.token,
            verify_url=self.verify_url(row.id),
            document_id=row.document_id,
            revoked_reason=reason,
        )

    async def show(self, certificate_id: str) -> CertificateOut:
        return self._out(await self._row(certificate_id))

    async def for_application(self, reference: str) -> str | None:
        async with self.engine.connect() as conn:
            found = await conn.execute(
                select(_R.id).where(_R.reference == reference).order_by(_R.issued_at.desc()).limit(1)
            )
            row = found.first()
        return str(row[0]) if row is not None else None

    async def verify(self, token: str) -> CertificateVerdict:
        """The verdict on a presented token: its signature, then this register (revocation, validity)."""
        checked = self.signer.check(token)
        if not checked.ok or checked.claims is None:
            return CertificateVerdict(
                verdict="invalid",
                kid=checked.kid,
                message=Text(
                    en=f"Not valid: {checked.reason}.",
                    hi="मान्य नहीं: हस्ताक्षर सामग्री से मेल नहीं खाता या यह सेवा का प्रमाण पत्र नहीं है।",
                ),
            )
        claims = checked.claims
        jti = claims.get("jti")
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(CERTIFICATES).where(_R.id == str(jti)))).first() if jti else None
        verdict = "unknown" if row is None else _status(row, self.clock.today())
        message = _VERDICTS[verdict]
        if verdict == "revoked" and row is not None and row.revoke_reason:
            en, _, hi = row.revoke_reason.partition("\n")
            message = Text(en=f"{message.en} Reason: {en}", hi=f"{message.hi} कारण: {hi or en}")
        return CertificateVerdict(verdict=verdict, message=message, kid=checked.kid, claims=claims)  # type: ignore[arg-type]

    async def verify_id(self, certificate_id: str) -> tuple[CertificateOut, CertificateVerdict]:
        row = await self._row(certificate_id)
        return self._out(row), await self.verify(row.token)

    async def revoke(self, caller: Caller, certificate_id: str, reason: Text) -> CertificateOut:
        scope = POLICY.revoke.scope(caller.signed_in)
        async with self.engine.begin() as conn:
            row = (await conn.execute(select(CERTIFICATES).where(_R.id == certificate_id))).first()
            if row is None or not scope.admits(department=row.department):
                raise CertificateNotFound(certificate_id)
            done = await conn.execute(
                update(CERTIFICATES)
                .where(_R.id == certificate_id, _R.revoked_at.is_(None))
                .values(
                    revoked_at=self.clock.time(),
                    revoked_by=caller.actor.subject[:80],
                    revoke_reason=f"{reason.en.strip()}\n{reason.hi.strip()}"[:1000],
                )
            )
            if not done.rowcount:
                raise CertificateRevoked(certificate_id)
            await self.audit.append(
                conn,
                caller.actor,
                POLICY.revoke.action,
                f"certificate:{certificate_id}",
                {"reason": reason.en[:200]},
            )
        return await self.show(certificate_id)

    def claims_of(self, out: CertificateOut) -> dict[str, Any]:
        checked = self.signer.check(out.token)
        return checked.claims or {}


def claims_json(claims: dict[str, Any]) -> str:
    return msgspec.json.format(msgspec.json.encode(claims)).decode()
