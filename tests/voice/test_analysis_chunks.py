"""A data version's comments are analysed a chunk at a time (read twice: languages first, then sentiment and
themes) and the stored analysis is exactly what the text engine gives for the whole batch at once: the same
languages (the batch majority read across chunks), sentiments, scores and themes, in file order."""

from __future__ import annotations

import math

import pandas as pd

from metrics import text, voice
from metrics.text import language


def test_chunked_analysis_equals_the_whole_batch(sample_ws, monkeypatch):
    monkeypatch.setattr(voice, "ANALYSIS_CHUNK", 997)   # chunk edges that fall anywhere
    monkeypatch.setattr(language, "CHUNK", 311)
    cur = sample_ws.cursor()
    version = sample_ws.snapshot().versions["nps"]
    cur.execute(voice.SCHEMA)
    cur.execute("DELETE FROM comment_analysis WHERE nps_version = ?", [version])
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
