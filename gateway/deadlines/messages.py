"""What the guarantee tells citizens and officers, in English and Hindi: on the timeline (English; the
status label is in both) and in text messages (both languages, one message)."""

from __future__ import annotations

from dataclasses import dataclass

from gateway.applications import FINAL

__all__ = ["Said", "texts"]


@dataclass(frozen=True, slots=True)
class Said:
    en: str
    hi: str

    @property
    def sms(self) -> str:
        return f"seva: {self.en}\n{self.hi}"


def _days(left: int) -> tuple[str, str]:
    if left <= 0:
        return "today is the last day", "आज अंतिम दिन है"
    return f"{left} working day(s) left", f"{left} कार्य दिवस शेष"


class _Texts:
    def reminder(self, ref: str, due: str, left: int) -> Said:
        en, hi = _days(left)
        return Said(
            f"Application {ref} must be decided by {due} ({en}); the designated officer has been reminded.",
            f"आवेदन {ref} का निराकरण {due} तक होना है ({hi}); पदाभिहित अधिकारी को स्मरण कराया गया है।",
        )

    def officer_reminder(self, ref: str, due: str, left: int) -> Said:
        en, hi = _days(left)
        return Said(
            f"Reminder: application {ref} on your desk must be decided by {due} ({en}).",
            f"स्मरण: आपके डेस्क पर आवेदन {ref} का निराकरण {due} तक करना है ({hi})।",
        )

    def appeal_opened(self, ref: str, level: int, authority: str, due: str, *, automatic: bool) -> Said:
        which_en, which_hi = ("First", "प्रथम") if level == 1 else ("Second", "द्वितीय")
        if automatic and level == 1:
            why_en, why_hi = "The time limit passed without a decision. ", "समय-सीमा में निराकरण नहीं हुआ। "
        elif automatic:
            why_en, why_hi = (
                "The first appellate authority did not decide in time. ",
                "प्रथम अपीलीय अधिकारी ने समय पर निर्णय नहीं किया। ",
            )
        else:
            why_en, why_hi = "", ""
        return Said(
            f"{why_en}{which_en} appeal on application {ref} is open before the {authority}; "
            f"it is to be decided by {due}.",
            f"{why_hi}आवेदन {ref} पर {which_hi} अपील {authority} के समक्ष दर्ज है; इसका निर्णय {due} तक होना है।",
        )

    def second_appeal_overdue(self, ref: str, due: str) -> Said:
        return Said(
            f"The second appeal on application {ref} was to be decided by {due} and is still pending; "
            "it stays open and has been flagged to the auditors.",
            f"आवेदन {ref} की द्वितीय अपील का निर्णय {due} तक होना था और अभी लंबित है; "
            "यह खुली है और लेखा परीक्षकों को सूचित की गई है।",
        )

    def appeal_decided(
        self, ref: str, level: int, outcome: str, order_en: str, order_hi: str, due: str | None
    ) -> Said:
        which_en, which_hi = ("first", "प्रथम") if level == 1 else ("second", "द्वितीय")
        if outcome == "allowed":
            then_en = f" The service is to be provided by {due}." if due else ""
            then_hi = f" सेवा {due} तक प्रदान की जानी है।" if due else ""
            return Said(
                f"Your {which_en} appeal on application {ref} was allowed: {order_en}.{then_en}",
                f"आवेदन {ref} पर आपकी {which_hi} अपील स्वीकार हुई: {order_hi}।{then_hi}",
            )
        return Said(
            f"Your {which_en} appeal on application {ref} was dismissed: {order_en}.",
            f"आवेदन {ref} पर आपकी {which_hi} अपील अमान्य हुई: {order_hi}।",
        )

    def penalty(self, ref: str, amount: int, days: int) -> Said:
        return Said(
            f"A penalty of Rs {amount} ({days} day(s) of delay) was imposed on the designated officer for "
            f"application {ref}; it is paid to you as compensation.",
            f"आवेदन {ref} हेतु पदाभिहित अधिकारी पर ₹{amount} ({days} दिन का विलंब) की शास्ति लगाई गई; "
            "यह राशि आपको क्षतिपूर्ति के रूप में दी जाएगी।",
        )

    def may_appeal(self, ref: str, status: str, last_day: str) -> Said:
        if status in FINAL:
            return Said(
                f"You may appeal the decision on application {ref} until {last_day}.",
                f"आप आवेदन {ref} के निर्णय के विरुद्ध {last_day} तक अपील कर सकते हैं।",
            )
        return Said(
            f"You may appeal on application {ref} until {last_day}.",
            f"आप आवेदन {ref} पर {last_day} तक अपील कर सकते हैं।",
        )


texts = _Texts()
