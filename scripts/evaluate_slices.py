#!/usr/bin/env python3
"""Per-slice validation of detector weights, side by side (issue 18's targets).

    python scripts/evaluate_slices.py --model 0.3.0=Models/lookout-det.safetensors \\
        --model candidate=runs/det1/lookout-det.pt --json runs/eval/slices.json

For each model: thresholds are chosen on the calibration split (train.py's rule: per class the
highest threshold that keeps image-level recall >= 0.95) and the figures are reported on the
validation split, which never chooses anything. A `.safetensors` model is also scored at the
thresholds stored in its graph (`<name>.json`), i.e. as shipped.

Slices (train.py's `kind`): thermal drone (HIT-UAV), camera-trap frames without people or
vehicles by night (infrared, grayscale) and by day, coco ground-level photos, thermal-dogs-people
(palette-inverted; dog-only frames are person negatives), Open Images vehicles (people there are
never boxed, so person figures skip them), and the synthetic composites (synthesize.py: held-out
cut-outs on held-out camera-trap frames, fixed seed). Box AP at IoU 0.5 per class leaves out
detections inside `ignore.csv` regions of their class. Also counted: boxes per image at the 0.05
floor and boxes at confidence >= 0.1 that repeat another class's box (IoU > 0.6).

`--match-shipped` also compares the models where rangers work today: each model's thresholds
are chosen so that person and vehicle each raise no more false alerts on the calibration frames
without people or vehicles than the first model (0.3.0) raises at its shipped thresholds, and
within that the recall rule applies (`ship_rule.py --rule budget --reference-name
"0.3.0 (false-alert budget of 0.3.0 shipped)"` ranks them).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lookout_model import CLASSES, LookoutNet, build  # noqa: E402
import train  # noqa: E402

SLICES = [
    ("thermal-drone", "thermal drone (HIT-UAV)"),
    ("camera-trap-night", "camera trap, night IR, no person/vehicle (Missouri)"),
    ("camera-trap-day", "camera trap, day, no person/vehicle (Missouri)"),
    ("coco", "ground level, colour (coco)"),
    ("thermal-ground", "ground-level thermal (thermal-dogs-people)"),
    ("vehicles-openimages", "ground-level vehicles (Open Images)"),
    ("composite-day", "composite, day (synthetic)"),
    ("composite-night", "composite, night IR (synthetic)"),
]


def load_model(path):
    model = LookoutNet()
    shipped = None
    if path.endswith(".safetensors"):
        train.load_folded(model, path)
        graph = path[: -len(".safetensors")] + ".json"
        if os.path.exists(graph):
            g = json.load(open(graph))
            shipped = g.get("thresholds")
            model.coarse_pass = g.get("coarse_pass")
    else:
        ck = torch.load(path, map_location="cpu", weights_only=False)
        model = build(ck.get("meta"))
        model.load_state_dict(ck["model"])
    return model.eval(), shipped


def run(model, items, cross_iou):
    """[(item, dets)] with dets at the 0.05 floor, after NMS (cross-class rule at `cross_iou`),
    with the model's coarse pass if it has one (train.detect)."""
    return [(it, train.detect(model, it["image"], cross_iou)) for it in items]


def inside_ignore(it, c, d):
    """True where detection `d` of class `c` has its centre in an ignore region of that class."""
    cx, cy = d[2] + d[4] / 2, d[3] + d[5] / 2
    return any(k == c and x <= cx <= x + w and y <= cy <= y + h for k, x, y, w, h in it.get("ignore", []))


def box_ap(per_image):
    scores = {c: [] for c in range(3)}
    n_truth = {c: 0 for c in range(3)}
    for it, dets in per_image:
        for c in range(3):
            gts = [b[1:] for b in it["boxes"] if b[0] == c]
            n_truth[c] += len(gts)
            for d, hit in train.match_boxes(dets, gts, c):
                if hit:
                    scores[c].append((d[1], 1))
                elif not inside_ignore(it, c, d):
                    scores[c].append((d[1], 0))
    return {CLASSES[c]: train.average_precision(scores[c], n_truth[c]) for c in range(3)}


