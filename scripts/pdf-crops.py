#!/usr/bin/env python3
"""Crops of the exported PDF for issue notes and the README: one picture per typesetting rule.

Usage: scripts/pdf-crops.py SWEEP_DIR OUT_DIR
SWEEP_DIR holds the PDFs written by
  NIANBAO_SWEEP_DIR=SWEEP_DIR cargo test --test it write_ -- --ignored
(the layout sweep's drafts and the showcase draft). Needs poppler-utils and ImageMagick.
Regions are in PDF points from the top-left of the page, as `pdftotext -bbox` gives them.
"""
import os, subprocess, sys, tempfile

sweep, out = sys.argv[1], sys.argv[2]
RES = 100

# name: [(file, page, (x0, y0, x1, y1)[, degrees to turn]) ...] stacked top to bottom
CROPS = {
    '01-table3-split-label': [('seed-2019-2-false-false', 4, (56, 430, 540, 700)),
                              ('seed-2019-2-false-false', 5, (56, 80, 540, 270))],
    '02-punctuation-runs': [('seed-2019-2-false-false', 5, (56, 270, 540, 660))],
    '03-landscape-table4': [('hangzhou-2021-2-true-true', 8, (0, 0, 595, 841)),
                            ('hangzhou-2021-2-true-true', 9, (0, 0, 595, 841))],
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

def crop(pdf, page, box, png, res):
    x0, y0, x1, y1 = box
    k = res / 72
    base = png[:-4]
    subprocess.run(['pdftoppm', '-f', str(page), '-l', str(page), '-r', str(res), '-png', '-singlefile',
                    '-x', str(int(x0 * k)), '-y', str(int(y0 * k)), '-W', str(int((x1 - x0) * k)),
                    '-H', str(int((y1 - y0) * k)), pdf, base], check=True)

os.makedirs(out, exist_ok=True)
with tempfile.TemporaryDirectory() as tmp:
    for name, parts in CROPS.items():
        pngs = []
        whole = all(p[2] == (0, 0, 595, 841) for p in parts)
        for i, (f, page, box, *turn) in enumerate(parts):
            png = os.path.join(tmp, f'{name}-{i}.png')
            crop(os.path.join(sweep, f + '.pdf'), page, box, png, 45 if whole else RES)
            if turn:
                subprocess.run(['convert', png, '-rotate', str(turn[0]), png], check=True)
            pngs.append(png)
        join = '+append' if whole else '-append'
        args = ['convert']
        for p in pngs:
            args += [p, '-bordercolor', '#999999', '-border', '1']
        subprocess.run(args + [join, '-colors', '64', os.path.join(out, name + '.png')], check=True)
        print(name)
