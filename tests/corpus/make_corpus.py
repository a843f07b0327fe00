#!/usr/bin/env python3
"""Makes the import corpus: the same reports published by several producers in several layouts,
written to tests/fixtures/corpus/ with a manifest the tests read (tests/it/import_corpus.rs).

    python3 tests/corpus/make_corpus.py            # everything (needs soffice and chromium)
    python3 tests/corpus/make_corpus.py --only rl  # only what this script typesets itself

Needs: python3 with reportlab and python-docx (PyPI), the release binary (`cargo build
--release`, or NIANBAO=path), LibreOffice (`soffice`) and Chromium (`chromium`) from Debian.
The tests need none of these: they read the committed outputs.

Sources (sources.py): A — GB2021, the seed report's texts under the 2021 sub-sections, every
input figure non-zero and distinct; A6 and A6z — A with a single （六）其他处理 row printed
(3.其他's figures, or all zeros); B — GB2019, the seed report's own texts, distinct figures.
Each is written as a long CSV (the expected report) beside the files made from it.

Producers and layouts (one manifest row each):
  own-lo.docx      the project's Word export, opened and saved again by LibreOffice
  lo.pdf           LibreOffice's PDF of that .docx
  chromium.pdf     Chromium's --print-to-pdf of the project's web page (its own running header
                   and footer: date, title, address, 「1/6」)
  rl-*.pdf         typeset here (typeset.py): borders as lines, as thin filled rectangles (WPS),
                   none, or horizontal rules only; a run per line or per character; labels
                   wrapped on 2–3 lines with the numbers centred; tables split over pages with and
                   without their header repeated; running headers; 「— N —」 and 「第N页 共M页」
                   page numbers; a paragraph interrupted by a table; headings in another font,
                   with full-width spaces, letter-spaced, simulated bold; a two-line title
  wps.docx         WPS-like Word file: headings as styles numbered by Word list numbering
                   (no typed 一、), a table inside a text box, another in a frame
  word-paste.html  a CMS page pasted from Word: <o:p>, &nbsp; padding, mso-list numbering,
                   row labels split over several <p> in one cell
"""

import argparse
import csv
import html
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(ROOT, "tests", "fixtures", "corpus")
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "fixtures", "published"))

import sources as S  # noqa: E402
import typeset as T  # noqa: E402
import make_fixtures as MF  # noqa: E402

FONT = os.path.join(ROOT, "fonts", "NotoSansSC-Regular-subset.ttf")

SOURCES = {
    "a": ("a-2021.csv", lambda: S.report_a()),
    "a6": ("a6-2021.csv", lambda: S.report_a("three")),
    "a6z": ("a6z-2021.csv", lambda: S.report_a("zero")),
    "b": ("b-2019.csv", lambda: S.report_b()),
}


def cells_for_print(report, single_other):
    """The cells as make_fixtures' table builders take them (values as text); with a single
    （六） row its figures are 3.其他's."""
    cells = dict(report["cells"])
    if single_other:
        for c in S.T3_COLS:
            cells[("表三", "（六）其他处理", c)] = cells[("表三", "（六）其他处理/3.其他", c)]
    return cells


def tables(report, single_other=False):
    fmt = report["meta"]["格式"]
    cells = cells_for_print(report, single_other)
    return {
        "t2": MF.table2(cells, fmt),
        "t3": MF.table3(cells, "gb2019" if single_other else fmt),
        "t4": MF.table4(cells),
    }


def flow(report):
    """The report as (kind, text) in print order, as the project's own export sets it out."""
    fmt = report["meta"]["格式"]
    secs = report["sections"]
    out = [("title", S.title(report)), ("para", report["opening"])]
    for i, h in enumerate(S.HEADINGS):
        out.append(("h1", h))
        for p in filter(None, secs.get(h, "").split("\n")):
            out.append(("para", p))
        if fmt == "gb2021" and i == 0:
            for sub in S.SUBS_2021:
                out.append(("h2", sub))
                for p in filter(None, secs.get(f"{h}/{sub}", "").split("\n")):
                    out.append(("para", p))
        if i in (1, 2, 3):
            out.append(("table", ["t2", "t3", "t4"][i - 1]))
    out.append(("sign", report["meta"]["落款名称"]))
    out.append(("date", S.sign_date(report)))
    return out


# ---------------------------------------------------------------------------------------------
# PDFs typeset here
# ---------------------------------------------------------------------------------------------

