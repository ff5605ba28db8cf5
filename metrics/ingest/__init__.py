"""Ingest: read an analyst's export, map its columns, validate every row, normalise to canonical rows.

`prepare()` does everything except storing; `Workspace.commit()` then stores the result in one transaction.
Parsing and validation run in a private in-memory DuckDB connection, so a rejected file never touches the
workspace.

The steps, one module each:
- spool.py     a file on disk hashed in one streaming pass; plain UTF-8 is read by DuckDB from disk, the rest
               takes read.py's careful path (decoded whole), which gives the same rows (tests/ingest/test_spool.py)
- engine.py    the private parse connection (memory limit, spills to a scratch folder); Opened: a file read once
               and reused by prepare()
- read.py      size limits, decoding, header rows of survey tools, the file as a VARCHAR table `raw`
- unpivot.py   wide layouts (one column per year, quarter or month) turned into rows, once confirmed
- mapping.py   canonical fields per kind, header synonyms, detection of the mapping and the kind
- dates.py     date formats (asked when the values cannot say) and the checks every date column gets
- checks.py    the checker (every failing row recorded set-wise) and amount parsing
- revenue_lines.py, survey_rows.py, customer_keys.py   what the file's rows are before a preparer reads them (a
               line amount beside an invoice total, payments and credit notes, previews and spam answers, a
               response number, one customer's id written two ways) and identical rows
- prepare_<kind>.py   one preparer per kind: checked `raw` to canonical rows (a typed Arrow table, stored as it is)
- pipeline.py  prepare(), load_sample(), change_summary(), stored_summary()
- model.py     Options, Inspection, Report, Prepared;  export.py  formula-safe CSV

Validation collects every problem (per column and reason: count and first rows) into a `Report`. By default
(`Options.skip_invalid=False`) any problem rejects the file: the first one is raised as its typed error
(metrics.errors) with the whole report attached as `error.report` (its rejected rows, the download, hold the
first REJECTED_SHOWN rows of each problem; its counts cover every row). With `skip_invalid=True` the rejected rows
are left out and the report travels with the result (`Prepared.report`).

Row numbers in messages are as in the file with the first header row as row 1 (a quoted comment spanning
several lines still counts as one row).
"""

from metrics.ingest.dates import DATE_FORMAT_LABELS, DATE_FORMATS
from metrics.ingest.export import safe_cell, safe_csv
from metrics.ingest.mapping import FIELDS, detect_kind, detect_mapping, normalise_header
from metrics.ingest.model import REJECTED_SHOWN, Inspection, Options, Prepared, Report
from metrics.ingest.pipeline import SAMPLE_FILES, change_summary, load_sample, open_file, prepare, stored_summary
from metrics.ingest.read import MAX_UPLOAD_BYTES, decode, header_layout, inspect

__all__ = ["DATE_FORMATS", "DATE_FORMAT_LABELS", "FIELDS", "MAX_UPLOAD_BYTES", "REJECTED_SHOWN", "SAMPLE_FILES",
           "Inspection",
           "Options", "Prepared", "Report", "change_summary", "decode", "detect_kind", "detect_mapping",
           "header_layout", "inspect", "load_sample", "normalise_header", "open_file", "prepare", "safe_cell",
           "safe_csv", "stored_summary"]