def box_recall(per_image, cls, thr):
    """Share of `cls` truth boxes matched (IoU >= 0.5) by a detection of that class at or above
    `thr`: unlike image-level recall, a hit elsewhere in the frame does not count."""
    c = CLASSES.index(cls)
    found = total = 0
    for it, dets in per_image:
        gts = [b[1:] for b in it["boxes"] if b[0] == c]
        total += len(gts)
        strong = [d for d in dets if d[0] == c and d[1] >= thr]
        found += sum(any(train.box_iou(d[2:], g) >= 0.5 for d in strong) for g in gts)
    return {"found": found, "boxes": total, "recall": found / total if total else None}


def slice_report(per_image, thresholds):
    rep = {}
    for kind, title in SLICES:
        sel = [p for p in per_image if p[0]["kind"] == kind]
        if not sel:
            continue
        entry = {"title": title, "images": len(sel)}
        for cls in ("person", "vehicle"):
            m = train.image_level(sel, cls, thresholds[cls])
            if m["recall"] is not None or m["fp"]:
                entry[cls] = m
        entry["false_alerts"] = train.false_alert_rate(sel, thresholds)
        entry["box_recall"] = {cls: box_recall(sel, cls, thresholds[cls]) for cls in ("person", "vehicle")}
        entry["box_ap50"] = box_ap(sel)
        rep[kind] = entry
    rep["all"] = {"box_ap50": box_ap([p for p in per_image if not p[0]["kind"].startswith("composite")]),
                  "box_ap50_composite": box_ap([p for p in per_image if p[0]["kind"].startswith("composite")])}
    return rep


def output_size(per_image, thresholds):
    n = len(per_image)
    boxes = sum(len(d) for _, d in per_image)
    below = sum(1 for _, ds in per_image for d in ds if d[1] < thresholds[CLASSES[d[0]]])
    dup = total = 0
    for _, ds in per_image:
        strong = [d for d in ds if d[1] >= 0.1]
        total += len(strong)
        for i, d in enumerate(strong):
            dup += any(e[0] != d[0] and e[1] >= d[1] and train.box_iou(e[2:], d[2:]) > train.CROSS_CLASS_IOU
                       for j, e in enumerate(strong) if j != i)
    return {"boxes_per_image": boxes / n, "below_threshold_per_image": below / n,
            "boxes_at_0.1": total, "cross_class_repeats_at_0.1": dup}


def evaluate_model(model, name, calib, val, cross=train.CROSS_CLASS_IOU, shipped=None, path=None,
                   budget=None):
    """{name: figures} (and {name (shipped thresholds): ...} when `shipped` is given): thresholds
    chosen on `calib`, figures on `val`. The per-image detections ride along under
    '_per_image' and '_calibration_per_image' (not written to JSON)."""
    model.eval()
    detections = {"path": path, "_per_image": run(model, val, cross),
                  "_calibration_per_image": run(model, calib, cross)}
    cal = detections["_calibration_per_image"]
    out = {name: at_thresholds(detections, train.choose_thresholds(cal))}
    if budget is not None:
        out[f"{name} (false-alert budget {budget:g})"] = at_thresholds(
            detections, train.choose_thresholds(cal, false_alert_budget=budget))
    if shipped:
        out[name + " (shipped thresholds)"] = at_thresholds(detections, shipped)
    return out


def at_thresholds(result, thresholds):
    """A model's figures at `thresholds`, from the per-image detections `result` carries."""
    per, cal = result["_per_image"], result["_calibration_per_image"]
    return {"path": result["path"], "thresholds": thresholds, "val": slice_report(per, thresholds),
            "calibration": slice_report(cal, thresholds), "output": output_size(per, thresholds),
            "_per_image": per, "_calibration_per_image": cal}


def shipped_false_alerts(result):
    """{class: share}: how often each alerting class fires at the shipped thresholds on the
    calibration frames without people or vehicles (`result` is evaluate_model's shipped entry)."""
    cal = result["_calibration_per_image"]
    return {cls: train.class_false_alert_rate(cal, cls, result["thresholds"][cls])
            for cls in CLASSES if cls != "animal"}


