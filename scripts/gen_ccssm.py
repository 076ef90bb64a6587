#!/usr/bin/env python3
"""Rebuilds the structural part of edbridge's CCSS-M catalog from the Achieve
the Core coherence-map extract in ../shared/data/ccssm.

Writes (relative to the repository root):
  data/ccssm/standards.tsv  code, emphasis, family description
  data/ccssm/links.tsv      from, to, kind (arrow | nondirectional)

The family descriptions are OUR wording and are never generated: they are
kept from the existing data/ccssm/standards.tsv, and `--descriptions FILE`
(lines `code<TAB>description`) adds or replaces some. The official standard
text of the source is never written out.

usage: scripts/gen_ccssm.py [--src DIR] [--descriptions FILE ...]
"""
import argparse
import csv
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "data", "ccssm")


def read_tsv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def nocluster_key(code):
    """3.NF.A.3a -> 3.NF.3a ; N-RN.A.1 -> N-RN.1 ; clusters and MP -> None."""
    m = re.fullmatch(r"([^.]+)\.([^.]+)\.[A-Z]\.(\d+[a-z]?)", code)
    if m:
        return f"{m.group(1)}.{m.group(2)}.{m.group(3)}"
    return None


def old_to_keys(old, by_key):
    """Maps one coherence-map code (0.CC.4.c||to 10, 0.G.1,2, 3.OA.1,2;4.OA.1,2,
    0.OA;1.OA;2.OA) to the list of catalog codes it names."""
    old = old.split("||", 1)[0].strip()
    out = []
    for part in old.split(";"):
        toks = part.split(".")
        grade = "K" if toks[0] == "0" else toks[0]
        dom = toks[1]
        if len(toks) == 2:  # a whole domain: every standard of it
            pre = f"{grade}.{dom}."
            out += [c for c in by_key.values()
                    if c.startswith(pre) and re.fullmatch(r"[^.]+\.[^.]+\.[A-Z]\.\d+", c)]
            continue
        nums = toks[2].split(",")
        subs = toks[3].split(",") if len(toks) > 3 else [""]
        for n in nums:
            for s in subs:
                key = f"{grade}.{dom}.{n}{s}"
                if key not in by_key:
                    sys.exit(f"gen_ccssm: {old}: no standard {key}")
                out.append(by_key[key])
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--src", default=os.path.join(ROOT, "..", "shared", "data", "ccssm"))
    ap.add_argument("--descriptions", nargs="*", default=[])
    a = ap.parse_args()

    rows = read_tsv(os.path.join(a.src, "standards.tsv"))[1:]
    desc = {}
    mine = os.path.join(OUT, "standards.tsv")
    if os.path.exists(mine):
        for r in read_tsv(mine)[1:]:
            if len(r) >= 3 and r[2]:
                desc[r[0]] = r[2]
    for path in a.descriptions:
        for r in read_tsv(path):
            if len(r) >= 2 and r[0] and not r[0].startswith("#"):
                desc[r[0].strip()] = r[1].strip()
    codes = [r[0] for r in rows]
    unknown = sorted(set(desc) - set(codes))
    if unknown:
        sys.exit(f"gen_ccssm: descriptions for unknown codes: {unknown[:10]}")
    with open(mine, "w", encoding="utf-8", newline="") as f:
        f.write("code\temphasis\tdescription\n")
        for code, emph, _official in rows:
            f.write(f"{code}\t{emph}\t{desc.get(code, '')}\n")

    by_key = {}
    for c in codes:
        k = nocluster_key(c)
        if k:
            by_key[k] = c
    links, seen, selfs, dups = [], set(), 0, 0
    for fr, to, kind in read_tsv(os.path.join(a.src, "progressions.tsv"))[1:]:
        k = {"Arrow": "arrow", "Nondirectional link": "nondirectional"}[kind]
        for f_ in old_to_keys(fr, by_key):
            for t in old_to_keys(to, by_key):
                if f_ == t:
                    selfs += 1
                    continue
                key = (f_, t) if k == "arrow" else tuple(sorted((f_, t)))
                if (key, k) in seen:
                    dups += 1
                    continue
                seen.add((key, k))
                links.append((f_, t, k))
    with open(os.path.join(OUT, "links.tsv"), "w", encoding="utf-8", newline="") as f:
        f.write("from\tto\tkind\n")
        for l in links:
            f.write("\t".join(l) + "\n")
    missing = sum(1 for c in codes if c not in desc)
    print(f"standards: {len(codes)} rows, {missing} without a description; "
          f"links: {len(links)} ({sum(l[2] == 'arrow' for l in links)} arrow), "
          f"{selfs} self-links dropped, {dups} duplicates merged")


if __name__ == "__main__":
    main()
