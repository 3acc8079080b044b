"""The cache the server's processes share: diskcache's Django backend, SQLite files under
CACHE_DIR. Django's own file cache lists its whole folder on every write (25 ms at 5,000
entries, measured here), and the cache holds sessions, rate limits, public pages and a page
per session (groupwork.staffcache); diskcache writes in a fraction of a millisecond however
full it is, and evicts the entries stored longest ago when it reaches its size limit."""

from diskcache import DjangoCache


class SharedCache(DjangoCache):
    def close(self, **kwargs):
        """Kept open: Django closes every cache after each request, and opening the SQLite
        files again costs about a millisecond, as much as serving a cached page. A worker
        handles one request at a time; diskcache keeps a connection per thread."""

    def really_close(self):
        super().close()
