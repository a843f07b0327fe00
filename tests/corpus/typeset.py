"""A small typesetter that writes a report as PDF the ways other producers do (reportlab's canvas
for the low-level drawing, so every text run and every border is placed by this file).

What varies, per `Style`:
  borders   "stroke" (lines), "fill" (thin filled rectangles, as WPS draws them), "none"
            (a table without borders), "hlines" (horizontal rules only)
  runs      "line" (a run per stretch of a line, with character spacing to justify it),
            "char" (every character its own text object)
  font      "cid" (STSong-Light, not embedded: text through its UniGB-UCS2-H CMap) or "ttf"
            (an embedded TrueType subset with a ToUnicode map, as WPS and Word write)
  label_chars  width of 表三's row-label column in characters: labels wrap onto 2–3 lines and
            the row's numbers are set vertically centred in the row, on a line of their own
  repeat_header  a table split over pages repeats its header rows
  header / footer  running header text; page numbers as 「— N —」 (alternating sides),
            「第N页 共M页」, or nothing
  heading_font  headings in another font and size, with full-width spaces inside, or
            letter-spaced, or drawn twice (simulated bold)
  punct     "plain", or "wps": full-width punctuation as separate runs in another font and
            hanging past the right margin at a line's end
"""

from dataclasses import dataclass, field

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

import make_fixtures as MF

PUNCT = "，。、；：？！”’）》」』】"
OPENERS = "“‘（《「『【"

_fonts_done = set()


def register(font_path):
    if "cid" not in _fonts_done:
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
        _fonts_done.add("cid")
    if "ttf" not in _fonts_done:
        pdfmetrics.registerFont(TTFont("NotoSansSC", font_path))
        _fonts_done.add("ttf")


@dataclass
class Style:
    borders: str = "stroke"
    runs: str = "line"
    font: str = "cid"
    label_chars: int = 14
    repeat_header: bool = True
    header: str = ""
    footer: str = "dash"  # dash | of | none
    heading: str = "plain"  # plain | other-font | fullwidth-space | letter-spaced | double
    punct: str = "plain"  # plain | wps
    title_lines: int = 1
    body_size: float = 12.0
    table_size: float = 8.0
    split_para_by_table: str = ""  # a section whose first paragraph a table interrupts
    extra: dict = field(default_factory=dict)


class C:
    def __init__(self, text, rs=1, cs=1):
        self.text, self.rs, self.cs = text, rs, cs


def is_wide(ch):
    return ord(ch) > 0x2E80