def rl_pdf(report, style, path, single_other=False):
    tabs = tables(report, single_other)
    t3w = [1.6, 3.4, style.label_chars] + [4.2] * 7

    def render():
        st = style
        pdf = T.Pdf(path, st, S.title(report), FONT)
        items = flow(report)
        split_done = False
        k = 0
        while k < len(items):
            kind, text = items[k]
            if kind == "title":
                if st.title_lines == 2:
                    cut = text.index("政府信息公开工作") + len("政府信息公开工作")
                    pdf.centred(text[:cut], 18, pdf.other)
                    pdf.centred(text[cut:], 18, pdf.other)
                else:
                    pdf.centred(text, 18 if len(text) <= 24 else 15, pdf.other)
                pdf.y -= 8
            elif kind == "para":
                nxt = items[k + 1] if k + 1 < len(items) else None
                if st.split_para_by_table and not split_done and nxt and nxt[0] == "table" \
                        and nxt[1] == st.split_para_by_table:
                    # The table is drawn after the paragraph's first two lines; the paragraph
                    # goes on below it.
                    key = nxt[1]
                    pdf.paragraph(text, lines_before_break=2,
                                  on_break=lambda: draw_table(pdf, key, tabs, t3w))
                    split_done = True
                    k += 2
                    continue
                pdf.paragraph(text)
            elif kind == "h1":
                pdf.heading(text, 1)
            elif kind == "h2":
                pdf.heading(text, 2)
            elif kind == "table":
                draw_table(pdf, text, tabs, t3w)
            elif kind == "sign":
                pdf.y -= 20
                pdf.right_aligned(text)
            elif kind == "date":
                pdf.right_aligned(text)
            k += 1
        pdf.finish()
        return pdf.page

    pages = render()
    if style.footer == "of":
        # 「第N页 共M页」: typeset again with the page count known.
        style.extra["pages"] = pages
        render()


def draw_table(pdf, key, tabs, t3w):
    rows = tabs[key]
    if key == "t3":
        pdf.table(rows, t3w, head_rows=3)
    elif key == "t4":
        pdf.table(rows, [1] * 15, head_rows=3, size=min(pdf.s.table_size, 7.0))
    else:
        pdf.table(rows, [3.2, 2.0, 2.0, 2.0], head_rows=2)


RL_VARIANTS = [
    # name, source, style, single （六） row
    ("rl-wps-fill", "a", T.Style(borders="fill", font="ttf", label_chars=7, punct="wps", repeat_header=True,
                                 header="兴义市应急管理局2021年政府信息公开工作年度报告", footer="dash",
                                 split_para_by_table="t2", title_lines=2), False),
    ("rl-borderless", "a", T.Style(borders="none", label_chars=7, repeat_header=False, footer="of",
                                   heading="fullwidth-space"), False),
    ("rl-charruns", "a", T.Style(borders="stroke", runs="char", label_chars=9, heading="other-font",
                                 header="政府信息公开工作年度报告", footer="dash"), False),
    ("rl-double-heads", "a", T.Style(borders="hlines", label_chars=8, heading="double", footer="dash",
                                     split_para_by_table="t2"), False),
    ("rl-letterspaced", "b", T.Style(borders="stroke", label_chars=7, heading="letter-spaced", footer="dash",
                                     repeat_header=False, title_lines=2), False),
    ("rl-wps-fill", "b", T.Style(borders="fill", font="ttf", label_chars=7, punct="wps",
                                 header="2019年兴义市应急管理局政府信息公开工作年度报告", footer="dash"), False),
    ("rl-borderless-charruns", "b", T.Style(borders="none", runs="char", label_chars=8, repeat_header=True,
                                            footer="dash", heading="fullwidth-space"), False),
    ("rl-wps-fill", "a6", T.Style(borders="fill", font="ttf", label_chars=7, punct="wps", footer="dash"), True),
    ("rl-borderless", "a6", T.Style(borders="none", label_chars=7, footer="dash"), True),
    ("rl-borderless", "a6z", T.Style(borders="none", label_chars=7, footer="dash", runs="char"), True),
    ("rl-wps-fill", "a6z", T.Style(borders="fill", font="ttf", label_chars=7, footer="dash"), True),
]


# ---------------------------------------------------------------------------------------------
# Producers outside: the project's export, LibreOffice, Chromium
# ---------------------------------------------------------------------------------------------

def nianbao():
    exe = os.environ.get("NIANBAO") or os.path.join(ROOT, "target", "release", "nianbao")
    if not os.path.exists(exe):
        subprocess.run(["cargo", "build", "--release"], cwd=ROOT, check=True)
    return exe


def own_export(csv_path, tmp, ext):
    exe = nianbao()
    draft = os.path.join(tmp, "draft.ron")
    subprocess.run([exe, "import", csv_path, "-o", draft, "--force"], check=True, capture_output=True)
    out = os.path.join(tmp, f"own.{ext}")
    subprocess.run([exe, "export", draft, "-o", out, "--final", "--force"], check=True, capture_output=True)
    return out


def soffice(src, fmt, tmp):
    out = os.path.join(tmp, "lo")
    os.makedirs(out, exist_ok=True)
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp}/lo-profile", "--headless", "--convert-to", fmt,
                    "--outdir", out, src], check=True, capture_output=True, timeout=300)
    base = os.path.splitext(os.path.basename(src))[0]
    ext = fmt.split(":")[0]
    return os.path.join(out, f"{base}.{ext}")


