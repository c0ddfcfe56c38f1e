"""Django's Redis cache backend, made optional: an unreachable Redis is a cache miss.

The site caches pages, fragments, feeds and sessions (``cached_db``) in Redis,
but none of them needs it: every value can be made again from the database. So
when Redis is down or slow, each call here logs a warning and answers as an
empty cache would (``get`` returns the default, ``set`` stores nothing), and the
site goes on, slower. redis-py's connection pool reconnects by itself, so caching
resumes when Redis returns, with no restart. ``settings.CACHES`` sets short socket
timeouts, so a Redis that hangs costs a request milliseconds, not a worker.

Rate limits (allauth's) count in the cache too. While it is away they are not
counted: ``add`` answers True, so allauth's lock lets the request through and
sign-in keeps working instead of answering 429 to everyone (docs/deploy.md).

Also: one ``redis.Redis`` client per connection pool. Django's ``get_client()``
builds a new one per call, and redis-py's constructor is not cheap; a client
holds no connection of its own, so one per pool is safe to share.
"""

import functools
import logging
import time

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# Log an outage at most this often per process, not on every call.
LOG_EVERY_SECONDS = 30


class ReusedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


def _as_miss(answer):
    """Decorate a cache method: on a Redis error, log and return ``answer(*args, **kwargs)``."""

    def decorate(method):
        @functools.wraps(method)
        def wrapped(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except RedisError as error:
                self.report(error)
                return answer(*args, **kwargs)

        return wrapped

    return decorate


def _default(key, default=None, *args, **kwargs):
    return default


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
        self._last_report = 0.0

    def report(self, error):
        now = time.monotonic()
        if now - self._last_report > LOG_EVERY_SECONDS:
            self._last_report = now
            logger.warning("Cache unavailable, serving without it: %s", error)

    get = _as_miss(_default)(DjangoRedisCache.get)
    get_many = _as_miss(lambda *a, **k: {})(DjangoRedisCache.get_many)
    has_key = _as_miss(lambda *a, **k: False)(DjangoRedisCache.has_key)
    set = _as_miss(lambda *a, **k: None)(DjangoRedisCache.set)
    add = _as_miss(lambda *a, **k: True)(DjangoRedisCache.add)
    set_many = _as_miss(lambda keys, *a, **k: list(keys))(DjangoRedisCache.set_many)
    touch = _as_miss(lambda *a, **k: False)(DjangoRedisCache.touch)
    delete = _as_miss(lambda *a, **k: False)(DjangoRedisCache.delete)
    delete_many = _as_miss(lambda *a, **k: None)(DjangoRedisCache.delete_many)
    clear = _as_miss(lambda *a, **k: False)(DjangoRedisCache.clear)

    def get_or_set(self, key, default, timeout=None, version=None):
        # Django's calls add() then get(): with Redis away that returns nothing. Here
        # the value is made and returned either way.
        value = self.get(key, version=version)
        if value is None:
            value = default() if callable(default) else default
            if value is not None:
                self.set(key, value, timeout, version=version)
        return value

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except RedisError as error:
            self.report(error)
            raise ValueError(f"Key '{key}' not found (cache unavailable).") from error