def bootstrap_differences(reference, candidate, resamples, seed=20261206):
    """A paired bootstrap of every figure ship_rule.py compares: validation images are resampled
    with replacement within each slice (the same draw for both models), and per figure the 5th
    and 95th percentiles of (candidate - reference) are returned, signed so that above 0 is
    better (a lower false-alert rate is better). An interval that holds 0 is a difference these
    few images cannot tell from chance."""
    import ship_rule  # noqa: E402 (no torch there)
    ref_per, cand_per = reference["_per_image"], candidate["_per_image"]
    if len(ref_per) != len(cand_per) or any(a[0] is not b[0] for a, b in zip(ref_per, cand_per)):
        raise ValueError("the two models were not run on the same images")
    by_kind = {}
    for i, (it, _) in enumerate(ref_per):
        by_kind.setdefault(it["kind"], []).append(i)
    rng = random.Random(seed)
    deltas = {}
    for _ in range(resamples):
        draw = [rng.choice(ix) for ix in by_kind.values() for _ in ix]
        ref = ship_rule.figures({"val": slice_report([ref_per[i] for i in draw], reference["thresholds"])})
        cand = ship_rule.figures({"val": slice_report([cand_per[i] for i in draw], candidate["thresholds"])})
        for label, (r, higher) in ref.items():
            if label in cand:
                d = cand[label][0] - r
                deltas.setdefault(label, []).append(d if higher else -d)
    out = {}
    for label, ds in deltas.items():
        ds.sort()
        out[label] = [ds[int(0.05 * (len(ds) - 1))], ds[int(0.95 * (len(ds) - 1))]]
    return out


def to_json(results):
    return {n: {k: v for k, v in r.items() if not k.startswith("_")} for n, r in results.items()}


def fmt(m):
    if m is None:
        return "–"
    if "rate" in m:
        return f"{m['false_alerts']}/{m['images']} = {m['rate']:.3f}" if m["images"] else "–"
    r = "–" if m["recall"] is None else f"{m['recall']:.3f}"
    p = "–" if m["precision"] is None else f"{m['precision']:.3f}"
    return f"{r} / {p}"


