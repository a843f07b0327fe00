#!/usr/bin/env python3
"""Crops of the exported PDF for issue notes and the README: one picture per typesetting rule,
and for issue 24's defects the same draft exported by an older build beside this one.

Usage: scripts/pdf-crops.py SWEEP_DIR OUT_DIR
SWEEP_DIR holds the PDFs (and their drafts, NAME.ron) written by
  NIANBAO_SWEEP_DIR=SWEEP_DIR cargo test --test it write_ -- --ignored
(the layout sweep's drafts, the showcase draft, the defect drafts), and SWEEP_DIR/before/ the
same drafts exported by the older build:
  for f in SWEEP_DIR/*.ron; do OLD/nianbao export "$f" -o SWEEP_DIR/before/$(basename "$f" .ron).pdf; done
The Word crop compares LibreOffice's layout of the .docx of `table3-3.ron`, exported by each build
and converted with `soffice --headless --convert-to pdf`: SWEEP_DIR/word.pdf and
SWEEP_DIR/before/word.pdf. Needs poppler-utils and ImageMagick.
Regions are in PDF points from the top-left of the page, as `pdftotext -bbox` gives them.
"""
import os, subprocess, sys, tempfile

sweep, out = sys.argv[1], sys.argv[2]
RES = 100
# The labels name Chinese words: the window's face.
FONT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fonts', 'NotoSansSC-Regular-subset.ttf')
PAGE = (0, 0, 595, 841)

# name: [(file, page, (x0, y0, x1, y1)[, degrees to turn]) ...] stacked top to bottom
CROPS = {
    '01-table3-split-label': [('seed-2019-2-false-false', 4, (56, 430, 540, 800)),
                              ('seed-2019-2-false-false', 5, (56, 80, 540, 330))],
    '02-punctuation-runs': [('seed-2019-2-false-false', 5, (56, 270, 540, 660))],
    '03-landscape-table4': [('hangzhou-2021-2-true-true', 8, PAGE),
                            ('hangzhou-2021-2-true-true', 9, PAGE)],
    # The landscape page is drawn turned on a portrait sheet: its top strip, turned back to read.
    '03b-landscape-table4-headers': [('hangzhou-2021-2-true-true', 9, (0, 0, 300, 841), 90)],
    '04-annex-continuation': [('seed-2019-2-true-true', 10, (56, 640, 540, 800)),
                              ('seed-2019-2-true-true', 11, (56, 50, 540, 160))],
    '05-title-long-unit-name': [('showcase', 1, (56, 60, 540, 222))],
    '06-signature-date-by-hand': [('showcase', 7, (56, 60, 540, 560))],
    '07-heading-faces': [('hangzhou-2021-2-false-false', 2, (56, 60, 540, 330))],
    '08-ascii-subheading-and-url': [('showcase', 1, (56, 380, 540, 700))],
    '11-page-number': [('seed-2019-2-false-false', 5, (56, 690, 540, 841))],
    '12-table-header-and-numbers': [('hangzhou-2021-2-true-true', 8, (56, 60, 540, 420))],
}

