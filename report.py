"""Board pack export: a role page's tiles, charts and tables as a PDF, and its charts as PNG files.

Rendered offline: charts through vl-convert (Vega-Lite to PNG at 2× for print), the PDF through
ReportLab with the Bitstream Vera font it ships (so no system fonts are needed). Pure Python: the page
collects a `Pack` while it draws and hands it here.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import altair as alt
import pandas as pd
import reportlab
import vl_convert
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Image, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

_FONTS = Path(reportlab.__file__).parent / "fonts"
pdfmetrics.registerFont(TTFont("Vera", str(_FONTS / "Vera.ttf")))
pdfmetrics.registerFont(TTFont("Vera-Bold", str(_FONTS / "VeraBd.ttf")))
# Vera has no glyphs for these; print their plain equivalents. It has the dashes, the minus sign, ≥ ≤ … × √ and
# curly quotes: they print as the page shows them (a blank tile's "—" printed as "-", read as a hyphen or a minus)
_PLAIN = str.maketrans({"→": "->", "⁄": "/"})
MAX_TABLE_ROWS = 30
_GLYPHS = frozenset(pdfmetrics.getFont("Vera").face.charToGlyph) | {ord(c) for c in " \n\t"}
# Text in a script Vera cannot draw (a Japanese comment) printed as empty boxes, read as a fault or as nothing said
OTHER_SCRIPT = "[text in a script this PDF cannot print: see the app]"


def plain(text: object) -> str:
    out, run = [], False
    for ch in str(text).translate(_PLAIN):
        if ord(ch) in _GLYPHS:
            out.append(ch)
            run = run and ch.isspace()  # spaces between unprintable words stay inside one marker
        elif not run:
            out.append(OTHER_SCRIPT)
            run = True
    return "".join(out)


@dataclass
class Tile:
    label: str
    value: str
    delta: str | None = None
    note: str = ""


@dataclass
class Section:
    heading: str
    tiles: list[Tile] = field(default_factory=list)
    charts: list[alt.Chart] = field(default_factory=list)
    tables: list[tuple[str, pd.DataFrame]] = field(default_factory=list)
    # the section's notices as the page shows them ("No support tickets uploaded yet", why retention is not shown):
    # without them a "—" or a missing chart had no reason in the PDF, and a page with no figure printed a blank page
    notes: list[str] = field(default_factory=list)
    # the last tile drawn in each page column (by the column's id): the line under it belongs to that tile
    by_column: dict[int, Tile] = field(default_factory=dict, repr=False, compare=False)

    def empty(self) -> bool:
        return not (self.tiles or self.charts or self.tables or self.notes)


@dataclass
class Pack:
    title: str
    subtitle: str
    sections: list[Section] = field(default_factory=list)
    # the page's notices above every section (missing data, the sample-data banner, a pinned version), under the title
    notes: list[str] = field(default_factory=list)

    def section(self, heading: str) -> Section:
        self.sections.append(Section(heading))
        return self.sections[-1]

    @property
    def current(self) -> Section:
        return self.sections[-1] if self.sections else self.section("Headline")

    def charts(self) -> list[alt.Chart]:
        return [c for s in self.sections for c in s.charts]


def chart_title(chart: alt.Chart) -> str:
    title = chart.to_dict().get("title", "chart")
    return title if isinstance(title, str) else str(title.get("text", "chart"))


def chart_png(chart: alt.Chart, width: int = 760, scale: float = 2.0) -> bytes:
    """A chart as PNG, drawn offline at `scale` × for print."""
    return vl_convert.vegalite_to_png(vl_spec=chart.properties(width=width).to_json(), scale=scale)


def charts_zip(pack: Pack) -> bytes:
    """Every chart of the pack as a PNG, in one zip; file names from the chart titles."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for i, chart in enumerate(pack.charts(), start=1):
            slug = re.sub(r"[^a-z0-9]+", "-", chart_title(chart).lower()).strip("-")[:60] or "chart"
            zf.writestr(f"{i:02d}-{slug}.png", chart_png(chart))
    return buffer.getvalue()


_STYLES = {
    "title": ParagraphStyle("title", fontName="Vera-Bold", fontSize=20, leading=24, spaceAfter=4),
    "subtitle": ParagraphStyle("subtitle", fontName="Vera", fontSize=10, leading=13, textColor=colors.grey,
                               spaceAfter=10),
    "h2": ParagraphStyle("h2", fontName="Vera-Bold", fontSize=14, leading=18, spaceBefore=4, spaceAfter=8),
    "body": ParagraphStyle("body", fontName="Vera", fontSize=8, leading=10),
    "label": ParagraphStyle("label", fontName="Vera", fontSize=8, leading=10, textColor=colors.grey),
    "value": ParagraphStyle("value", fontName="Vera-Bold", fontSize=16, leading=19),
    "note": ParagraphStyle("note", fontName="Vera", fontSize=9, leading=12, leftIndent=6, borderPadding=(3, 4, 3, 4),
                           backColor=colors.HexColor("#f3f6fa"), spaceBefore=2, spaceAfter=8),
}


