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


# mallopt parameters (glibc's malloc.h)
_M_MMAP_THRESHOLD = -3
_M_ARENA_MAX = -8
MMAP_THRESHOLD = 1 << 20
ARENAS = 2


def configure() -> None:
    """Keep the app server's freed memory from staying resident: call once, at the process's start.

    By default glibc raises its mmap threshold to the size of each large block freed (up to 32 MB), so the frames
    and arrays of an upload or the churn model's training are then carved from the heap, where freed pages stay
    mapped between live objects; and every thread that allocates gets an arena of its own (up to 8 per core).
    Blocks of 1 MB and more in their own mappings go back to the OS when freed, and two arenas serve every thread.
    Measured on the training at 200,000 customers with 1M answers: peak 677–713 MB → 652–668 MB."""
    libc = _libc()
    if libc is not None and hasattr(libc, "mallopt"):
        libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)
        libc.mallopt(_M_ARENA_MAX, ARENAS)


def release() -> None:
    """Return the freed memory of Python's heap and Arrow's pool to the OS (cheap: ~10 ms)."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()
    libc = _libc()
    if libc is not None and hasattr(libc, "malloc_trim"):
        libc.malloc_trim(0)
