"""A data version's comments are analysed a chunk at a time (read twice: languages first, then sentiment and
themes) and the stored analysis is exactly what the text engine gives for the whole batch at once: the same
languages (the batch majority read across chunks), sentiments, scores and themes, in file order."""

from __future__ import annotations

import math

import pandas as pd
import pyarrow as pa

from metrics import text, voice
from metrics.text import language


def forget(cur, version: int, themes_only: bool = False) -> None:
    """The version's stored analysis (or only its themes) and their completeness markers, deleted."""
    for schema in (voice.SCHEMA, voice.THEMES_SCHEMA, voice.DONE_SCHEMA):
        cur.execute(schema)
    tables = ["comment_rows", "comment_rows_done"] + ([] if themes_only else
                                                         ["comment_analysis", "comment_analysis_done"])
    for table in tables:
        cur.execute(f"DELETE FROM {table} WHERE nps_version = ?", [version])


def test_chunked_analysis_equals_the_whole_batch(sample_ws, monkeypatch):
    monkeypatch.setattr(voice, "ANALYSIS_CHUNK", 997)   # chunk edges that fall anywhere
    monkeypatch.setattr(language, "CHUNK", 311)
    cur = sample_ws.cursor()
    version = sample_ws.snapshot().versions["nps"]
    forget(cur, version)
    stored_count = voice.ensure_analysis(cur, version)
    stored = cur.execute("""
        SELECT n.comment, a.language, a.sentiment, a.score, a.themes FROM nps_responses n
        JOIN comment_analysis a ON a.nps_version = n.version AND a.row_number = n.row_number
        WHERE n.version = ? ORDER BY n.row_number""", [version]).df()
    assert stored_count == len(stored) > 10_000
    whole = text.analyse(stored["comment"].tolist())
    assert stored["language"].fillna("-").tolist() == whole["lang"].fillna("-").tolist()
    assert stored["sentiment"].tolist() == whole["sentiment"].tolist()
    assert all(math.isclose(a, b) or (pd.isna(a) and pd.isna(b))
               for a, b in zip(stored["score"], whole["score"].astype(float), strict=True))
    assert [list(t) for t in stored["themes"]] == [list(t) for t in whole["themes"]]


def test_the_batch_majority_is_read_across_chunks(monkeypatch):
    """Short comments Lingua cannot tell ("Ok") take the batch's majority language, also when the English comments
    are in other chunks than they are."""
    batch = (["Ok"] * 3 + ["The support team answered quickly and solved the billing problem."] * 6
             + ["Muito bom, recomendo o serviço a todos."] + ["Ok"] * 2)
    monkeypatch.setattr(language, "CHUNK", 2)
    chunks = [(k, batch[k:k + 4]) for k in range(0, len(batch), 4)]
    got = pd.concat([frame for _key, frame in text.analyse_chunks(lambda: iter(chunks))], ignore_index=True)
    monkeypatch.setattr(language, "CHUNK", 10_000)
    whole = text.analyse(batch)
    assert got["lang"].fillna("-").tolist() == whole["lang"].fillna("-").tolist()
    assert got["sentiment"].tolist() == whole["sentiment"].tolist()
    assert language.detect(["Ok"], fallback=None) == [None]
    assert got["lang"].tolist() == ["en"] * 9 + ["pt"] + ["en"] * 2


