"""Per-process caches that keep their most recently used entries: the live ranking's
bodies and score orders, its certainty figures, the integrity flags. Each is an
OrderedDict in app.extensions, least recently used first; one lock guards them all (each
use holds it for a lookup or an insert only)."""
import threading
from collections import OrderedDict

_lock = threading.Lock()


def cache_of(app, name: str) -> OrderedDict:
    return app.extensions.setdefault(name, OrderedDict())


def find(cache: OrderedDict, key):
    """The entry under `key` (None if absent), now the most recently used."""
    with _lock:
        found = cache.get(key)
        if found is not None:
            cache.move_to_end(key)
        return found


def keep(cache: OrderedDict, key, value, size: int) -> None:
    """Keep `value` under `key` as the most recently used, dropping the least recently
    used beyond `size` entries."""
    with _lock:
        cache[key] = value
        cache.move_to_end(key)
        while len(cache) > size:
            cache.popitem(last=False)
