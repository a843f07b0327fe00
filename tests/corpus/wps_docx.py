"""A .docx laid out the way WPS users' files often are: the section headings are paragraph styles
numbered by Word list numbering (the 「一、」 and 「（一）」 are not typed, they come from
numbering.xml), the title sits in a frame, table 三 is inside a text box anchored in the middle of
a paragraph (with its VML fallback copy, as Word and WPS write both), table 四 is a floating
table (w:tblpPr), body paragraphs indent their first line by two characters."""

import copy

import docx
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt

import make_fixtures as MF
import sources as S

NUMBERING = """
<w:abstractNum {ns} w:abstractNumId="90">
  <w:multiLevelType w:val="multilevel"/>
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/>
    <w:lvlJc w:val="left"/><w:pPr><w:ind w:firstLineChars="200" w:firstLine="640"/></w:pPr></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/>
    <w:lvlJc w:val="left"/><w:pPr><w:ind w:firstLineChars="200" w:firstLine="640"/></w:pPr></w:lvl>
</w:abstractNum>"""

NUM = '<w:num {ns} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'


def numbered_styles(d):
    numbering = d.part.numbering_part.element
    absn = parse_xml(NUMBERING.format(ns=nsdecls("w")))
    # abstractNum elements come before num elements.
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(absn)
    else:
        numbering.append(absn)
    numbering.append(parse_xml(NUM.format(ns=nsdecls("w"))))
    for name, lvl in [("Heading 1", 0), ("Heading 2", 1)]:
        st = d.styles[name]
        ppr = st.element.get_or_add_pPr()
        ppr.append(parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{lvl}"/><w:numId w:val="90"/></w:numPr>'))
        st.font.size = Pt(16)


def fill_table(d, rows, ncols):
    t = d.add_table(rows=len(rows), cols=ncols)
    t.style = "Table Grid"
    for r, col, c in MF.place(rows):
        cell = t.cell(r, col)
        if c.rs > 1 or c.cs > 1:
            cell = cell.merge(t.cell(r + c.rs - 1, col + c.cs - 1))
        cell.text = c.text
    return t


def text_box(tbl):
    """A run holding a text box with the table inside, and the VML fallback holding a copy."""
    ns = (nsdecls("w", "wp", "a") + ' xmlns:v="urn:schemas-microsoft-com:vml"'
          ' xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
          ' xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"')
    run = parse_xml(f"""<w:r {ns}><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>
      <wp:anchor distT="0" distB="0" distL="114300" distR="114300" simplePos="0" relativeHeight="2" behindDoc="0"
        locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>
        <wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset></wp:positionH>
        <wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>
        <wp:extent cx="5486400" cy="7315200"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapTopAndBottom/>
        <wp:docPr id="7" name="文本框 7"/><wp:cNvGraphicFramePr/>
        <a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">
          <wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="5486400" cy="7315200"/></a:xfrm>
            <a:prstGeom prst="rect"><a:avLst/></a:prstGeom></wps:spPr>
            <wps:txbx><w:txbxContent/></wps:txbx><wps:bodyPr/></wps:wsp>
        </a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>
      <mc:Fallback><w:pict><v:shape id="文本框 7" type="#_x0000_t202" style="width:432pt;height:576pt">
        <v:textbox><w:txbxContent/></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>""")
    contents = run.findall(".//" + qn("w:txbxContent"))
    contents[0].append(tbl)
    contents[0].append(parse_xml(f"<w:p {nsdecls('w')}/>"))
    contents[1].append(copy.deepcopy(tbl))
    contents[1].append(parse_xml(f"<w:p {nsdecls('w')}/>"))
    return run


def body_para(d, text):
    p = d.add_paragraph(text)
    p.paragraph_format.first_line_indent = Pt(32)
    for r in p.runs:
        r.font.size = Pt(16)
        r.element.get_or_add_rPr().append(
            parse_xml(f'<w:rFonts {nsdecls("w")} w:ascii="仿宋_GB2312" w:eastAsia="仿宋_GB2312" w:hAnsi="仿宋_GB2312"/>'))
    return p


def write(report, tabs, path):
    fmt = report["meta"]["格式"]
    d = docx.Document()
    numbered_styles(d)
    secs = report["sections"]
    # The title in a frame (WPS puts it so when it is centred on its own).
    t = d.add_paragraph(S.title(report))
    t.alignment = 1
    t._p.get_or_add_pPr().append(parse_xml(
        f'<w:framePr {nsdecls("w")} w:w="8300" w:hSpace="180" w:wrap="notBeside" w:vAnchor="text" w:hAnchor="margin" w:xAlign="center" w:y="1"/>'))
    body_para(d, report["opening"])
    ncols = {"t2": 4, "t3": 10, "t4": 15}
    for i, h in enumerate(S.HEADINGS):
        d.add_paragraph(h.split("、", 1)[1], style="Heading 1")
        paras = [p for p in secs.get(h, "").split("\n") if p]
        table = ["t2", "t3", "t4"][i - 1] if i in (1, 2, 3) else None
        for k, p in enumerate(paras):
            if table == "t3" and k == len(paras) - 1:
                # The text box sits in the middle of the paragraph before it.
                half = len(p) // 2
                para = body_para(d, p[:half])
                tbl = fill_table(d, tabs["t3"], ncols["t3"])._tbl
                tbl.getparent().remove(tbl)
                para._p.append(text_box(tbl))
                r = para.add_run(p[half:])
                r.font.size = Pt(16)
                table = None
            else:
                body_para(d, p)
        if fmt == "gb2021" and i == 0:
            for sub in S.SUBS_2021:
                d.add_paragraph(sub.split("）", 1)[1], style="Heading 2")
                for p in filter(None, secs.get(f"{h}/{sub}", "").split("\n")):
                    body_para(d, p)
        if table:
            tb = fill_table(d, tabs[table], ncols[table])
            if table == "t4":
                tb._tbl.tblPr.append(parse_xml(
                    f'<w:tblpPr {nsdecls("w")} w:leftFromText="180" w:rightFromText="180" w:vertAnchor="text" w:tblpY="150"/>'))
    s = d.add_paragraph(report["meta"]["落款名称"])
    s.alignment = 2
    s = d.add_paragraph(S.sign_date(report))
    s.alignment = 2
    d.core_properties.title = S.title(report)
    d.save(path)
