"""The guarantee end to end on a moved clock, on SQLite and PostgreSQL: routing to the desk, reminders,
breaches and automatic appeals, appellate orders, a rejection appealed to the second appeal with a
penalty, the clock paused and resumed, and the refusals of each step."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from family_registry.tables import Family
from gateway.deadlines.clocks import CLOCKS
from gateway.deadlines.errors import (
    AppealDecided,
    AppealNotAllowed,
    AppealOutOfTime,
    AppealRefused,
    NoGuarantee,
    NotTheApplicant,
)
from gateway.desk.errors import AlreadyDecided, CaseNotFound, DeskRefused, DocumentsStillMissing
from schemas.guarantee_api import (
    AnswerBody,
    AppealDecisionBody,
    AppealFiled,
    FieldReportBody,
    IssueBody,
    Reason,
    RejectBody,
    ReturnBody,
    VerifyFieldBody,
)
from tests.deadlines.support import Guarantee

D = dt.date


async def _clock(g: Guarantee, reference: str) -> dict[str, object]:
    async with g.engine.connect() as conn:
        return dict(
            (await conn.execute(select(CLOCKS).where(CLOCKS.c.reference == reference))).mappings().one()
        )


async def test_routed_to_the_desk_of_its_tehsil_with_the_promised_day(guarantee: Guarantee) -> None:
    """A demarcation goes to the revenue Tehsildar of Huzur (the tehsil the form names), due in 30 working
    days counted on the state's calendar; the Tehsildar of Berasia does not see it."""
    g = guarantee
    reference = await g.apply_demarcation()
    clock = await _clock(g, reference)
    calendar = g.seva.deadlines.service.calendar
    assert clock["due_on"] == calendar.add(D(2026, 3, 2), 30).isoformat()
    assert (await g.seva.applications.service.get(reference)).due_on == clock["due_on"]
    assert clock["position"] == "revenue/bhopal/Huzur" and clock["stage"] == "remind"
    desk = g.seva.desk.service
    assert [i.reference for i in (await desk.list_due(g.staff.revenue, None)).items] == [reference]
    assert (await desk.list_due(g.staff.revenue_elsewhere, None)).items == []
    assert (await desk.list_due(g.staff.officer, None)).items == []  # another department
    with pytest.raises(CaseNotFound):
        await desk.open(g.staff.revenue_elsewhere, reference)
    opened = await desk.open(g.staff.revenue, reference)
    assert opened.status == "received" and opened.guarantee.days_left == 30
    assert opened.applicant["facts"]["member.age"] == 46
    assert [d.type for d in opened.documents if d.status == "fetched"] == ["aadhaar"]
    assert await g.timeline(reference) == ["submitted", "routed"]
    assert await g.count("deliveries") == 0  # decided here, never handed to a demo office


async def test_clocks_started_from_the_rows_held_are_those_the_rows_read_back_give(
    guarantee: Guarantee,
) -> None:
    """A submission's clock is started from what its writer holds (the family's district and tehsil read
    with the applicant, the form); routing the same applications from their rows read back gives the same.
    The family's tehsil comes before the one a form names (the form's alone: the test above)."""
    g = guarantee
    async with g.engine.begin() as conn:  # the registry holds the family's tehsil
        families = Family.__table__  # type: ignore[attr-defined]
        await conn.execute(
            update(families).where(families.c.family_id == g.people.asha.family_id).values(tehsil="Berasia")
        )
    references = [await g.apply_demarcation(), await g.apply_income()]
    clocks = g.seva.deadlines.service.clocks
    async with g.engine.connect() as conn:  # outside the writer's transaction: read back
        read_back = {r.reference: r for r in await clocks.route(conn, references)}
    for reference in references:
        clock, routed = await _clock(g, reference), read_back[reference]
        assert (clock["district"], clock["tehsil"], clock["position"]) == (
            routed.district, routed.tehsil, routed.position
        )  # fmt: skip
        assert clock["tehsil"] == "Berasia"


