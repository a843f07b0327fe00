"""The reports the corpus is made of: real texts (the seed report's, tests/fixtures/seed-2019.csv)
with figures that are non-zero and distinct in every input cell, so that a value read into the
neighbouring column or row is caught.

A report here is a dict: meta (format, year, unit, signature, date, phone), cells
{(table, row path, column): text} with totals computed, sections {heading path: text} and the
opening paragraph. `write_csv` writes it as the project's long CSV, which is what the tests read
as the expected report.
"""

import csv
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.join(os.path.dirname(HERE), "fixtures")

T3_COLS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
DENY = ["1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益",
        "5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷", "8.属于行政查询事项"]
UNABLE = ["1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确"]
REJECT = ["1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请",
          "5.要求行政机关确认或重新出具已获取信息"]
OTHER_2021 = ["1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
              "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "3.其他"]
PARTIAL = "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
T4_GROUPS = ["行政复议", "未经复议直接起诉", "复议后起诉"]
T4_COLS = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
HEADINGS = ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
SUBS_2021 = ["（一）主动公开", "（二）依申请公开", "（三）政府信息管理", "（四）政府信息公开平台建设", "（五）监督保障"]


def result_rows(fmt):
    """表三's result rows as (group or None, label), in print order, without the total."""
    rows = [(None, "（一）予以公开"), (None, PARTIAL)]
    rows += [("（三）不予公开", l) for l in DENY]
    rows += [("（四）无法提供", l) for l in UNABLE]
    rows += [("（五）不予处理", l) for l in REJECT]
    if fmt == "gb2021":
        rows += [("（六）其他处理", l) for l in OTHER_2021]
    else:
        rows += [(None, "（六）其他处理")]
    return rows


def path(group, label):
    return f"{group}/{label}" if group else label


def seed_sections():
    out = {}
    with open(os.path.join(FIX, "seed-2019.csv"), encoding="utf-8-sig") as f:
        for t, r, _c, v in csv.reader(f):
            if t == "正文":
                out[r] = v
    return out


def full_width(s):
    return s.replace(",", "，").replace(":", "：").replace("(", "（").replace(")", "）")


class Pool:
    """Distinct numbers: each input cell its own figure."""

    def __init__(self, seed):
        self.rnd = random.Random(seed)
        self.used = set()

    def take(self, lo, hi):
        for _ in range(100_000):
            n = self.rnd.randint(lo, hi)
            if n not in self.used:
                self.used.add(n)
                return n
        raise ValueError(f"no distinct number left in {lo}..{hi}")


def figures(fmt, seed, other="distinct"):
    """Cells of 表二/三/四 with distinct non-zero inputs and their totals (表三 balances:
    新收 + 上年结转 = 总计 + 结转下年度 in every column). `other`: "distinct"; "three" (a single
    printed （六） row holding 3.其他's figures, 1. and 2. zero); "zero" (all （六） rows zero)."""
    pool = Pool(seed)
    cells = {}
    cols = T3_COLS[:6]
    if fmt == "gb2021":
        cells.update({
            ("表二", "规章", "本年制发件数"): pool.take(2, 9),
            ("表二", "规章", "本年废止件数"): pool.take(2, 9),
            ("表二", "规章", "现行有效件数"): pool.take(40, 180),
            ("表二", "行政规范性文件", "本年制发件数"): pool.take(10, 39),
            ("表二", "行政规范性文件", "本年废止件数"): pool.take(10, 39),
            ("表二", "行政规范性文件", "现行有效件数"): pool.take(181, 400),
            ("表二", "行政许可", "本年处理决定数量"): pool.take(1000, 9999),
            ("表二", "行政处罚", "本年处理决定数量"): pool.take(10000, 99999),
            ("表二", "行政强制", "本年处理决定数量"): pool.take(401, 999),
        })
        cells[("表二", "行政事业性收费", "本年收费金额（单位：万元）")] = "137.52"
    else:
        for r in ["规章", "规范性文件"]:
            for c in ["本年新制作数量", "本年新公开数量", "对外公开总数量"]:
                cells[("表二", r, c)] = pool.take(2, 400)
        for r in ["行政许可", "其他对外管理服务事项", "行政处罚", "行政强制"]:
            cells[("表二", r, "上一年项目数量")] = pool.take(2, 400)
            cells[("表二", r, "本年增/减")] = f"+{pool.take(2, 400)}" if r != "行政强制" else f"-{pool.take(2, 40)}"
            cells[("表二", r, "处理决定数量")] = pool.take(401, 9999)
        cells[("表二", "行政事业性收费", "上一年项目数量")] = pool.take(2, 400)
        cells[("表二", "行政事业性收费", "本年增/减")] = f"-{pool.take(2, 40)}"
        cells[("表二", "政府集中采购", "采购项目数量")] = pool.take(2, 400)
        cells[("表二", "政府集中采购", "采购总金额")] = "286.4"
    results = result_rows(fmt)
    totals = {c: 0 for c in cols}
    for g, l in results:
        for c in cols:
            if g == "（六）其他处理" and (other == "zero" or other == "three" and not l.startswith("3.")):
                n = 0
            elif l == "（一）予以公开":
                n = pool.take(401, 999)
            else:
                n = pool.take(1, 400)
            cells[("表三", path(g, l), c)] = n
            totals[c] += n
    for c in cols:
        cells[("表三", "（七）总计", c)] = totals[c]
        carry_in = pool.take(1, 400)
        carry_out = pool.take(1, 400)
        cells[("表三", "二、上年结转政府信息公开申请数量", c)] = carry_in
        cells[("表三", "四、结转下年度继续办理", c)] = carry_out
        new = totals[c] + carry_out - carry_in
        while new in pool.used or new <= 0:
            # Keep every 新收 figure distinct too: move one unit between 予以公开 and the total.
            cells[("表三", "（一）予以公开", c)] += 1
            cells[("表三", "（七）总计", c)] += 1
            totals[c] += 1
            new += 1
        pool.used.add(new)
        cells[("表三", "一、本年新收政府信息公开申请数量", c)] = new
    rows = ["一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量"] + [path(g, l) for g, l in results] + [
        "（七）总计", "四、结转下年度继续办理"]
    for r in rows:
        cells[("表三", r, "总计")] = sum(cells[("表三", r, c)] for c in cols)
    for g in T4_GROUPS:
        for c in T4_COLS[:4]:
            cells[("表四", g, c)] = pool.take(1, 80)
        cells[("表四", g, "总计")] = sum(cells[("表四", g, c)] for c in T4_COLS[:4])
    return {k: str(v) for k, v in cells.items()}


def report_a(other="distinct"):
    """GB2021: the seed's texts set out under the 2021 format's sub-sections, full-width
    punctuation, figures in the text."""
    s = {k: full_width(v.replace("2019", "2021")) for k, v in seed_sections().items()}
    s1 = s["一、总体情况"].split("\n")
    s2 = s["二、主动公开政府信息情况"].split("\n")
    opening = s1[0]
    sections = {
        "一、总体情况": s1[1],
        "一、总体情况/（一）主动公开": s1[3] + "\n" + s2[2].replace("信息98黔西南日报》", "信息98篇，《黔西南日报》"),
        "一、总体情况/（二）依申请公开": "严格按照《条例》规定的程序和时限办理政府信息公开申请，规范答复文书格式，做到依法依规、及时准确答复。"
        "对申请人提出的问题逐一核实，需要补正的及时告知，确保答复内容准确、依据充分，切实保障申请人的合法权益。",
        "一、总体情况/（三）政府信息管理": s1[5] + "\n" + s1[7],
        "一、总体情况/（四）政府信息公开平台建设": s1[13] + "\n" + s2[5],
        "一、总体情况/（五）监督保障": s1[15] + "\n" + s1[17],
        "二、主动公开政府信息情况": s2[0] + "。",
        "三、收到和处理政府信息公开申请情况": "2021年，市应急局依法受理和办理政府信息公开申请，办理情况见下表。",
        "四、政府信息公开行政复议、行政诉讼情况": "因政府信息公开引起的行政复议、行政诉讼情况见下表。",
        "五、存在的主要问题及改进情况": s["五、存在的主要问题及改进情况"],
        "六、其他需要报告的事项": "依据《政府信息公开信息处理费管理办法》，本年度未发出收费通知，未收取信息处理费。"
        "本机关2021年度政务公开工作要点落实情况已在门户网站专栏公开。",
    }
    meta = {"格式": "gb2021", "年度": "2021", "机关全称": "兴义市应急管理局", "落款名称": "兴义市应急管理局",
            "落款日期": "2022-01-18", "联系电话": "0859-3229766"}
    seed = {"distinct": 2021, "three": 2022, "zero": 2023}[other]
    opening += "本报告中所列数据的统计期限自2021年1月1日起至2021年12月31日止。"
    return {"meta": meta, "cells": figures("gb2021", seed, other), "sections": sections, "opening": opening}


def report_b():
    """GB2019: the seed report itself, its figures made distinct."""
    s = seed_sections()
    s["三、收到和处理政府信息公开申请情况"] = s["三、收到和处理政府信息公开申请情况"].replace(
        "2019年,我单位未收到政府信息公开申请要求。按照《保密法》等有关规定,对不予公开的信息不受理政府信息公开申请,本年度未收到不予公开的政府信息公开申请要求。",
        "2019年,我单位按照《保密法》等有关规定,对申请公开的信息逐件审查,依法作出答复。")
    s["四、政府信息公开行政复议、行政诉讼情况"] = "2019年,市应急局对形成的政府信息实现了依法、有序公开,因政府信息公开引起的行政复议、行政诉讼情况见下表。"
    s2 = s["二、主动公开政府信息情况"].split("\n")
    s2[0] += "。"
    s["二、主动公开政府信息情况"] = "\n".join(s2)
    s1 = s["一、总体情况"].split("\n")
    opening = s1[0]
    s["一、总体情况"] = "\n".join(s1[1:])
    meta = {"格式": "gb2019", "年度": "2019", "机关全称": "兴义市应急管理局", "落款名称": "兴义市应急管理局",
            "落款日期": "2020-01-19", "联系电话": "0859-3229766"}
    return {"meta": meta, "cells": figures("gb2019", 2019), "sections": s, "opening": opening}


def write_csv(report, path_):
    with open(path_, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["表", "行", "列", "值"])
        for k, v in report["meta"].items():
            w.writerow(["基本信息", k, "", v])
        opening = report["opening"].replace("\\", "\\\\").replace('"', '\\"')
        w.writerow(["基本信息", "打印选项", "", f'(opening: Start, opening_text: Some("{opening}"))'])
        for (t, r, c), v in report["cells"].items():
            w.writerow([t, r, c, v])
        for k, v in report["sections"].items():
            w.writerow(["正文", k, "", v])


def title(report):
    m = report["meta"]
    return f"{m['机关全称']}{m['年度']}年政府信息公开工作年度报告"


def sign_date(report):
    y, mo, d = (int(x) for x in report["meta"]["落款日期"].split("-"))
    return f"{y}年{mo}月{d}日"