class Pdf:
    def __init__(self, path, style, title, font_path):
        register(font_path)
        self.s = style
        self.c = canvas.Canvas(path, pagesize=A4, invariant=1, pageCompression=1)
        self.c.setTitle(title)
        self.W, self.H = A4
        self.left, self.right = 78.0, self.W - 74.0
        self.top, self.bottom = self.H - 92.0, 86.0
        self.body = "STSong-Light" if style.font == "cid" else "NotoSansSC"
        self.other = "NotoSansSC" if style.font == "cid" else "STSong-Light"
        self.page = 1
        self.y = self.top
        self.furniture()

    # -- page furniture ---------------------------------------------------------------------
    def furniture(self):
        c = self.c
        if self.s.header:
            c.setFont(self.body, 9)
            c.drawCentredString(self.W / 2, self.H - 52, self.s.header)
            c.setLineWidth(0.5)
            c.line(self.left, self.H - 58, self.right, self.H - 58)

    def page_number(self):
        c = self.c
        c.setFont(self.body, 12)
        if self.s.footer == "dash":
            text = f"— {self.page} —"
            if self.page % 2:
                c.drawRightString(self.right - 12, 50, text)
            else:
                c.drawString(self.left + 12, 50, text)
        elif self.s.footer == "of":
            c.drawCentredString(self.W / 2, 50, f"第 {self.page} 页 共 {self.s.extra.get('pages', '')} 页")

    def new_page(self):
        self.page_number()
        self.c.showPage()
        self.page += 1
        self.y = self.top
        self.furniture()

    def finish(self):
        self.page_number()
        self.c.showPage()
        self.c.save()

    # -- text -------------------------------------------------------------------------------
    def width(self, text, size, font=None):
        return pdfmetrics.stringWidth(text, font or self.body, size)

    def pieces(self, text, size):
        """A line's characters as (char, advance, font, gap before): Latin runs get a quarter em
        on both sides against Chinese text, as Word and WPS set them."""
        out = []
        prev = None
        for ch in text:
            font = self.body
            if self.s.punct == "wps" and ch in PUNCT + OPENERS:
                font = self.other
            adv = size if is_wide(ch) else self.width(ch, size)
            gap = 0.0
            if prev is not None and is_wide(prev) != is_wide(ch) and (ch.isalnum() or prev.isalnum()) \
                    and prev not in PUNCT + OPENERS and ch not in PUNCT + OPENERS:
                gap = size * 0.25
            out.append([ch, adv, font, gap])
            prev = ch
        return out

    def break_lines(self, text, size, first_indent, width):
        """Greedy line breaking; closing punctuation never starts a line (it hangs past the
        margin instead, as WPS does)."""
        ps = self.pieces(text, size)
        lines, cur, w = [], [], first_indent
        limit = width
        for p in ps:
            need = p[1] + (p[3] if cur else 0)
            if cur and w + need > limit + 0.01 and p[0] not in PUNCT:
                lines.append(cur)
                cur, w, limit = [], 0.0, width
                p = [p[0], p[1], p[2], 0.0]
                need = p[1]
            cur.append(p)
            w += need
        if cur:
            lines.append(cur)
        return lines

    def draw_line(self, pieces, x, y, size, justify_to=None, font=None):
        natural = sum(p[1] + p[3] for p in pieces)
        n = len(pieces)
        spacing = 0.0
        if justify_to is not None and n > 1 and natural < justify_to:
            spacing = (justify_to - natural) / (n - 1)
        c = self.c
        pos = []
        xx = x
        for i, p in enumerate(pieces):
            xx += p[3]
            pos.append(xx)
            xx += p[1] + spacing
        if self.s.runs == "char":
            for p, px in zip(pieces, pos):
                c.setFont(font or p[2], size)
                c.drawString(px, y, p[0])
            return
        # Runs: a new run where the font changes or a Latin gap was added.
        i = 0
        while i < n:
            j = i + 1
            while j < n and pieces[j][3] == 0 and pieces[j][2] == pieces[i][2]:
                j += 1
            t = c.beginText(pos[i], y)
            t.setFont(font or pieces[i][2], size)
            t.setCharSpace(spacing)
            t.textOut("".join(p[0] for p in pieces[i:j]))
            c.drawText(t)
            i = j

    def need(self, h):
        if self.y - h < self.bottom:
            self.new_page()

    def paragraph(self, text, size=None, indent=2, lines_before_break=None, on_break=None):
        size = size or self.s.body_size
        lead = size * 1.75
        width = self.right - self.left
        lines = self.break_lines(text, size, indent * size, width)
        if lines_before_break is not None and on_break:
            # A paragraph too short to be interrupted has the table after it.
            lines_before_break = min(lines_before_break, len(lines))
        for k, ln in enumerate(lines + [None]):
            if lines_before_break is not None and k == lines_before_break and on_break:
                on_break()
            if ln is None:
                break
            self.need(lead)
            x = self.left + (indent * size if k == 0 else 0)
            last = k == len(lines) - 1
            self.draw_line(ln, x, self.y - size, size, None if last else self.right - x)
            self.y -= lead

    def centred(self, text, size, font=None):
        lead = size * 1.6
        self.need(lead)
        w = self.width(text, size, font)
        self.c.setFont(font or self.body, size)
        self.draw_line(self.pieces(text, size), (self.W - w) / 2, self.y - size, size, font=font)
        self.y -= lead

    def heading(self, text, level, size=None):
        size = size or self.s.body_size
        st = self.s.heading
        font = None
        if st == "other-font" or (st == "double" and level == 1):
            font = self.other
            size = size + (2 if level == 1 else 0)
        if st == "fullwidth-space":
            # 「一、　总体情况」, 「（一）　主动公开」
            for sep in ["、", "）"]:
                if sep in text:
                    i = text.index(sep) + 1
                    text = text[:i] + "\u3000" + text[i:]
                    break
        if st == "letter-spaced" and level == 1:
            text = " ".join(text)
        lead = size * 1.75
        self.need(lead * 2)
        x = self.left + 2 * self.s.body_size
        ps = self.pieces(text, size)
        self.draw_line(ps, x, self.y - size, size, font=font)
        if st == "double" and level == 1:
            # Simulated bold: the same text again, a fraction of a point to the right.
            self.draw_line(ps, x + 0.35, self.y - size, size, font=font)
        self.y -= lead

    def right_aligned(self, text, size=None):
        size = size or self.s.body_size
        lead = size * 1.75
        self.need(lead)
        w = sum(p[1] + p[3] for p in self.pieces(text, size))
        self.draw_line(self.pieces(text, size), self.right - 2 * size - w, self.y - size, size)
        self.y -= lead

    # -- tables -----------------------------------------------------------------------------
    def table(self, rows, widths, head_rows, size=None):
        size = size or self.s.table_size
        line_h = size * 1.3
        pad = size * 0.7
        ncols = len(widths)
        xs = [self.left]
        scale = (self.right - self.left) / sum(widths)
        for w in widths:
            xs.append(xs[-1] + w * scale)
        place = MF.place(rows, ncols)
        nrows = len(rows)

        def wrap(cell, col):
            w = xs[min(ncols, col + cell.cs)] - xs[col] - 4
            if not cell.text:
                return []
            out, cur, cw = [], "", 0.0
            for ch in cell.text:
                a = size if is_wide(ch) else self.width(ch, size)
                if cur and cw + a > w:
                    out.append(cur)
                    cur, cw = "", 0.0
                cur += ch
                cw += a
            if cur:
                out.append(cur)
            return out

        lines = {id(cell): wrap(cell, col) for _, col, cell in place}
        heights = [line_h + pad] * nrows
        for r, col, cell in place:
            if cell.rs == 1:
                heights[r] = max(heights[r], len(lines[id(cell)]) * line_h + pad)
        for r, col, cell in place:
            if cell.rs > 1:
                have = sum(heights[r:r + cell.rs])
                want = len(lines[id(cell)]) * line_h + pad
                if want > have:
                    heights[r + cell.rs - 1] += want - have
        # Rows to pages: virtual top of each row, page and the page y of that top.
        vtop = [0.0]
        for h in heights:
            vtop.append(vtop[-1] + h)
        page_of, top_of = [0] * nrows, [0.0] * nrows
        # A table whose header and first row do not fit starts on the next page.
        if self.y - 4 - sum(heights[:head_rows + 1]) < self.bottom:
            self.new_page()
        y = self.y - 4
        pages = [y]
        pg = 0
        head_h = sum(heights[:head_rows])
        for r in range(nrows):
            if y - heights[r] < self.bottom and r > 0:
                pg += 1
                y = self.top
                if self.s.repeat_header and r >= head_rows:
                    y -= head_h
                pages.append(y)
            page_of[r], top_of[r] = pg, y
            y -= heights[r]
        end_y = y
        # Draw page by page.
        for p in range(pg + 1):
            if p > 0:
                self.new_page()
                if self.s.repeat_header:
                    first = page_of.index(p)
                    if first >= head_rows:
                        self.draw_rows(place, lines, range(head_rows), heights, xs, vtop,
                                       {r: self.top - vtop[r] for r in range(head_rows)}, size, line_h)
            rows_here = [r for r in range(nrows) if page_of[r] == p]
            self.draw_rows(place, lines, rows_here, heights, xs, vtop, {r: top_of[r] for r in rows_here}, size,
                           line_h)
        self.y = end_y - 10

    def draw_rows(self, place, lines, rows_here, heights, xs, vtop, top_of, size, line_h):
        rows_here = list(rows_here)
        if not rows_here:
            return
        c = self.c
        lo, hi = rows_here[0], rows_here[-1]
        for r, col, cell in place:
            r_end = r + cell.rs - 1
            if r_end < lo or r > hi:
                continue
            a, b = max(r, lo), min(r_end, hi)
            x0, x1 = xs[col], xs[min(len(xs) - 1, col + cell.cs)]
            y0 = top_of[a]
            y1 = top_of[b] - heights[b]
            self.border(x0, y1, x1, y0, first_row=(a == 0))
            # Text: lines centred over the whole cell; each drawn where its row is on this page.
            ls = lines[id(cell)]
            if not ls:
                continue
            total_h = vtop[r_end + 1] - vtop[r]
            block = len(ls) * line_h
            v = vtop[r] + (total_h - block) / 2
            for k, t in enumerate(ls):
                vy = v + k * line_h + size  # virtual baseline
                rr = max(i for i in range(r, r_end + 1) if vtop[i] <= vy - size * 0.5 or i == r)
                if rr not in top_of:
                    continue
                py = top_of[rr] - (vy - vtop[rr])
                w = sum(p[1] + p[3] for p in self.pieces(t, size))
                self.draw_line(self.pieces(t, size), (x0 + x1) / 2 - w / 2, py, size)

    def border(self, x0, y0, x1, y1, first_row):
        c = self.c
        b = self.s.borders
        if b == "none":
            return
        if b == "hlines":
            c.setLineWidth(0.6)
            c.line(x0, y0, x1, y0)
            if first_row:
                c.line(x0, y1, x1, y1)
            return
        if b == "stroke":
            c.setLineWidth(0.5)
            c.line(x0, y0, x1, y0)
            c.line(x1, y0, x1, y1)
            c.line(x1, y1, x0, y1)
            c.line(x0, y1, x0, y0)
            return
        # WPS: each border a thin filled rectangle.
        t = 0.5
        c.rect(x0 - t / 2, y0 - t / 2, x1 - x0 + t, t, stroke=0, fill=1)
        c.rect(x0 - t / 2, y1 - t / 2, x1 - x0 + t, t, stroke=0, fill=1)
        c.rect(x0 - t / 2, y0 - t / 2, t, y1 - y0 + t, stroke=0, fill=1)
        c.rect(x1 - t / 2, y0 - t / 2, t, y1 - y0 + t, stroke=0, fill=1)