async def test_reminded_breached_appealed_automatically_and_decided_by_the_first_appellate(
    guarantee: Guarantee,
) -> None:
    g = guarantee
    reference = await g.apply_demarcation()
    due = D.fromisoformat(str((await _clock(g, reference))["due_on"]))
    calendar = g.seva.deadlines.service.calendar
    watcher = g.seva.deadlines.watcher
    assert await watcher.sweep() == 0  # nothing due yet
    g.at(calendar.back(due, 2), hour=0)
    g.clock.advance(60)
    assert await watcher.sweep() == 1
    assert await g.timeline(reference) == ["submitted", "routed", "reminder"]
    assert await g.texts_to("0002") == 1  # the revenue Tehsildar of Huzur
    assert await g.texts_to("0003") == 0  # not the one of Berasia
    assert await g.texts_to("0001") == 1  # the citizen
    assert await watcher.sweep() == 0  # reminded once

    g.at(due + dt.timedelta(days=1), hour=9)
    assert await watcher.sweep() == 1
    view = await g.seva.deadlines.service.view(g.people.asha.caller, reference)
    assert view.state == "breached" and view.breached_on == (due + dt.timedelta(days=1)).isoformat()
    (appeal,) = view.appeals
    assert appeal.level == 1 and appeal.kind == "automatic" and appeal.authority == "SDO (Revenue)"
    assert appeal.due_on == calendar.add(due + dt.timedelta(days=1), 30).isoformat()
    assert await g.texts_to("0001") == 2
    assert "application.appeal" in await g.audit_actions(reference)

    appeals = await g.seva.deadlines.service.list_appeals(g.staff.first, "open")
    assert [a.id for a in appeals] == [appeal.id]
    assert await g.seva.deadlines.service.list_appeals(g.staff.second, "open") == []
    order = AppealDecisionBody(
        outcome="allowed",
        order=Reason(en="Demarcate within five days", hi="पाँच दिन में सीमांकन करें"),
        within_days=5,
    )
    decided = await g.seva.deadlines.service.decide_appeal(g.staff.first, appeal.id, order)
    assert decided.state == "allowed" and decided.order is not None
    with pytest.raises(AppealDecided):
        await g.seva.deadlines.service.decide_appeal(g.staff.first, appeal.id, order)
    clock = await _clock(g, reference)
    assert clock["state"] == "running" and clock["stage"] == "ordered"
    assert clock["due_on"] == calendar.add(g.clock.today(), 5).isoformat()
    application = await g.seva.applications.service.get(reference)
    assert application.status == "in_progress" and application.due_on == clock["due_on"]
    assert await g.timeline(reference) == ["submitted", "routed", "reminder", "appeal", "appeal_decided"]
    assert await g.texts_to("0001") == 3
    # The order's limit passes too: the second appeal opens by itself.
    g.at(D.fromisoformat(str(clock["due_on"])) + dt.timedelta(days=1))
    assert await watcher.sweep() == 1
    view = await g.seva.deadlines.service.view(g.people.asha.caller, reference)
    assert [(a.level, a.kind, a.state) for a in view.appeals] == [
        (1, "automatic", "allowed"),
        (2, "automatic", "open"),
    ]


