"""User text (file names, column and segment names, cell values) made safe to place inside Streamlit Markdown.

Streamlit renders Markdown with GitHub extensions plus its own: `:material/icon:` and emoji shortcodes,
`:red[text]` directives, `$…$` LaTeX, bare-URL and e-mail autolinks. A file named
`**[x](https://…)** :material/warning:` or a segment named `![b](http://host/beacon.png)` must show as those
characters, not as a link, an image that calls a server, or an icon. Pure Python: no Streamlit here.

How: CommonMark lets a backslash escape any ASCII punctuation character, and an escaped character is
always literal text. Escaping all of them (not a hand-picked list) covers every construct above: links and
images need `[`, `]`, `(`, `)`, `!`; autolinks `<`, `:`, `/`, `.`, `@`; HTML `<`, `&`; LaTeX `$`;
shortcodes and directives `:`. Escapes are not enough for the plugins that search the parsed text (bare
URLs, e-mail addresses, emoji): there an invisible word joiner (U+2060) breaks the pattern.
Invisible characters that can disguise text (bidi overrides as in "Trojan Source", zero-width characters,
other control characters) are shown as `[U+202E]` so a reader sees that they are there.
"""

from __future__ import annotations

import re
import unicodedata

WORD_JOINER = "\u2060"
# Constructs that Streamlit's Markdown plugins find in the *parsed* text, after escapes are resolved, so a
# backslash cannot stop them (seen in chromium): bare URLs (`https://`, `www.`), e-mail addresses,
# `:shortcodes:` when the emoji plugin is loaded for another part of the same text, and ` -- ` (typeset as an
# em dash). An invisible word joiner inside each pattern breaks it; the text reads the same.
_PARSED_PATTERNS = re.compile(r"(?<=:)(?=[\w+/-])|(?<=@)|(?<=www)(?=\.)|(?<=-)(?=-)", re.IGNORECASE)
_PUNCTUATION = re.compile(r"""([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])""")


def _visible(ch: str) -> str:
    """Tabs become spaces; line breaks stay; other control and format characters are named."""
    if ch == "\t":
        return " "
    if ch in "\n":
        return ch
    if ch == "\r":
        return ""
    if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp"):
        return f"[U+{ord(ch):04X}]"
    return ch


def md_escape(text: object) -> str:
    """`text` as Streamlit Markdown that renders exactly these characters (see the module docstring)."""
    shown = _PARSED_PATTERNS.sub(WORD_JOINER, "".join(_visible(ch) for ch in str(text)))
    return _PUNCTUATION.sub(r"\\\1", shown)
