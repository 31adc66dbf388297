#!/usr/bin/env python3
"""False alerts per image and per event on the real camera-trap sequences in ../shared/data.

The Missouri Camera Traps frames (no person or vehicle in any of them) come as trigger
sequences (`SEQ<id>_IMG_<n>.JPG`) without EXIF capture times and without camera ids. This
script copies them into one camera folder of a card, gives each frame a file time (frames of a
sequence 1 s apart, sequences an hour apart, so that each sequence is one event under the
default 60 s gap), scans the card with `lookout scan` three ways and prints how many false
alerts each gives:

- per image (`--per-image-alerts --keep-static`): what a ranger read before events;
- per event, static rule off (`--keep-static`);
- per event with the static rule (the default).

Every frame is a person/vehicle negative, so every alert is false. One camera folder for all
frames is an assumption (the data has no camera ids): the static rule sees the sequences of
the dataset's few camera stations as one camera.

Usage: python3 scripts/camtrap_events.py --lookout .build/release/lookout [--data ../shared/data]
       [--split val] [--json out.json]
"""
import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def build_card(data, card, split):
    """Copies the chosen Missouri frames into `card/missouri/station`, with file times."""
    rows = [r for r in csv.DictReader(open(os.path.join(data, "images.csv")))
            if r["source"] == "missouri-camera-traps" and (split == "all" or r["split"] == split)]
    folder = os.path.join(card, "missouri", "station")
    os.makedirs(folder)
    sequences = {}
    for r in rows:
        name = os.path.basename(r["file"])
        sequences.setdefault(name.split("_IMG_")[0], []).append(name)
    start = 1_700_000_000
    for number, sequence in enumerate(sorted(sequences)):
        for frame, name in enumerate(sorted(sequences[sequence])):
            target = os.path.join(folder, name)
            shutil.copyfile(os.path.join(data, "images", "missouri-camera-traps", name), target)
            moment = start + number * 3600 + frame
            os.utime(target, (moment, moment))
    return len(rows), len(sequences)


def scan(lookout, card, out, flags):
    subprocess.run([lookout, "scan", card, "--out", out, "--quiet", *flags], check=True,
                   stdout=subprocess.DEVNULL)
    alerts = [json.loads(line) for line in open(os.path.join(out, "alerts.jsonl")) if line.strip()]
    summary = json.load(open(os.path.join(out, "summary.json")))
    held = summary.get("held_back_as_static", {})
    return {"alerts": len(alerts),
            "images_alerting": len({f for a in alerts
                                    for f in (a["event"]["files"] if "event" in a else [a["file"]])}),
            "held_back_detections": held.get("detections", 0),
            "held_back_alerts": held.get("alerts", 0)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lookout", required=True)
    ap.add_argument("--data", default=os.path.join(ROOT, "..", "shared", "data"))
    ap.add_argument("--split", default="all", help="all, train, val or calibration")
    ap.add_argument("--json")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="lookout-camtrap-events-")
    try:
        card = os.path.join(work, "card")
        images, events = build_card(args.data, card, args.split)
        runs = {
            "per image": scan(args.lookout, card, os.path.join(work, "a"),
                              ["--per-image-alerts", "--keep-static"]),
            "per event, static rule off": scan(args.lookout, card, os.path.join(work, "b"),
                                               ["--keep-static"]),
            "per event (default)": scan(args.lookout, card, os.path.join(work, "c"), []),
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{images} camera-trap frames without people or vehicles, {events} sequences (events)")
    print("| run | alert lines a ranger reads | frames that alert | held back as static |")
    print("|---|---|---|---|")
    for name, r in runs.items():
        print(f"| {name} | {r['alerts']} | {r['images_alerting']} | "
              f"{r['held_back_detections']} detections, {r['held_back_alerts']} alerts |")
    if args.json:
        json.dump({"images": images, "events": events, "runs": runs}, open(args.json, "w"), indent=2)


if __name__ == "__main__":
    sys.exit(main())