async def test_a_rejection_appealed_by_the_citizen_to_the_second_appeal_with_a_penalty(
    guarantee: Guarantee,
) -> None:
    """Rejected three days after its last day, appealed, dismissed, appealed again: the Collector imposes
    Rs 250 a day of delay, shown to the citizen as compensation due."""
    g = guarantee
    service = g.seva.deadlines.service
    reference = await g.apply_income()
    clock = await _clock(g, reference)
    assert clock["due_on"] == "2026-03-04"  # one working day; 3 March is Holi
    g.at(D(2026, 3, 7))
    reason = RejectBody(reason=Reason(en="The declared income is not supported", hi="घोषित आय प्रमाणित नहीं है"))
    await g.seva.desk.service.reject(g.staff.officer, reference, reason)
    with pytest.raises(AlreadyDecided):
        await g.seva.desk.service.reject(g.staff.officer, reference, reason)
    with pytest.raises(AlreadyDecided):
        await g.seva.desk.service.approve(g.staff.officer, reference, IssueBody())
    view = await service.view(g.people.asha.caller, reference)
    assert view.decision == "rejected" and view.may_appeal == "first" and view.appeal_by == "2026-04-06"

    with pytest.raises(NotTheApplicant):  # her son did not apply
        await service.file_appeal(g.people.kiran.caller, reference, AppealFiled(grounds="unfair"))
    with pytest.raises(NoGuarantee):  # another family
        await service.file_appeal(g.people.meena.caller, reference, AppealFiled(grounds="unfair"))
    first = await service.file_appeal(
        g.people.asha.caller, reference, AppealFiled(grounds="My income is as declared")
    )
    assert first.level == 1 and first.kind == "citizen"
    with pytest.raises(AppealNotAllowed):  # the first appeal is still before the SDO
        await service.file_appeal(g.people.asha.caller, reference, AppealFiled(grounds="again"))

    dismiss = AppealDecisionBody(outcome="dismissed", order=Reason(en="Rejection upheld", hi="अस्वीकृति यथावत"))
    with pytest.raises(AppealRefused):  # only the second level penalises
        await service.decide_appeal(
            g.staff.first,
            first.id,
            AppealDecisionBody(outcome="dismissed", order=dismiss.order, penalty=True),
        )
    await service.decide_appeal(g.staff.first, first.id, dismiss)
    g.at(D(2026, 3, 20))
    second = await service.file_appeal(g.people.asha.caller, reference, AppealFiled(grounds="Still wrong"))
    assert second.level == 2
    too_much = AppealDecisionBody(
        outcome="allowed", order=Reason(en="Issue it", hi="जारी करें"), penalty=True, amount_inr=6000
    )
    with pytest.raises(AppealRefused):
        await service.decide_appeal(g.staff.second, second.id, too_much)
    assert await g.count("guarantee_penalty") == 0  # nothing half written
    penalise = AppealDecisionBody(
        outcome="allowed",
        order=Reason(en="Issue it within two days", hi="दो दिन में जारी करें"),
        within_days=2,
        penalty=True,
    )
    await service.decide_appeal(g.staff.second, second.id, penalise)
    view = await service.view(g.people.asha.caller, reference)
    assert view.compensation_due is not None
    assert (view.compensation_due.days_late, view.compensation_due.amount_inr) == (3, 750)
    assert view.compensation_due.position == "general_administration/bhopal/-"
    assert (await g.seva.applications.service.get(reference)).status == "in_progress"
    assert await g.timeline(reference) == [
        "submitted",
        "routed",
        "decided",
        "appeal",
        "appeal_decided",
        "appeal",
        "appeal_decided",
        "penalty",
    ]
    assert "application.penalty" in await g.audit_actions(reference)
    # Back on the desk, within two working days: the officer now issues.
    await g.seva.desk.service.approve(g.staff.officer, reference, IssueBody())
    assert (await g.seva.applications.service.get(reference)).status == "issued"
    # A third appeal, or one out of time, is refused.
    with pytest.raises(AppealNotAllowed):
        await service.file_appeal(g.people.asha.caller, reference, AppealFiled(grounds="more"))


async def test_an_appeal_out_of_time_is_refused(guarantee: Guarantee) -> None:
    g = guarantee
    reference = await g.apply_income()
    reason = RejectBody(reason=Reason(en="Incomplete", hi="अपूर्ण"))
    await g.seva.desk.service.reject(g.staff.officer, reference, reason)
    g.at(D(2026, 4, 2))  # the rejection was on 2 March; 30 days ended on 1 April
    with pytest.raises(AppealOutOfTime):
        await g.seva.deadlines.service.file_appeal(
            g.people.asha.caller, reference, AppealFiled(grounds="late")
        )
    assert await g.count("guarantee_appeal") == 0


