"""Give memory the process has freed back to the operating system.

Python's allocator (glibc malloc) and Arrow's pool (mimalloc) keep freed memory for reuse, so a step that built
and dropped large intermediates (the churn model's feature rows: Arrow batches, pandas frames, per-account dicts)
leaves the process's resident size at its high-water mark for the rest of its life, in the app's own process
beside every page. Measured at 200,000 customers: after the model's feature rows were built the process held
727 MB; after release() 505 MB (malloc_trim 130 MB, Arrow's pool 90 MB).
"""

from __future__ import annotations

import ctypes
from functools import cache


@cache
def _libc():
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:  # not glibc (musl, macOS): nothing to trim
        return None


def release() -> None:
    """Return the freed memory of Python's heap and Arrow's pool to the OS (cheap: ~10 ms)."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()
    libc = _libc()
    if libc is not None and hasattr(libc, "malloc_trim"):
        libc.malloc_trim(0)