def _p(text: object, style: str) -> Paragraph:
    escaped = plain(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return Paragraph(escaped, _STYLES[style])


def _tiles(tiles: list[Tile], width: float) -> Table:
    per_row = 4
    cells = [[_p(t.label, "label"), _p(t.value, "value"), _p(" · ".join(x for x in (t.delta, t.note) if x), "body")]
             for t in tiles]
    rows = [cells[i:i + per_row] for i in range(0, len(cells), per_row)]
    rows[-1] += [""] * (per_row - len(rows[-1]))
    table = Table(rows, colWidths=[width / per_row] * per_row)
    table.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.5, colors.lightgrey),
                               ("INNERGRID", (0, 0), (-1, -1), 0.5, colors.lightgrey),
                               ("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 6),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))
    return table


_PAD = 12  # a table cell's left and right padding together (reportlab's default 6 + 6 points)


def _longest_word(values, font: str, size: float) -> float:
    return max((pdfmetrics.stringWidth(plain(w), font, size) for v in values for w in str(v).split()), default=0)


def _widths(shown: pd.DataFrame, width: float) -> list[float]:
    """Column widths by how much text each column holds (its header or longest cell, 12–80 characters): equal
    widths gave a comment column 1/7 of the page, and a long comment a row taller than the page. Each column is
    first given the width of its longest word (at most a quarter of the page): a long Notes column squeezed the
    dates beside it until '2023-01-02' printed as '2023-0' over '1-02'."""
    chars = [min(max(12, len(str(c)), *(len(v) for v in shown[c])), 80) for c in shown.columns]
    floor = [min(max(_longest_word(shown[c], "Vera", 8), _longest_word([c], "Vera", 8)) + _PAD + 1, width / 4)
             for c in shown.columns]
    if sum(floor) >= width:
        return [width * f / sum(floor) for f in floor]
    spare = width - sum(floor)
    # the rest shared by text length, beyond what each column's floor already holds
    return [f + spare * n / sum(chars) for f, n in zip(floor, chars, strict=True)]


def _table(frame: pd.DataFrame, width: float) -> Table:
    shown = frame.head(MAX_TABLE_ROWS).astype(str)
    data = [[_p(c, "label") for c in shown.columns]] + [[_p(v, "body") for v in row] for row in shown.values]
    # splitInRow: a row still taller than a page (a comment of many paragraphs) continues on the next page; without
    # it the PDF could not be made at all (reportlab's LayoutError)
    table = Table(data, colWidths=_widths(shown, width), repeatRows=1, splitInRow=1)
    # cells start at the top: a row split over two pages (its long Notes) kept its source, dates and upload time at
    # the bottom of the cell, on the next page, under a repeated header and away from the row they belong to
    table.setStyle(TableStyle([("VALIGN", (0, 1), (-1, -1), "TOP"), ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
                               ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.grey),
                               ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.whitesmoke])]))
    return table


def board_pack(pack: Pack) -> bytes:
    """The pack as an A4 landscape PDF: a cover page with the headline tiles, then one page per section."""
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=landscape(A4), leftMargin=14 * mm, rightMargin=14 * mm,
                            topMargin=12 * mm, bottomMargin=12 * mm, title=plain(pack.title),
                            author="CX value dashboard")
    width = doc.width

    def footer(canvas, _doc):
        canvas.setFont("Vera", 7)
        canvas.setFillColor(colors.grey)
        canvas.drawString(doc.leftMargin, 6 * mm, plain(f"{pack.title} · {pack.subtitle}"))
        canvas.drawRightString(doc.leftMargin + width, 6 * mm, f"page {canvas.getPageNumber()}")

    story = [_p(pack.title, "title"), _p(pack.subtitle, "subtitle")] + [_p(n, "note") for n in pack.notes]
    for i, section in enumerate(s for s in pack.sections if not s.empty()):
        if i:
            story += [PageBreak(), _p(section.heading, "h2")]
        story += [_p(n, "note") for n in section.notes]
        if section.tiles:
            story += [_tiles(section.tiles, width), Spacer(1, 6 * mm)]
        for chart in section.charts:
            png = chart_png(chart, width=700)
            image = Image(io.BytesIO(png))
            ratio = min(width / image.imageWidth, (doc.height * 0.62) / image.imageHeight)
            image.drawWidth, image.drawHeight = image.imageWidth * ratio, image.imageHeight * ratio
            story += [image, Spacer(1, 4 * mm)]
        for caption, frame in section.tables:
            story += [_p(caption, "label"), _table(frame, width), Spacer(1, 4 * mm)]
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
