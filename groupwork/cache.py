"""The caches the server's processes share (settings.CACHES).

On one host: diskcache's Django backend, SQLite files under CACHE_DIR. Django's own file cache
lists its whole folder on every write (25 ms at 5,000 entries, measured here); diskcache writes
in a fraction of a millisecond however full it is, and evicts the entries stored longest ago
when it reaches its size limit.

On several hosts (REDIS_URL): Django's Redis backend, told to treat a Redis that is down or
slow as an empty cache. Everything kept in a cache can be made again from the database, so an
outage costs speed, never an error page.
"""

import logging
import os

from diskcache import DjangoCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)


class SharedCache(DjangoCache):
    def __init__(self, directory, params):
        # The cache holds the sessions: the app's user only may read it (diskcache would make
        # it readable by everyone on the host).
        os.makedirs(directory, mode=0o700, exist_ok=True)
        os.chmod(directory, 0o700)
        super().__init__(directory, params)

    def get(self, key, default=None, version=None, **kwargs):
        """Waits out another process's write (within DATABASE_TIMEOUT) rather than miss."""
        return super().get(key, default, version, **{"retry": True, **kwargs})

    def close(self, **kwargs):
        """Kept open: Django closes every cache after each request, and opening the SQLite
        files again costs about a millisecond, as much as serving a cached page. diskcache
        keeps a connection per thread."""

    def really_close(self):
        super().close()


def _missing(answer):
    """A Redis call that answers `answer` (what an empty cache would) when Redis fails."""

    def wrap(method):
        def call(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except self._lib.RedisError as error:
                logger.warning("Redis unavailable, cache bypassed: %s", type(error).__name__)
                if isinstance(answer, type) and issubclass(answer, Exception):
                    raise answer("Redis unavailable") from None
                return answer(args) if callable(answer) else answer

        return call

    return wrap


class _TolerantClient(RedisCacheClient):
    def get_client(self, key=None, *, write=False):
        """One client per connection pool, not one per call: a redis-py client is safe to
        share between threads, and making one cost as much as a GET (90 µs measured here)."""
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        if pool not in clients:
            clients[pool] = self._client(connection_pool=pool)
        return clients[pool]

    get = _missing(lambda args: args[1])(RedisCacheClient.get)  # the default
    add = _missing(False)(RedisCacheClient.add)
    set = _missing(None)(RedisCacheClient.set)
    touch = _missing(False)(RedisCacheClient.touch)
    delete = _missing(False)(RedisCacheClient.delete)
    get_many = _missing({})(RedisCacheClient.get_many)
    has_key = _missing(False)(RedisCacheClient.has_key)
    incr = _missing(ValueError)(RedisCacheClient.incr)
    set_many = _missing(None)(RedisCacheClient.set_many)
    delete_many = _missing(None)(RedisCacheClient.delete_many)
    clear = _missing(False)(RedisCacheClient.clear)


class TolerantRedisCache(RedisCache):
    """django.core.cache.backends.redis.RedisCache that reads a failing Redis as empty."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _TolerantClient

    def really_close(self):
        self.close()
