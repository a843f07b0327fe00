"""A CMS page as Word pastes a report into it: every paragraph a <p class=MsoNormal> ending in
<o:p></o:p>, first-line indents typed as &nbsp; padding, headings numbered by Word's list
numbering (the 「一、」 inside <![if !supportLists]> and an mso-list:Ignore span), table cells
padded with &nbsp;, row labels Word wrapped by hand over several <p>s in one cell, empty
<o:p>&nbsp;</o:p> paragraphs between sections, and the site's chrome around it."""

import html

import sources as S

SPAN = "<span style='font-size:16.0pt;font-family:仿宋_GB2312;mso-hansi-font-family:\"Times New Roman\"'>"
NUM = "<span lang=EN-US style='font-size:16.0pt;font-family:\"Times New Roman\"'>"


def runs(text):
    """Word's runs: digits in their own EN-US spans, the rest in 仿宋 spans."""
    out, cur, digit = [], "", None
    for ch in text:
        d = ch.isascii() and ch.isalnum()
        if digit is not None and d != digit:
            out.append((NUM if digit else SPAN) + html.escape(cur) + "</span>")
            cur = ""
        cur += ch
        digit = d
    if cur:
        out.append((NUM if digit else SPAN) + html.escape(cur) + "</span>")
    return "".join(out)


def para(text):
    return (f"<p class=MsoNormal style='text-indent:32.0pt;mso-char-indent-count:2.0;line-height:28.0pt'>"
            f"{SPAN}&nbsp;&nbsp;&nbsp;&nbsp;</span>{runs(text)}<o:p></o:p></p>")


def listed(text, level):
    """A heading numbered by Word's list numbering: the number is in an mso-list:Ignore span."""
    if level == 1:
        num, rest = text.split("、", 1)
        num += "、"
    else:
        num, rest = text.split("）", 1)
        num += "）"
    return (f"<p class=MsoListParagraph style='margin-left:0cm;text-indent:32.0pt;mso-list:l0 level{level} lfo1'>"
            f"<![if !supportLists]><span style='font-size:16.0pt;font-family:黑体;mso-bidi-font-family:黑体'>"
            f"<span style='mso-list:Ignore'>{html.escape(num)}<span style='font:7.0pt \"Times New Roman\"'>"
            f"&nbsp;&nbsp;&nbsp; </span></span></span><![endif]>{runs(rest)}<o:p></o:p></p>")


def cell_html(text, label_width=8):
    if not text:
        return "<p class=MsoNormal align=center style='text-align:center'><span lang=EN-US>&nbsp;<o:p></o:p></span></p>"
    if text.replace(".", "").replace("+", "").replace("-", "").replace("万元", "").isdigit():
        return (f"<p class=MsoNormal align=center style='text-align:center'><span lang=EN-US>&nbsp;{html.escape(text)}"
                f"&nbsp;<o:p></o:p></span></p>")
    # A long label wrapped by hand: one <p> per line.
    parts = [text[i:i + label_width] for i in range(0, len(text), label_width)]
    return "".join(f"<p class=MsoNormal align=left style='text-align:left'><span style='font-size:10.5pt'>"
                   f"{html.escape(p)}<o:p></o:p></span></p>" for p in parts)


def table(rows):
    s = ["<div align=center><table class=MsoNormalTable border=1 cellspacing=0 cellpadding=0 "
         "style='border-collapse:collapse;border:none;mso-border-alt:solid windowtext .5pt'>"]
    for i, row in enumerate(rows):
        s.append(f"<tr style='mso-yfti-irow:{i};height:20.0pt'>")
        for c in row:
            attrs = (f" rowspan={c.rs}" if c.rs > 1 else "") + (f" colspan={c.cs}" if c.cs > 1 else "")
            s.append(f"<td{attrs} valign=center style='border:solid windowtext 1.0pt;padding:0cm 5.4pt 0cm 5.4pt'>"
                     f"{cell_html(c.text)}</td>")
        s.append("</tr>")
    s.append("</table></div>")
    return "\n".join(s)


def page(report, tabs, flow):
    out = []
    for kind, text in flow:
        if kind == "title":
            out.append(f"<p class=MsoNormal align=center style='text-align:center'><b>"
                       f"<span style='font-size:22.0pt;font-family:方正小标宋简体'>{html.escape(text)}</span></b><o:p></o:p></p>")
            out.append("<p class=MsoNormal><span lang=EN-US><o:p>&nbsp;</o:p></span></p>")
        elif kind == "para":
            out.append(para(text))
        elif kind == "h1":
            out.append("<p class=MsoNormal><span lang=EN-US><o:p>&nbsp;</o:p></span></p>")
            out.append(listed(text, 1))
        elif kind == "h2":
            out.append(listed(text, 2))
        elif kind == "table":
            out.append(table(tabs[text]))
        elif kind == "sign":
            out.append("<p class=MsoNormal><span lang=EN-US><o:p>&nbsp;</o:p></span></p>")
            out.append(f"<p class=MsoNormal align=right style='text-align:right'>{runs(text)}<o:p></o:p></p>")
        elif kind == "date":
            out.append(f"<p class=MsoNormal align=right style='text-align:right'>{runs(text)}<o:p></o:p></p>")
    t = html.escape(S.title(report))
    return f"""<!DOCTYPE html>
<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"
xmlns:w="urn:schemas-microsoft-com:office:word"><head><meta charset="utf-8"><title>{t}_兴义市人民政府</title>
<style>p.MsoNormal{{margin:0cm;text-align:justify;font-size:10.5pt}}
@list l0:level1 {{mso-level-number-format:chinese-counting;mso-level-text:%1、}}</style></head>
<body><div class="top"><a href="/">首页</a> <a>政务公开</a> <a>政务服务</a> <a>互动交流</a></div>
<div class="crumb">当前位置：首页 &gt; 政府信息公开 &gt; 政府信息公开年报</div>
<div class="con"><h1>{t}</h1>
<div class="meta">发布时间：{report["meta"]["落款日期"]}　来源：{html.escape(report["meta"]["机关全称"])}　字号：[大 中 小]</div>
<div class=WordSection1 style='layout-grid:15.6pt'>
{chr(10).join(out)}
</div>
<div class="tools">【打印本页】【关闭窗口】</div></div>
<div class="foot">主办：兴义市人民政府办公室　版权所有　网站标识码：5223010001　黔ICP备05000000号</div>
</body></html>
"""