def chromium(html_path, pdf_path, tmp):
    """Chromium's print to PDF, with its own header and footer, fonts limited to the bundled
    Noto Sans SC subset so the file stays small."""
    fc = os.path.join(tmp, "fc")
    os.makedirs(os.path.join(fc, "fonts"), exist_ok=True)
    shutil.copy(FONT, os.path.join(fc, "fonts"))
    with open(os.path.join(fc, "fonts.conf"), "w") as f:
        f.write(f"""<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir>{fc}/fonts</dir><cachedir>{fc}/cache</cachedir>
<alias><family>serif</family><prefer><family>Noto Sans SC</family></prefer></alias>
<alias><family>sans-serif</family><prefer><family>Noto Sans SC</family></prefer></alias></fontconfig>
""")
    env = dict(os.environ, FONTCONFIG_FILE=os.path.join(fc, "fonts.conf"))
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--no-first-run", "--disable-sync",
                    f"--user-data-dir={tmp}/chromium-profile", f"--print-to-pdf={pdf_path}",
                    "file://" + html_path], check=True, capture_output=True, env=env, timeout=300)


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", choices=["rl", "docx", "html", "outside"], help="make only one kind")
    args = ap.parse_args()
    os.makedirs(OUT, exist_ok=True)
    reports = {}
    for key, (name, make) in SOURCES.items():
        reports[key] = make()
        S.write_csv(reports[key], os.path.join(OUT, name))
    manifest = []

    def add(file, src, producer, layout):
        manifest.append((file, SOURCES[src][0], producer, layout))

    if args.only in (None, "rl"):
        for name, src, style, single in RL_VARIANTS:
            file = f"{src}-{name}.pdf"
            rl_pdf(reports[src], style, os.path.join(OUT, file), single)
            add(file, src, "typeset.py", describe(style, single))
    if args.only in (None, "docx"):
        import wps_docx
        for src in ["a", "b"]:
            file = f"{src}-wps.docx"
            wps_docx.write(reports[src], tables(reports[src]), os.path.join(OUT, file))
            add(file, src, "python-docx", "WPS-like: list-numbered heading styles, tables in a text box and a frame")
    if args.only in (None, "html"):
        import word_html
        for src in ["a", "b"]:
            file = f"{src}-word-paste.html"
            with open(os.path.join(OUT, file), "w", encoding="utf-8") as f:
                f.write(word_html.page(reports[src], tables(reports[src]), flow(reports[src])))
            add(file, src, "Word paste", "<o:p>, &nbsp; padding, mso-list numbering, labels over several <p>")
    if args.only in (None, "outside"):
        with tempfile.TemporaryDirectory() as tmp:
            for src in ["a", "b"]:
                csv_path = os.path.join(OUT, SOURCES[src][0])
                docx = own_export(csv_path, tmp, "docx")
                lo_docx = soffice(docx, "docx:MS Word 2007 XML", tmp)
                shutil.copy(lo_docx, os.path.join(OUT, f"{src}-own-lo.docx"))
                add(f"{src}-own-lo.docx", src, "nianbao → LibreOffice", "the project's Word export saved again")
                if src == "a":
                    pdf = soffice(lo_docx, "pdf", tmp)
                    shutil.copy(pdf, os.path.join(OUT, f"{src}-lo.pdf"))
                    add(f"{src}-lo.pdf", src, "LibreOffice", "PDF of the .docx")
                page = own_export(csv_path, tmp, "html")
                chromium(page, os.path.join(OUT, f"{src}-chromium.pdf"), tmp)
                add(f"{src}-chromium.pdf", src, "Chromium", "print to PDF with its header and footer")
    path = os.path.join(OUT, "manifest.csv")
    old = []
    if args.only and os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            old = [tuple(r) for r in list(csv.reader(f))[1:]]
    names = {m[0] for m in manifest}
    rows = [r for r in old if r[0] not in names] + manifest
    rows.sort()
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["file", "expected", "producer", "layout"])
        w.writerows(rows)


def describe(st, single):
    bits = [{"stroke": "ruled", "fill": "borders as filled bars (WPS)", "none": "no borders",
             "hlines": "horizontal rules only"}[st.borders]]
    bits.append("a run per character" if st.runs == "char" else "a run per line")
    bits.append("embedded TrueType + ToUnicode" if st.font == "ttf" else "CID font through its CMap")
    bits.append(f"labels wrapped at {st.label_chars} characters, numbers centred")
    bits.append("header repeated" if st.repeat_header else "header not repeated")
    if st.header:
        bits.append("running header")
    bits.append({"dash": "「— N —」", "of": "「第N页 共M页」", "none": "no page numbers"}[st.footer])
    if st.heading != "plain":
        bits.append(f"headings: {st.heading}")
    if st.punct == "wps":
        bits.append("punctuation runs in another font, hanging")
    if st.split_para_by_table:
        bits.append(f"a paragraph interrupted by {st.split_para_by_table}")
    if st.title_lines == 2:
        bits.append("two-line title")
    if single:
        bits.append("a single （六） row")
    return "; ".join(bits)


if __name__ == "__main__":
    main()
