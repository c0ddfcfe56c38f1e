"""Django's Redis cache backend with one ``redis.Redis`` client per connection pool.

Django's ``RedisCacheClient.get_client()`` builds a new ``redis.Redis`` on every
cache call; redis-py's constructor is not cheap (it builds its response-callback
table each time), and the site makes several cache calls per request. A client
holds no connection of its own (it borrows one from the pool for each command),
so one per pool is safe to share between threads; the pool itself notices a
``fork()`` (gunicorn workers) and opens new connections in the child.

``settings.CACHES`` uses ``RedisCache`` from here whenever ``CACHE_URL`` is Redis.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


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


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
