"""The request budget shared by every worker and web process through Redis (DESK_QUEUE=celery).

Each turn is one atomic Lua script: refill, take or say how long to wait, so no two processes can
spend the same token. Times come from the callers' clock (machines kept in step by NTP); the
bucket's time never goes back, so a machine whose clock is behind refills nothing. When Redis
cannot be reached the request goes ahead (logged): Allegro's own 429s still pause everybody who
can reach Redis, and refusing a reply to a buyer because the budget store is away would be worse.
"""

from __future__ import annotations

import logging
import time

import redis

from desk.services.ports import Clock
from desk.services.sync.budget import EPSILON, Budget

log = logging.getLogger(__name__)
KEY_TTL_SECONDS = 3600  # an unused bucket disappears; the next turn starts it full

_TAKE = """
local now, rate, capacity = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'stamp', 'paused_until')
local tokens, stamp = tonumber(state[1]), tonumber(state[2])
local paused = tonumber(state[3]) or 0
if tokens == nil or stamp == nil then tokens, stamp = capacity, now end
local wait = 0
if now < paused then
  wait = paused - now
else
  if now > stamp then
    tokens = math.min(capacity, tokens + (now - stamp) * rate)
    stamp = now
  end
  if tokens >= 1 - tonumber(ARGV[5]) then tokens = math.max(0, tokens - 1) else wait = (1 - tokens) / rate end
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'stamp', tostring(stamp),
           'paused_until', tostring(paused))
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[4]))
return tostring(wait)
"""

_PAUSE = """
local untl = tonumber(ARGV[1]) + tonumber(ARGV[2])
local paused = tonumber(redis.call('HGET', KEYS[1], 'paused_until')) or 0
if untl > paused then
  redis.call('HSET', KEYS[1], 'paused_until', tostring(untl), 'tokens', '0', 'stamp', tostring(untl))
end
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[3]))
return tostring(untl)
"""


class RedisBucket:
    """One token bucket under `key` in Redis, shared by everybody who uses the same key."""

    def __init__(self, client: redis.Redis, key: str, budget: Budget, clock: Clock) -> None:
        self.budget = budget
        self.key = key
        self._clock = clock
        self._take = client.register_script(_TAKE)
        self._pause = client.register_script(_PAUSE)
        self._warned_at: float | None = None

    def try_acquire(self) -> float:
        """Take a turn if one is free (0.0), else say how many seconds to wait."""
        now = self._clock.now().timestamp()
        args = (repr(now), repr(self.budget.rate), repr(self.budget.capacity), KEY_TTL_SECONDS, EPSILON)
        try:
            return float(self._take(keys=[self.key], args=args))
        except redis.RedisError as exc:
            self._warn(exc)
            return 0.0

    def acquire(self) -> None:
        """Block until one more request may be sent."""
        while (wait := self.try_acquire()) > 0:
            self._clock.sleep(wait)

    def pause(self, seconds: float | None) -> None:
        """Allegro answered 429: every process sharing the bucket sends nothing for a while."""
        now = self._clock.now().timestamp()
        args = (repr(now), repr(self.budget.pause_for(seconds)), KEY_TTL_SECONDS)
        try:
            self._pause(keys=[self.key], args=args)
        except redis.RedisError as exc:
            self._warn(exc)

    def _warn(self, exc: Exception) -> None:
        if self._warned_at is None or time.monotonic() - self._warned_at > 60:  # not once a request
            self._warned_at = time.monotonic()
            log.warning("request budget in Redis unreachable, sending without it: %s", exc)