def test_chunked_theme_assignment_equals_the_map_applied_to_each_comment(sample_ws, monkeypatch):
    """ensure_themes reads and writes a chunk at a time (a version's comments are never held whole) and its memo of
    texts already seen is bounded; every stored row is still the theme map applied to that comment alone."""
    from metrics import theme_store

    monkeypatch.setattr(voice, "ANALYSIS_CHUNK", 997)          # chunk edges anywhere; memo cleared past 997
    cur = sample_ws.cursor()
    version = sample_ws.snapshot().versions["nps"]
    voice.ensure_analysis(cur, version)
    forget(cur, version, themes_only=True)
    written = []                                                  # the size of each table written

    class Tables:
        @staticmethod
        def from_batches(batches):
            table = pa.Table.from_batches(batches)
            written.append(table.num_rows)
            return table

    class Arrow:
        Table = Tables

        def __getattr__(self, name):
            return getattr(pa, name)

    monkeypatch.setattr(voice, "pa", Arrow())
    count = voice.ensure_themes(cur, version, 0)
    assert max(written) == 997 and sum(written) == count          # never more than a chunk at a time
    stored = cur.execute("""
        SELECT n.comment, a.language, t.themes FROM nps_responses n
        JOIN comment_analysis a ON a.nps_version = n.version AND a.row_number = n.row_number
        JOIN comment_rows t ON t.nps_version = n.version AND t.row_number = n.row_number AND t.theme_map = 0
        WHERE n.version = ? ORDER BY n.row_number""", [version]).df()
    assert count == len(stored) > 2 * 997                         # the memo was cleared at least once
    mapping = theme_store.load(cur, 0)
    expected = [mapping.assign(c, lang if isinstance(lang, str) else None)
                for c, lang in zip(stored["comment"], stored["language"], strict=True)]
    assert [list(t) for t in stored["themes"]] == [list(t) for t in expected]
    assert sum(bool(t) for t in expected) > 1_000                 # the check is not over empty lists
    # a row copies its answer and analysis, and the rows are stored in date order (a window scan skips the rest)
    copied = cur.execute("""
        SELECT count(*) FILTER (t.response_id IS NOT DISTINCT FROM n.response_id
                                AND t.customer_id IS NOT DISTINCT FROM n.customer_id
                                AND t.response_date = n.response_date AND t.nps_score = n.score
                                AND t.channel IS NOT DISTINCT FROM n.channel
                                AND t.segment IS NOT DISTINCT FROM n.segment
                                AND t.region IS NOT DISTINCT FROM n.region
                                AND t.language IS NOT DISTINCT FROM a.language AND t.sentiment = a.sentiment
                                AND t.score IS NOT DISTINCT FROM a.score), count(*)
        FROM comment_rows t JOIN nps_responses n ON n.version = t.nps_version AND n.row_number = t.row_number
        JOIN comment_analysis a ON a.nps_version = t.nps_version AND a.row_number = t.row_number
        WHERE t.nps_version = ? AND t.theme_map = 0""", [version]).fetchall()
    assert copied == [(count, count)]
    dates = [d for d, in cur.execute("SELECT response_date FROM comment_rows WHERE nps_version = ? AND theme_map = 0",
                                     [version]).fetchall()]
    assert dates == sorted(dates) and dates[0] < dates[-1]


def test_the_language_models_are_given_back_after_an_analysis_also_a_failed_one(sample_ws, monkeypatch):
    given_back = []
    monkeypatch.setattr(language, "unload", lambda: given_back.append(True))
    cur = sample_ws.cursor()
    version = sample_ws.snapshot().versions["nps"]
    forget(cur, version)
    assert voice.ensure_analysis(cur, version) > 10_000 and given_back == [True]   # after the languages
    given_back.clear()
    real = voice._comment_chunks

    def broken(reader, nps_version):  # the first reading fails after its first chunk
        yield next(real(reader, nps_version))
        raise MemoryError("out of memory")

    forget(cur, version)
    monkeypatch.setattr(voice, "_comment_chunks", broken)
    try:
        voice.ensure_analysis(cur, version)
    except MemoryError:
        pass
    assert given_back == [True]
    assert cur.execute("SELECT count(*) FROM comment_analysis WHERE nps_version = ?", [version]).fetchone()[0] == 0


def test_languages_read_after_the_models_were_given_back_are_the_same():
    texts = ["The support team answered quickly and solved the billing problem.", "Muito bom, recomendo o serviço.",
             "Das Produkt ist leider viel zu teuer geworden.", "El soporte tardó tres semanas en responder."]
    before = language.detect(texts)
    language.unload()
    language.unload()                                              # twice: nothing loaded is no error
    assert language.detect(texts) == before == ["en", "pt", "de", "es"]


def test_the_language_models_are_given_back_between_the_two_readings(monkeypatch):
    """Sentiment and themes need no language model: the second reading runs without Lingua's ~290 MB."""
    chunks = [(k, ["The support team answered quickly.", "Muito bom, recomendo."]) for k in range(3)]
    readings, at_unload = [], []

    def read():
        readings.append(0)
        for key, texts in chunks:
            readings[-1] += 1
            yield key, texts

    monkeypatch.setattr(language, "unload", lambda: at_unload.append(list(readings)))
    frames = list(text.analyse_chunks(read))
    assert at_unload == [[3]]                 # once, after the whole first reading and before the second
    assert readings == [3, 3] and [f["lang"].tolist() for _k, f in frames] == [["en", "pt"]] * 3
