#!/usr/bin/env python3
"""A greedy weight soup, chosen on the calibration split only.

    python scripts/greedy_soup.py --out runs/soup3.pt --coarse-pass 320:0.15 --version 1.0.0-soup3 \\
        runs/det7/lookout-det.pt runs/det8/lookout-det.step1500.pt runs/det9/lookout-det.pt \\
        runs/det10/lookout-det.step*.pt runs/det10/lookout-det.pt

Every checkpoint (one graph, fine-tuned from one start with frozen batch norms) is first scored
alone on the calibration split against the reference (the shipped model, scored the same way);
then, best first, each is added to the soup (the mean of its members' weights) only if the soup
with it scores at least as well as the soup without it. With --in-order only the first is scored
alone and the order given is taken as best first (a soup so far, then a run's points as
`ship_rule.py --split calibration` ranked them; a soup given as one checkpoint counts as one
member). Scores are ship_rule.py's on the calibration split: fewest figures worse than the
reference, then the largest summed box AP50 gain; each model's thresholds are chosen on that
split by train.py's rule. The validation split is never read, so it stays free to judge the soup
(evaluate_slices.py, ship_rule.py).

Writes the soup (as average_weights.py does, thresholds left to be chosen again) and, with
--log, every score it computed. One evaluation takes about 35 s with two threads.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import average_weights  # noqa: E402
import evaluate_slices  # noqa: E402
import ship_rule  # noqa: E402
import train  # noqa: E402
from lookout_model import build  # noqa: E402


def calibration_report(model, calib):
    """ship_rule's input for one model: its figures on `calib` at thresholds chosen there."""
    per = evaluate_slices.run(model.eval(), calib, train.CROSS_CLASS_IOU)
    thresholds = train.choose_thresholds(per)
    return {"thresholds": thresholds, "calibration": evaluate_slices.slice_report(per, thresholds)}


def score(reference, report):
    """(figures worse, -summed box AP50 gain): lower is better."""
    worse, _, gain = ship_rule.compare(reference, report)
    return len(worse), -gain


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("checkpoints", nargs="+", help=".pt checkpoints (or .state files) of one graph")
    ap.add_argument("--out", required=True)
    ap.add_argument("--reference", default=os.path.join(train.ROOT, "Models", "lookout-det.safetensors"),
                    help="the model a soup must beat (default: the shipped one)")
    ap.add_argument("--data", default=os.path.join(train.ROOT, "..", "shared", "data"))
    ap.add_argument("--coarse-pass", metavar="SIDE:EXTENT",
                    help="every checkpoint and soup is scored with this second pass, and the soup "
                         "keeps it (default: the first checkpoint's, if it has one)")
    ap.add_argument("--version", help="model_version of the soup (default: the first member's)")
    ap.add_argument("--in-order", action="store_true",
                    help="take the checkpoints best first as given (e.g. a soup, then points as "
                         "ship_rule.py --split calibration ranked them) instead of scoring each alone")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--log", help="write every score here (JSON)")
    args = ap.parse_args()
    if len(set(args.checkpoints)) != len(args.checkpoints):
        raise SystemExit("a checkpoint is named twice")
    torch.set_num_threads(args.threads)
    ship_rule.SPLIT = "calibration"
    cks = {p: train.load_checkpoint(p) for p in args.checkpoints}
    meta = dict(cks[args.checkpoints[0]]["meta"])
    coarse = train.parse_coarse_pass(args.coarse_pass) if args.coarse_pass else meta.get("coarse_pass")

    t0 = time.time()
    items = train.load_dataset(args.data, splits=("calib",))
    calib = items + train.composite_sets(items, args.data)["calib"]
    print(f"{len(calib)} calibration images ({time.time() - t0:.0f}s)", file=sys.stderr, flush=True)

    ref_model, _ = evaluate_slices.load_model(args.reference)
    reference = calibration_report(ref_model, calib)
    log = {"reference": args.reference, "coarse_pass": coarse, "alone": {}, "tried": []}

    def evaluate(paths):
        model = build(meta)
        model.load_state_dict(average_weights.mean([cks[p]["model"] for p in paths]))
        model.coarse_pass = coarse
        return score(reference, calibration_report(model, calib))

    alone = {}
    for p in args.checkpoints[:1] if args.in_order else args.checkpoints:
        alone[p] = evaluate([p])
        log["alone"][p] = alone[p]
        print(f"alone {p}: {alone[p][0]} worse, box AP50 {-alone[p][1]:+.3f} ({time.time() - t0:.0f}s)",
              file=sys.stderr, flush=True)
    order = list(args.checkpoints) if args.in_order else sorted(args.checkpoints, key=lambda p: alone[p])
    soup, best = [order[0]], alone[order[0]]
    for p in order[1:]:
        s = evaluate(soup + [p])
        kept = s <= best
        log["tried"].append({"members": soup + [p], "score": s, "kept": kept})
        print(f"{'kept' if kept else 'left'} {p}: soup of {len(soup) + 1} {s[0]} worse, "
              f"box AP50 {-s[1]:+.3f} (best so far {best[0]}, {-best[1]:+.3f}; {time.time() - t0:.0f}s)",
              file=sys.stderr, flush=True)
        if kept:
            soup, best = soup + [p], s

    state = average_weights.mean([cks[p]["model"] for p in soup])
    average_weights.save_soup(
        args.out, state, meta,
        {"checkpoints": [os.path.relpath(p, train.ROOT) for p in soup],
         "chosen_by": "scripts/greedy_soup.py on the calibration split"},
        coarse_pass=coarse, version=args.version)
    log.update(members=soup, score=best)
    if args.log:
        json.dump(log, open(args.log, "w"), indent=1)
    print(f"wrote {args.out}: the mean of {len(soup)} ({', '.join(soup)}); on calibration "
          f"{best[0]} figures worse than the reference, box AP50 {-best[1]:+.3f}", file=sys.stderr)


if __name__ == "__main__":
    main()
