#!/usr/bin/env python3
"""Extracts the matching benchmark's text from the ../shared/bench corpus (stdlib only).

Usage: extract_corpus_text.py CORPUS_DIR OUT_FILE

For every item (RSS <item>, Atom <entry>) of every *.xml file: its title and its plain summary
(RSS description / RSS 1.0 description / Atom summary, falling back to content when absent),
HTML tags removed, entities decoded, whitespace collapsed. Writes one record per item:
title 0x1F summary 0x1E. Prints the item count and the text size in bytes.
"""
import glob
import html
import os
import re
import sys
import xml.etree.ElementTree as ET

TAG = re.compile(r"<[^>]*>")
SPACE = re.compile(r"\s+")


def plain(s):
    if not s:
        return ""
    s = TAG.sub(" ", s)
    s = html.unescape(s)
    return SPACE.sub(" ", s).strip()


def local(tag):
    return tag.rsplit("}", 1)[-1]


def items_of(root):
    for el in root.iter():
        if local(el.tag) in ("item", "entry"):
            title, summary, content = "", "", ""
            for child in el:
                name = local(child.tag)
                text = "".join(child.itertext()) if len(child) else (child.text or "")
                if name == "title":
                    title = text
                elif name in ("description", "summary"):
                    summary = text
                elif name in ("content", "encoded") and not content:
                    content = text
            yield plain(title), plain(summary or content)


def main():
    src, out = sys.argv[1], sys.argv[2]
    n = size = 0
    with open(out, "w", encoding="utf-8") as f:
        for path in sorted(glob.glob(os.path.join(src, "*.xml"))):
            try:
                root = ET.parse(path).getroot()
            except ET.ParseError:
                continue
            for title, summary in items_of(root):
                rec = title.replace("\x1e", " ").replace("\x1f", " ") + "\x1f" + summary.replace("\x1e", " ") + "\x1e"
                f.write(rec)
                n += 1
                size += len(title.encode()) + len(summary.encode())
    print(f"items={n} text_bytes={size}")


if __name__ == "__main__":
    main()
