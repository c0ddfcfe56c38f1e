"""The Redis cache backend reuses one redis.Redis client per connection pool."""

import pytest

from eventsite.cache import RedisCache


def test_one_client_per_pool():
    backend = RedisCache("redis://127.0.0.1:6379/15", {})
    client = backend._cache.get_client("a")
    assert backend._cache.get_client("b", write=True) is client


def test_it_works_on_redis():
    import redis

    backend = RedisCache("redis://127.0.0.1:6379/15", {})
    try:
        backend.set("eventsite-test", {"a": 1}, 10)
    except redis.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    assert backend.get("eventsite-test") == {"a": 1}
    assert backend.get_many(["eventsite-test", "missing"]) == {"eventsite-test": {"a": 1}}
    backend.delete("eventsite-test")