# Issue 24, before (the older build, top) and after (this one, below); each row's parts side by
# side. name: [(label, [(file, page, box[, turn]) ...]) ...]
PAIRS = {
    '13-signature-long': [
        ('before: a 55-character 落款 runs off the sheet',
         [('before/signature-55', 6, (0, 380, 595, 500))]),
        ('after: broken between words, centred over the date',
         [('signature-55', 6, (0, 480, 595, 710))])],
    '14-heading-kept-with-two-lines': [
        ('after: the two-line heading goes on with two lines of its text',
         [('heading-9', 1, (56, 585, 540, 800)), ('heading-9', 2, (56, 80, 540, 240))])],
    '15-table3-fills-pages': [
        ('before: 65 mm blank, first piece without its label',
         [('before/table3-0', 2, PAGE), ('before/table3-0', 3, PAGE)]),
        ('after: split between items, label in both pieces, （续）',
         [('table3-0', 2, PAGE), ('table3-0', 3, PAGE)])],
    '16-landscape-table4-even-page': [
        ('before: even page head right, odd page head left',
         [('before/landscape-1', 6, PAGE), ('before/landscape-2', 9, PAGE)]),
        ('after: head at the left on even and odd pages (§10)',
         [('landscape-1', 6, PAGE), ('landscape-2', 9, PAGE)])],
    '17-justification-latin': [
        ('before: letters and digits spaced apart',
         [('before/showcase', 1, (56, 376, 540, 612))]),
        ('after: stretched only between Chinese characters',
         [('showcase', 1, (56, 376, 540, 612))])],
    '18-title-break': [
        ('before: broken inside the report\'s name',
         [('before/title-long', 1, (56, 90, 540, 215))]),
        ('after: unit / report name, the unit between words',
         [('title-long', 1, (56, 90, 540, 215))])],
    '19-dash-as-one-rule': [
        ('before', [('before/showcase', 1, (70, 640, 400, 672))]),
        ('after: —— one rule', [('showcase', 1, (70, 640, 400, 672))])],
    '20-table4-ten-digit-figures': [
        ('before: 10-digit figures at 4 pt',
         [('before/table4-digits', 4, (56, 380, 540, 520))]),
        ('after: 表四 turned landscape, with a notice',
         [('table4-digits', 4, (60, 80, 200, 780), 90)])],
    '21-word-table3-libreoffice': [
        ('before: 三、本 / 年度办理结果 cut by a page break',
         [('before/word', 6, PAGE), ('before/word', 7, PAGE)]),
        ('after: rows kept together, the label whole',
         [('word', 6, PAGE), ('word', 7, PAGE)])],
}


def crop(pdf, page, box, png, res):
    x0, y0, x1, y1 = box
    k = res / 72
    base = png[:-4]
    subprocess.run(['pdftoppm', '-f', str(page), '-l', str(page), '-r', str(res), '-png', '-singlefile',
                    '-x', str(int(x0 * k)), '-y', str(int(y0 * k)), '-W', str(int((x1 - x0) * k)),
                    '-H', str(int((y1 - y0) * k)), pdf, base], check=True)


def render(parts, tmp, name):
    """The parts side by side (whole pages) or stacked (crops), as one PNG."""
    pngs = []
    whole = all(p[2] == PAGE for p in parts)
    for i, (f, page, box, *turn) in enumerate(parts):
        png = os.path.join(tmp, f'{name}-{i}.png')
        # A thin strip (one line) is shown larger, to see a hairline.
        res = 45 if whole else (RES * 2 if box[3] - box[1] < 40 else RES)
        crop(os.path.join(sweep, f + '.pdf'), page, box, png, res)
        if turn:
            subprocess.run(['convert', png, '-rotate', str(turn[0]), png], check=True)
        pngs.append(png)
    args = ['convert']
    for p in pngs:
        args += [p, '-bordercolor', '#999999', '-border', '1']
    joined = os.path.join(tmp, f'{name}.png')
    subprocess.run(args + ['+append' if whole else '-append', joined], check=True)
    return joined


os.makedirs(out, exist_ok=True)
with tempfile.TemporaryDirectory() as tmp:
    for name, parts in CROPS.items():
        joined = render(parts, tmp, name)
        subprocess.run(['convert', joined, '-colors', '64', os.path.join(out, name + '.png')], check=True)
        print(name)
    for name, rows in PAIRS.items():
        pngs = []
        for r, (label, parts) in enumerate(rows):
            joined = render(parts, tmp, f'{name}-{r}')
            labelled = os.path.join(tmp, f'{name}-{r}-l.png')
            subprocess.run(['convert', joined, '-gravity', 'north', '-background', 'white', '-splice', '0x22',
                            '-font', FONT, '-pointsize', '13', '-annotate', '+0+3', label, labelled], check=True)
            pngs.append(labelled)
        subprocess.run(['convert', *pngs, '-append', '-colors', '64', os.path.join(out, name + '.png')],
                       check=True)
        print(name)
