#!/usr/bin/env python3
"""Issue 18's ship rule, applied: a candidate ships only if it is at least as good as the shipped
model on every validation figure that both can be measured on.

    python scripts/ship_rule.py --reference runs/eval5/v030.json \\
        runs/det7/metrics.step*.json runs/det7/metrics.json

Inputs are evaluate_slices.py's JSON ({name: figures}; train.py --eval-every writes one per kept
step) or train.py's --metrics report (its "slices" entry). Per slice the figures compared are
image-level person and vehicle recall and precision (where the slice has positive images), the
false-alert rate on frames without people or vehicles (lower is better) and box AP50 per class;
then box AP50 per class over all real images and over the composites (synthetic). Both models are
taken under the same threshold rule (--rule recall: train.py's recall >= 0.95 rule; --rule budget:
the false-alert budget rule, where the files have it).

Prints, per candidate, every figure where it is worse than the reference, then a ranking: fewest
figures worse, then the largest summed box AP50 gain. Exits 0 if some candidate passes, else 1.
Where the candidate's file carries evaluate_slices.py --bootstrap intervals measured against the
same reference, each worse figure says whether its difference is beyond chance on these few
images; the verdict itself stays the issue's: no figure worse.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

CLASSES = ("person", "vehicle", "animal")
# Which split's figures are compared: "val" (the ship decision) or "calibration" (to choose among
# candidates without looking at the validation split, --split calibration).
SPLIT = "val"


def entries(path, rule):
    """[(name, figures)] of the file's models under `rule` ('recall' or 'budget')."""
    data = json.load(open(path))
    if "slices" in data:  # train.py's --metrics report: one model, the recall rule
        label = os.path.join(os.path.basename(os.path.dirname(os.path.abspath(path))),
                             os.path.splitext(os.path.basename(path))[0])
        return [(label, data["slices"])] if rule == "recall" else []
    run = os.path.basename(os.path.dirname(os.path.abspath(path)))
    return [(f"{run}/{name}", figures) for name, figures in data.items()
            if "(shipped thresholds)" not in name and ("(false-alert budget" in name) == (rule == "budget")]


def figures(report):
    """{label: (value, higher_is_better)} of one model's figures on the compared split (SPLIT)."""
    out = {}
    for kind, e in report[SPLIT].items():
        if kind == "all":
            for key in ("box_ap50", "box_ap50_composite"):
                for c in CLASSES:
                    v = e.get(key, {}).get(c)
                    if v is not None:
                        out[f"all: {key} {c}"] = (v, True)
            continue
        for cls in ("person", "vehicle"):
            m = e.get(cls)
            if m and m.get("recall") is not None:
                out[f"{kind}: {cls} recall"] = (m["recall"], True)
                out[f"{kind}: {cls} precision"] = (m["precision"] or 0.0, True)
        fa = e.get("false_alerts")
        if fa and fa.get("images"):
            out[f"{kind}: false-alert rate"] = (fa["rate"], False)
        for c in CLASSES:
            v = (e.get("box_ap50") or {}).get(c)
            if v is not None:
                out[f"{kind}: box AP50 {c}"] = (v, True)
    return out


def bootstrap_intervals(candidate, ref_name):
    """{figure: [lo, hi]}: evaluate_slices.py --bootstrap's 90% intervals of the candidate's
    difference from the reference (above 0 is better), when they were measured against the
    model named `ref_name` (its name in either file); else {}."""
    b = candidate.get("bootstrap") or {}
    if b.get("reference") not in (ref_name, ref_name.split("/", 1)[-1]):
        return {}
    return b.get("intervals") or {}


def compare(reference, candidate, tolerance=1e-9):
    """(worse, better, ap_gain): figures where `candidate` is worse or better than `reference`,
    each as (label, reference value, candidate value), and the summed box AP50 difference."""
    ref, cand = figures(reference), figures(candidate)
    worse, better, ap_gain = [], [], 0.0
    for label, (r, higher) in ref.items():
        if label not in cand:
            continue
        c = cand[label][0]
        delta = (c - r) if higher else (r - c)
        if "box AP50" in label or "box_ap50" in label:
            ap_gain += c - r
        if delta < -tolerance:
            worse.append((label, r, c))
        elif delta > tolerance:
            better.append((label, r, c))
    return worse, better, ap_gain


