#!/usr/bin/env python3
"""The word list the PDF's title breaking loads (assets/jieba-title-dict.txt).

Usage: scripts/make-title-dict.py JIEBA_DICT > assets/jieba-title-dict.txt
JIEBA_DICT is jieba's dict.txt (`word freq tag` per line; MIT licence), e.g. the one in the
jieba-rs crate: ~/.cargo/registry/src/*/jieba-rs-0.11.0/src/data/dict.txt.

Titles are unit names and 「…年政府信息公开工作年度报告」: common words and names of places and
organisations. Kept: every word of frequency ≥ 20, every place (ns) and organisation (nt)
name whatever its frequency (黔西南 has 16), and compound nouns of four or more characters
(人力资源 and 生态环境 have 3: without them a title could break 人力/资源); left out: rare short
words and person names. 137,000 of 349,000 entries, so that loading the segmenter costs well
under half the full list's time on every command-line export whose title needs breaking.
"""
import sys

for line in open(sys.argv[1], encoding='utf-8'):
    parts = line.split()
    if len(parts) < 2:
        continue
    tag = parts[2] if len(parts) > 2 else ''
    word, freq = parts[0], int(parts[1])
    if freq >= 20 or tag in ('ns', 'nt') or (len(word) >= 4 and tag in ('n', 'vn', 'nz', 'l', 'j')):
        sys.stdout.write(' '.join(parts) + '\n')
