"""Rate limits shared by every gateway process through the database.

- ``ExactLimiter``: one database statement per hit, for sign-in and sending codes, where a limit must hold
  exactly however many processes serve.
- ``BatchedLimiter``: counts in memory and adds the counts to the database about once a second, for the
  general API, where one statement per request would cost more than the request.

Both raise ``RateLimited`` with the seconds to wait; the HTTP edge answers 429 with ``Retry-After``.
"""

from gateway.ratelimit.counter import Limit, RateLimited
from gateway.ratelimit.gate import RateLimits
from gateway.ratelimit.limiters import BatchedLimiter, ExactLimiter

__all__ = ["BatchedLimiter", "ExactLimiter", "Limit", "RateLimited", "RateLimits"]