def markdown(results):
    names = list(results)
    lines = ["| slice (validation) | metric | " + " | ".join(names) + " |",
             "|---|---|" + "---|" * len(names)]
    for kind, title in SLICES:
        rows = [("person recall / precision", lambda e: e.get("person")),
                ("vehicle recall / precision", lambda e: e.get("vehicle")),
                ("false alerts on frames without person/vehicle", lambda e: e.get("false_alerts")),
                ("box AP50 person, vehicle, animal", lambda e: e.get("box_ap50")),
                ("boxes found at the threshold (IoU >= 0.5): person, vehicle", lambda e: e.get("box_recall"))]
        for label, get in rows:
            cells = []
            for n in names:
                e = results[n]["val"].get(kind)
                v = get(e) if e else None
                if isinstance(v, dict) and "person" in v and isinstance(v["person"], dict):
                    cells.append(", ".join(f"{v[c]['found']}/{v[c]['boxes']}" if v[c]["boxes"] else "–"
                                           for c in ("person", "vehicle")))
                elif isinstance(v, dict) and "person" in v and "animal" in v:
                    cells.append(", ".join("–" if v[c] is None else f"{v[c]:.3f}" for c in CLASSES[1:] + CLASSES[:1]))
                elif v is None or (isinstance(v, dict) and v.get("images") == 0):
                    cells.append("–")
                else:
                    cells.append(fmt(v))
            if any(c != "–" for c in cells):
                lines.append(f"| {title} | {label} | " + " | ".join(cells) + " |")
    for key, label in (("box_ap50", "box AP50 person, vehicle, animal (all real val images)"),
                       ("box_ap50_composite", "box AP50 person, vehicle, animal (composites)")):
        cells = [", ".join("–" if results[n]["val"]["all"][key][c] is None else
                           f"{results[n]['val']['all'][key][c]:.3f}" for c in ("person", "vehicle", "animal"))
                 for n in names]
        lines.append(f"| all | {label} | " + " | ".join(cells) + " |")
    lines.append("| all | thresholds person, vehicle, animal | " + " | ".join(
        ", ".join(f"{results[n]['thresholds'][c]:.2f}" for c in ("person", "vehicle", "animal")) for n in names) + " |")
    lines.append("| all | boxes per image at 0.05 (below thresholds) | " + " | ".join(
        f"{results[n]['output']['boxes_per_image']:.1f} ({results[n]['output']['below_threshold_per_image']:.1f})"
        for n in names) + " |")
    lines.append("| all | boxes >= 0.1 repeating another class's box | " + " | ".join(
        f"{results[n]['output']['cross_class_repeats_at_0.1']} of {results[n]['output']['boxes_at_0.1']}"
        for n in names) + " |")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--data", default=os.path.join(train.ROOT, "..", "shared", "data"))
    ap.add_argument("--model", action="append", required=True, help="NAME=PATH (.pt or .safetensors)")
    ap.add_argument("--json", help="write all figures here")
    ap.add_argument("--markdown", help="write the side-by-side table here")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--bootstrap", type=int, default=0, metavar="N",
                    help="with N resamples, interval every later model's difference from the first "
                         "(paired bootstrap over validation images; ship_rule.py prints them)")
    ap.add_argument("--coarse-pass", metavar="SIDE:EXTENT",
                    help="run every model with this second pass (320:0.15), or 'off': instead of "
                         "what its checkpoint or graph says")
    ap.add_argument("--false-alert-budget", type=float,
                    help="also choose thresholds within this share of false alerts on calibration "
                         "frames without people or vehicles (train.choose_thresholds), e.g. 0.02")
    ap.add_argument("--match-shipped", action="store_true",
                    help="also choose every model's thresholds so that each alerting class raises "
                         "no more false alerts on the calibration frames without people or "
                         "vehicles than the first model does at its shipped thresholds (the first "
                         "--model must be a .safetensors with its graph): the models compared at "
                         "the false-alert level rangers get today")
    ap.add_argument("--no-cross-class", action="store_true",
                    help="per-class NMS only (the decoding before one class per box)")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    t0 = time.time()
    items = train.load_dataset(args.data, splits=("calib", "val"))
    comps = train.composite_sets(items, args.data)
    calib = [i for i in items if i["split"] == "calib"] + comps["calib"]
    val = [i for i in items if i["split"] == "val"] + comps["val"]
    print(f"{len(calib)} calibration, {len(val)} validation images ({time.time()-t0:.0f}s)", file=sys.stderr)
    cross = 1.01 if args.no_cross_class else train.CROSS_CLASS_IOU
    results = {}
    matched = None
    for spec in args.model:
        name, path = spec.split("=", 1)
        model, shipped = load_model(path)
        if args.coarse_pass:
            model.coarse_pass = train.parse_coarse_pass(args.coarse_pass)
        out = evaluate_model(model, name, calib, val, cross, shipped, path, args.false_alert_budget)
        if args.match_shipped:
            if matched is None:
                if not shipped:
                    raise SystemExit(f"--match-shipped: {path} has no shipped thresholds (a "
                                     ".safetensors beside its graph)")
                matched = (f"{name} shipped", shipped_false_alerts(out[name + " (shipped thresholds)"]))
                print(f"--match-shipped: false-alert shares {matched[1]}", file=sys.stderr)
            out[f"{name} (false-alert budget of {matched[0]})"] = at_thresholds(
                out[name], train.choose_thresholds(out[name]["_calibration_per_image"],
                                                   false_alert_budget=matched[1]))
        results.update(out)
        print(f"{name}: thresholds {results[name]['thresholds']} ({time.time()-t0:.0f}s)",
              file=sys.stderr, flush=True)
    if args.bootstrap:
        names = [spec.split("=", 1)[0] for spec in args.model]
        variants = [""] + ([f" (false-alert budget of {matched[0]})"] if matched else [])
        for name in names[1:]:
            for variant in variants:
                t = time.time()
                ref, cand = names[0] + variant, name + variant
                results[cand]["bootstrap"] = {
                    "reference": ref, "resamples": args.bootstrap,
                    "intervals": bootstrap_differences(results[ref], results[cand], args.bootstrap)}
                print(f"{cand}: {args.bootstrap} resamples against {ref} ({time.time()-t:.0f}s)",
                      file=sys.stderr, flush=True)
    table = markdown(results)
    print(table)
    if args.json:
        os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
        json.dump(to_json(results), open(args.json, "w"), indent=1)
    if args.markdown:
        open(args.markdown, "w").write(table + "\n")


if __name__ == "__main__":
    main()
