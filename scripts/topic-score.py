#!/usr/bin/env python3
"""Scores the default topics (or any topics file) on a labelled corpus such as realnews-dev, per year.

Runs the built binary, `newswatch match --config CFG --json FILE...` (one JSON line per item in document order,
CONTRACT §3), joins its lines with labels.jsonl on (file, index), skips borderline items and topics missing from
an item's labels, and prints tp/fp/fn/precision/recall/F1 per topic for each year asked for (by the year in the
feed file's name), with --misses the false negatives and false positives, their titles and the matched terms.
A development aid for tuning queries by hand (see `newswatch eval` for the command editors use); not a test.

    scripts/topic-score.py --years 2024 --misses
    scripts/topic-score.py --years 2025 --topics Config/default-topics.toml --bin .build/debug/newswatch
"""
import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--topics", default=os.path.join(ROOT, "Config/default-topics.toml"))
    ap.add_argument("--bin", default=os.path.join(ROOT, ".build/debug/newswatch"))
    ap.add_argument("--corpus", default=os.path.join(ROOT, "../shared/corpora/realnews-dev"))
    ap.add_argument("--years", default="2024", help="comma-separated years, each scored separately")
    ap.add_argument("--topic", help="only this topic")
    ap.add_argument("--misses", action="store_true", help="list false negatives and false positives")
    a = ap.parse_args()

    labels = [json.loads(line) for line in open(os.path.join(a.corpus, "labels.jsonl"), encoding="utf-8")]
    years = a.years.split(",")
    in_year = lambda f, y: f"-{y}-" in os.path.basename(f)
    files = sorted({l["file"] for l in labels if any(in_year(l["file"], y) for y in years)})

    with tempfile.TemporaryDirectory() as tmp:
        config = os.path.join(tmp, "topics.toml")
        with open(config, "w", encoding="utf-8") as out:
            out.write(f'[daemon]\nstate_dir = "{tmp}"\n\n' + open(a.topics, encoding="utf-8").read())
        run = subprocess.run(
            [a.bin, "match", "--config", config, "--json"] + [os.path.join(a.corpus, f) for f in files],
            capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(run.stderr)
    lines = [json.loads(line) for line in run.stdout.splitlines() if line.strip()]

    # labels.jsonl has one line per item of every file, so the counts per file split the output.
    per_file = collections.Counter(l["file"] for l in labels)
    result, at = {}, 0
    for f in files:
        for i in range(per_file[f]):
            result[(f, i)] = lines[at]
            at += 1
    if at != len(lines):
        sys.exit(f"the binary printed {len(lines)} items, the labels have {at}")

    topics = sorted({t for l in labels for t in l["topics"]})
    for y in years:
        for t in topics:
            if a.topic and t != a.topic:
                continue
            tp = fp = fn = 0
            misses = []
            for l in labels:
                if not in_year(l["file"], y) or l.get("borderline") or t not in l["topics"]:
                    continue
                r = result[(l["file"], l["index"])]
                matched = [m for m in r["topics"] if m["id"] == t]
                got, want = bool(matched), l["topics"][t]
                if got and want:
                    tp += 1
                elif got:
                    fp += 1
                    misses.append(("FP", l, r, matched))
                elif want:
                    fn += 1
                    misses.append(("FN", l, r, matched))
            p = tp / (tp + fp) if tp + fp else 0.0
            rc = tp / (tp + fn) if tp + fn else 0.0
            f1 = 2 * p * rc / (p + rc) if p + rc else 0.0
            print(f"{y} {t:10s} positives={tp + fn:3d} tp={tp:3d} fp={fp:3d} fn={fn:3d} "
                  f"precision={p:.3f} recall={rc:.3f} F1={f1:.3f}")
            if a.misses:
                for kind, l, r, matched in misses:
                    terms = matched[0]["terms"] if matched else []
                    print(f"   {kind} {os.path.basename(l['file'])}#{l['index']} {r['title']!r} terms={terms}")


if __name__ == "__main__":
    main()
