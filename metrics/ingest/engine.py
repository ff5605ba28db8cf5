"""The private DuckDB an upload is parsed in, and a file already read into it (Opened) that prepare() reuses."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from metrics.ingest.model import Inspection

# The private connection an upload is parsed in: a memory ceiling, past which DuckDB spills its temp tables to
# the scratch folder instead of growing (a 5M-row file stays within the process budget of 1 GB).
ENV_MEMORY = "CX_INGEST_MEMORY"
DEFAULT_MEMORY = "512MB"
ENV_SCRATCH = "CX_INGEST_SCRATCH"


def scratch_dir(scratch: str | os.PathLike | None = None) -> Path:
    """Where an upload spills and spools: the given folder, else $CX_INGEST_SCRATCH, else the system's temp."""
    folder = Path(scratch or os.environ.get(ENV_SCRATCH) or tempfile.gettempdir())
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def connect(spill: str | os.PathLike, memory: str | None = None) -> duckdb.DuckDBPyConnection:
    """A fresh in-memory DuckDB for one upload: UTC, bounded memory (`memory`, else $CX_INGEST_MEMORY, else
    DEFAULT_MEMORY), spilling into the folder `spill` (one per connection: two uploads never share spill files)."""
    memory = memory or os.environ.get(ENV_MEMORY) or DEFAULT_MEMORY
    number, unit = memory[:-2].strip(), memory[-2:].upper()
    if not (number.replace(".", "", 1).isdigit() and unit in ("KB", "MB", "GB")):
        raise ValueError(f"{ENV_MEMORY}={memory!r} must look like '512MB' or '1GB'")
    con = duckdb.connect(config={"memory_limit": f"{number}{unit}",
                                 "temp_directory": str(spill),
                                 "threads": min(2, os.cpu_count() or 1),
                                 # give freed memory back after each step (metrics/lockdown.py says why)
                                 "allocator_flush_threshold": "32MB"})
    con.execute("SET TimeZone = 'UTC'")
    return con



def new_spill(scratch: str | os.PathLike | None = None) -> Path:
    return Path(tempfile.mkdtemp(prefix="cx_spill_", dir=scratch_dir(scratch)))


# Answers that change how the file is read (read.py); any other answer leaves the table `raw` as it is.
READ_KEYS = ("encoding", "sheet", "header_row", "delimiter")


@dataclass
class Opened:
    """A file read into its own connection (temp table `raw`) by read.load(): inspect() once, then prepare() on
    the same table instead of reading the file again, when the read-level answers are the same."""

    con: duckdb.DuckDBPyConnection
    seen: Inspection
    answers: dict = field(default_factory=dict)
    spill: Path | None = None

    def fits(self, answers: dict) -> bool:
        return all(self.answers.get(k) == answers.get(k) for k in READ_KEYS)

    def close(self) -> None:
        self.con.close()
        if self.spill is not None:
            shutil.rmtree(self.spill, ignore_errors=True)