async def test_the_clock_pauses_while_the_citizen_owes_a_document_and_resumes(guarantee: Guarantee) -> None:
    g = guarantee
    desk = g.seva.desk.service
    reference = await g.apply_demarcation()
    before = await _clock(g, reference)
    with pytest.raises(DeskRefused):
        await desk.return_to_citizen(
            g.staff.revenue, reference, ReturnBody(message=Reason(en="x", hi="x"), documents=["no_such_type"])
        )
    asked = ReturnBody(
        message=Reason(en="Attach the khasra copy", hi="खसरा की प्रति संलग्न करें"), documents=["khasra_b1"]
    )
    await desk.return_to_citizen(g.staff.revenue, reference, asked)
    paused = await _clock(g, reference)
    assert (
        paused["state"] == "paused"
        and paused["next_check_at"] is None
        and paused["paused_on"] == "2026-03-02"
    )
    # Eight calendar days later (the second Saturday, a Sunday, Gudi Padwa and the martyrdom day among
    # them), nothing runs: the watcher has nothing to do.
    g.at(D(2026, 3, 20))
    assert await g.seva.deadlines.watcher.sweep() == 0
    with pytest.raises(DocumentsStillMissing):
        await desk.answer(g.people.asha.caller, reference, AnswerBody())
    assert (await _clock(g, reference))["state"] == "paused"
    await g.upload(g.people.asha, "khasra_b1")
    answered = await desk.answer(g.people.asha.caller, reference, AnswerBody(note="attached"))
    resumed = await _clock(g, reference)
    calendar = g.seva.deadlines.service.calendar
    lost = calendar.between(D(2026, 3, 2), D(2026, 3, 20))
    assert lost == 12  # 4-7, 9-13, 16-18: not the 3rd, the 14th, the 19th, the 20th nor Sundays
    assert resumed["state"] == "running" and resumed["paused_days"] == lost
    assert resumed["due_on"] == calendar.add(D.fromisoformat(str(before["due_on"])), lost).isoformat()
    assert answered["due_on"] == resumed["due_on"]
    application = await g.seva.applications.service.get(reference)
    assert application.status == "in_progress" and "khasra_b1" in {d.type for d in application.documents}
    assert await g.timeline(reference) == ["submitted", "routed", "returned", "answered"]


async def test_field_verification_and_refusals_outside_the_jurisdiction(guarantee: Guarantee) -> None:
    g = guarantee
    desk = g.seva.desk.service
    reference = await g.apply_income()
    with pytest.raises(CaseNotFound):
        await desk.approve(g.staff.other_district, reference, IssueBody())
    with pytest.raises(CaseNotFound):
        await desk.approve(g.staff.revenue, reference, IssueBody())
    with pytest.raises(DeskRefused):  # a field officer of another district
        await desk.send_for_verification(
            g.staff.officer,
            reference,
            VerifyFieldBody(
                field_officer=g.staff.other_district.signed_in.staff_id or "", instructions="check"
            ),
        )
    await desk.send_for_verification(
        g.staff.officer,
        reference,
        VerifyFieldBody(
            field_officer=g.staff.field.signed_in.staff_id or "",
            instructions="Check the family's income",
            days=3,
        ),
    )
    (assigned,) = await desk.verifications(g.staff.field)
    assert assigned.due_on == "2026-03-06" and assigned.days_left == 3
    await desk.report(
        g.staff.field, assigned.id, FieldReportBody(finding="confirmed", report="Income as declared")
    )
    await desk.approve(g.staff.officer, reference, IssueBody())
    assert await g.timeline(reference) == ["submitted", "routed", "field_verification", "verified", "decided"]
    assert await g.count("certificate") == 1


async def test_an_issued_income_certificate_is_attached_to_a_later_scholarship(guarantee: Guarantee) -> None:
    """The income certificate the officer issued is in the student's documents, signed, with its type and
    validity; her scholarship application attaches it with no upload."""
    from tests.deadlines.support import SCHOLARSHIP

    g = guarantee
    student = g.student
    reference = await g.apply_income(student, key="inc-student")
    opened = await g.seva.desk.service.approve(g.staff.officer, reference, IssueBody())
    assert opened.status == "issued" and opened.certificate_id
    documents = await g.seva.documents.store.list_family(student.family_id, student.member_id)
    (certificate,) = [d for d in documents if d.doc_type == "income_certificate"]
    assert certificate.content_type == "application/jose" and certificate.valid_until == "2029-03-01"
    for doc_type in ("caste_certificate", "marksheet", "admission_receipt", "bank_passbook"):
        await g.upload(student, doc_type)
    form = {
        "institution_name": "Government College Bhopal",
        "course": "BA",
        "year_of_study": 1,
        "hosteller": True,
        "previous_exam_percent": 71,
        "mobile": "9876500003",
    }
    scholarship = await g.apply(student, SCHOLARSHIP, form, "sch-1")
    attached = {d.type: d for d in (await g.seva.applications.service.get(scholarship)).documents}
    assert attached["income_certificate"].document_id == certificate.id
    assert attached["income_certificate"].status == "fetched"
