"""The caches the server's processes share: diskcache's Django backend, SQLite files under
CACHE_DIR (settings.CACHES). Django's own file cache lists its whole folder on every write
(25 ms at 5,000 entries, measured here); diskcache writes in a fraction of a millisecond
however full it is, and evicts the entries stored longest ago when it reaches its size limit.
"""

import os

from diskcache import DjangoCache


class SharedCache(DjangoCache):
    def __init__(self, directory, params):
        # The cache holds session keys and staff pages with the minutes' text: the app's user
        # only may read it (diskcache would make it readable by everyone on the host).
        os.makedirs(directory, mode=0o700, exist_ok=True)
        os.chmod(directory, 0o700)
        super().__init__(directory, params)

    def close(self, **kwargs):
        """Kept open: Django closes every cache after each request, and opening the SQLite
        files again costs about a millisecond, as much as serving a cached page. diskcache
        keeps a connection per thread."""

    def really_close(self):
        super().close()