def table(models):
    """The model card's side-by-side table of the headline figures, [(name, figures)] in order."""
    def num(x):
        return "–" if x is None else f"{x:.3f}"

    def val(m, kind):
        return m[SPLIT].get(kind) or {}

    def found(m, kind, cls):
        b = (val(m, kind).get("box_recall") or {}).get(cls)
        return "–" if not b or not b["boxes"] else f"{b['found']}/{b['boxes']}"

    def recall_precision(m, kind, cls):
        e = val(m, kind).get(cls) or {}
        return f"{num(e.get('recall'))}/{num(e.get('precision'))}"

    def alerts(m, kind):
        fa = val(m, kind).get("false_alerts") or {}
        return f"{fa.get('false_alerts', 0)}/{fa.get('images', 0)}"

    def ap(m, kind, classes):
        return ", ".join(num((val(m, kind).get("box_ap50") or {}).get(c)) for c in classes)

    rows = [
        ("thresholds person, vehicle, animal",
         lambda m: ", ".join(f"{m['thresholds'][c]:.2f}" for c in ("person", "vehicle", "animal"))),
        ("box AP50 person, vehicle, animal (all real images)", lambda m: ap(m, "all", CLASSES)),
        ("thermal drone box AP50 person, vehicle", lambda m: ap(m, "thermal-drone", CLASSES[:2])),
        ("thermal drone recall/precision person; vehicle",
         lambda m: f"{recall_precision(m, 'thermal-drone', 'person')}; "
                   f"{recall_precision(m, 'thermal-drone', 'vehicle')}"),
        ("camera trap, no people: false alerts night IR, day",
         lambda m: f"{alerts(m, 'camera-trap-night')}, {alerts(m, 'camera-trap-day')}"),
        ("camera trap animal AP50 night, day",
         lambda m: f"{ap(m, 'camera-trap-night', ('animal',))}, {ap(m, 'camera-trap-day', ('animal',))}"),
        ("coco person, vehicle boxes found",
         lambda m: f"{found(m, 'coco', 'person')}, {found(m, 'coco', 'vehicle')}"),
        ("coco person image recall; false alerts",
         lambda m: f"{num((val(m, 'coco').get('person') or {}).get('recall'))}; {alerts(m, 'coco')}"),
        ("handheld thermal person boxes found, AP50",
         lambda m: f"{found(m, 'thermal-ground', 'person')}, {ap(m, 'thermal-ground', ('person',))}"),
        ("Open Images vehicle boxes found, image recall",
         lambda m: f"{found(m, 'vehicles-openimages', 'vehicle')}, "
                   f"{num((val(m, 'vehicles-openimages').get('vehicle') or {}).get('recall'))}"),
        ("composites day: person, vehicle boxes found (synthetic)",
         lambda m: f"{found(m, 'composite-day', 'person')}, {found(m, 'composite-day', 'vehicle')}"),
        ("composites night: person, vehicle boxes found (synthetic)",
         lambda m: f"{found(m, 'composite-night', 'person')}, {found(m, 'composite-night', 'vehicle')}"),
        ("boxes per image at the 0.05 floor (below the thresholds)",
         lambda m: f"{m['output']['boxes_per_image']:.1f} ({m['output']['below_threshold_per_image']:.1f})"
         if m.get("output") else "–"),
    ]
    lines = [f"| {'validation' if SPLIT == 'val' else 'calibration'} slice | " + " | ".join(n for n, _ in models) + " |",
             "|---|" + "---|" * len(models)]
    for label, cell in rows:
        lines.append(f"| {label} | " + " | ".join(cell(m) for _, m in models) + " |")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--reference", required=True, help="the shipped model's figures (evaluate_slices.py JSON)")
    ap.add_argument("--reference-name", help="which model in --reference (default: its first under --rule)")
    ap.add_argument("--rule", choices=("recall", "budget"), default="recall")
    ap.add_argument("--table", action="store_true",
                    help="also print the headline figures side by side (markdown)")
    ap.add_argument("--split", choices=("val", "calibration"), default="val",
                    help="compare on the validation split (the ship decision; default) or on the "
                         "calibration split, to choose among candidates (checkpoints, soups) "
                         "without the validation split choosing anything")
    ap.add_argument("candidates", nargs="+", help="candidate figures (JSON files)")
    args = ap.parse_args()
    global SPLIT
    SPLIT = args.split

    refs = entries(args.reference, args.rule)
    if args.reference_name:
        refs = [(n, f) for n, f in refs if args.reference_name in (n, n.split("/", 1)[-1])]
    if not refs:
        raise SystemExit(f"{args.reference}: no model under the {args.rule} rule")
    ref_name, reference = refs[0]
    ranking = []
    for path in args.candidates:
        for name, cand in entries(path, args.rule):
            worse, better, gain = compare(reference, cand)
            ranking.append((len(worse), -gain, name))
            intervals = bootstrap_intervals(cand, ref_name)
            beyond = [w for w in worse if w[0] in intervals and intervals[w[0]][1] < 0]
            noise = (f"; {len(beyond)} of the worse beyond the bootstrap's 90% interval"
                     if intervals and SPLIT == "val" else "")
            print(f"## {name}: {len(worse)} figures worse than {ref_name}, {len(better)} better, "
                  f"box AP50 summed {gain:+.3f}{noise}")
            for label, r, c in worse:
                lo_hi = intervals.get(label) if SPLIT == "val" else None
                note = "" if lo_hi is None else (
                    f"  (difference {lo_hi[0]:+.3f}..{lo_hi[1]:+.3f}: " +
                    ("worse beyond chance)" if lo_hi[1] < 0 else "within chance)"))
                print(f"  worse  {label}: {r:.3f} -> {c:.3f}{note}")
    if args.table:
        print()
        print(table([(ref_name, reference)] + [e for p in args.candidates for e in entries(p, args.rule)]))
    print("\nranking (fewest figures worse, then box AP50 gain):")
    for n_worse, neg_gain, name in sorted(ranking):
        verdict = "ships" if n_worse == 0 else f"{n_worse} worse"
        print(f"  {name}: {verdict}, box AP50 {-neg_gain:+.3f}")
    return 0 if any(n == 0 for n, _, _ in ranking) else 1


if __name__ == "__main__":
    sys.exit(main())
