"""Why a CPGRAMS file is refused.

```
CpgramsFileRefused  422  a file with malformed rows: every problem, each with its line; nothing written
```
"""

from __future__ import annotations

from gateway.platform.problems import SevaError
from schemas.problem import FieldError, Message

__all__ = ["CpgramsFileRefused"]


class CpgramsFileRefused(SevaError):
    code, status = "cpgrams_file_refused", 422
    title = Message(en="The CPGRAMS file was not imported", hi="सीपीग्राम्स फ़ाइल आयात नहीं हुई")

    def __init__(self, problems: list[tuple[int, str, str]]) -> None:
        count = len(problems)
        super().__init__(
            Message(
                en=f"{count} problem(s) in the file; nothing was imported. Correct each line named.",
                hi=f"फ़ाइल में {count} त्रुटि(याँ); कुछ भी आयात नहीं हुआ। बताई गई हर पंक्ति सुधारकर फिर भेजें।",
            ),
            errors=[
                FieldError(field=f"line {line}: {field}", message=message)
                for line, field, message in problems
            ],
        )
