"""Why a grievance report is refused.

```
GrievanceReportRefused  400  a period that does not exist or runs backwards
```
"""

from __future__ import annotations

from gateway.platform.problems import SevaError
from schemas.problem import FieldError, Message

__all__ = ["GrievanceReportRefused"]


class GrievanceReportRefused(SevaError):
    code, status = "grievance_report_refused", 400
    title = Message(
        en="The grievance report cannot be made as asked", hi="शिकायतों का प्रतिवेदन इस प्रकार नहीं बन सकता"
    )

    def __init__(self, field: str, en: str, hi: str) -> None:
        super().__init__(Message(en=en, hi=hi), errors=[FieldError(field=field, message=en)])
