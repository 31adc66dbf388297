#!/usr/bin/env python3
"""Write the golden files for Tests/FormatsTests/Fixtures with Python's own json/csv/hashlib.

    python3 scripts/make_formats_golden.py

Standard library only. The Swift tests (Tests/FormatsTests) build the same data and compare
the Swift writers' output byte for byte with these files, so the files are what the Python
tools (MegaDetector writes its results with json.dump(obj, f, indent=1)) would print:

- detections.json          MegaDetector 1.6 output for a handful of images
- legacy_v1_0.json         an old (format 1.0) file, for the reader
- legacy_v1_4.json         a 1.4 file with classifications and extra keys, for the reader
- alerts.jsonl, alerts.csv alert records (json.dumps compact / csv.writer)
- summary.json             run summary
- floats.txt               random doubles with repr(round(x, n)) for several n and repr(x)
- sha256.txt               SHA-256 of inputs of many lengths (hashlib)

The data below must stay in step with Tests/FormatsTests/GoldenData.swift.
"""
import csv
import hashlib
import io
import json
import os
import random
import struct

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "FormatsTests", "Fixtures")

CATEGORIES = {"1": "animal", "2": "person", "3": "vehicle"}
NAMES = {1: "animal", 2: "person", 3: "vehicle"}


def det(category, conf, bbox):
    return {"category": category, "conf": conf, "bbox": bbox}


# Images in input (unsorted) order. Mirrors GoldenData.images.
IMAGES = [
    {"file": "site B/IMG_0002.JPG",
     "detections": [det(2, 0.9995, [0.12345, 0.5, 0.25, 0.33333333]),
                    det(3, 0.61234, [0.0, 0.00004, 1.0, 0.99996]),
                    det(1, 0.12345, [0.1, 0.2, 0.3, 0.4])],
     "width": 4000, "height": 3000, "datetime": "2024:05:01 06:12:33"},
    {"file": "site A/empty.jpg", "detections": [], "width": 1920, "height": 1080},
    {"file": "site A/broken.jpg", "failure": "Failure image access"},
    {"file": "site A/Z\u00e9bra \u00fcn\u00efcode \U0001F600.jpg",
     "detections": [det(1, 0.8, [0.25, 0.125, 0.5, 0.375])]},
    {"file": "site A/IMG_0001.JPG",
     "detections": [det(2, 0.5, [0.3, 0.1, 0.2, 0.2]),
                    det(2, 0.5, [0.1, 0.1, 0.2, 0.2]),
                    det(3, 0.5, [0.0, 0.0, 0.5, 0.5]),
                    det(1, 0.5004, [0.6, 0.6, 0.1, 0.1]),
                    det(2, 0.0005, [-0.00001, 0.00005, 0.00015, 0.99995]),
                    det(1, 1.0, [0.0, 0.0, 1.0, 1.0]),
                    det(3, 0.1115, [0.2675, 0.0001, 0.00001, 0.5])]},
    {"file": "site A/quote\"back\\slash\ttab/ctl\x01.jpg", "detections": [],
     "datetime": "2023:12:31 23:59:59"},
    {"file": "site a/lower.jpg", "detections": [det(2, 0.7, [0.1, 0.2, 0.3, 0.4])],
     "width": 640, "height": 480},
]

INFO = {
    "format_version": "1.6",
    "detector": "lookout-det v0.1.0",
    "detection_completion_time": "2026-11-25T17:18:02Z",
    "detector_metadata": {
        "megadetector_version": "v0.1.0",
        "typical_detection_threshold": 0.2,
        "conservative_detection_threshold": 0.1,
    },
    "lookout": {
        "model_version": "lookout-det-0.1.0+1a2b3c4d",
        "input_size": 640,
        "class_thresholds": {"animal": 0.3, "person": 0.5, "vehicle": 0.6},
    },
}


def md_image(im):
    out = {"file": im["file"]}
    if "failure" in im:
        out["failure"] = im["failure"]
        out["detections"] = None
    else:
        dets = [{"category": d["category"], "conf": round(d["conf"], 3),
                 "bbox": [round(x, 4) for x in d["bbox"]]} for d in im["detections"]]
        # Confidence descending, then category, then box: Lookout's documented order.
        dets.sort(key=lambda d: (-d["conf"], d["category"], d["bbox"]))
        out["detections"] = [{"category": str(d["category"]), "conf": d["conf"],
                              "bbox": d["bbox"]} for d in dets]
    for key in ("width", "height", "datetime"):
        if key in im:
            out[key] = im[key]
    return out


def write_detections():
    images = sorted(IMAGES, key=lambda im: im["file"])  # code point order == UTF-8 byte order
    doc = {"info": INFO, "detection_categories": CATEGORIES,
           "images": [md_image(im) for im in images]}
    with open(os.path.join(OUT, "detections.json"), "w") as f:
        json.dump(doc, f, indent=1)


def write_legacy():
    # As written by the MegaDetector 1.0-era batch script: images first, info last, a
    # max_detection_conf per image, no detector, no detector_metadata.
    v10 = {
        "images": [
            {"file": "cam1/IMG_0001.JPG", "max_detection_conf": 0.926,
             "detections": [{"category": "1", "conf": 0.926, "bbox": [0.0, 0.2762, 0.1539, 0.2825]},
                            {"category": "1", "conf": 0.061, "bbox": [0.0451, 0.1849, 0.3642, 0.4636]}]},
            {"file": "cam1/IMG_0002.JPG", "max_detection_conf": 0.0, "detections": []},
            {"file": "cam1/IMG_0003.JPG", "failure": "Failure image access"},
        ],
        "detection_categories": CATEGORIES,
        "info": {"detection_completion_time": "2019-05-22 02:12:19", "format_version": "1.0"},
    }
    with open(os.path.join(OUT, "legacy_v1_0.json"), "w") as f:
        json.dump(v10, f, indent=1)
    v14 = {
        "info": {
            "format_version": "1.4", "detector": "md_v5a.0.0.pt",
            "detection_completion_time": "2023-01-02 03:04:05",
            "classifier": "ecosystem1_v2",
            "detector_metadata": {"megadetector_version": "v5a.0.0",
                                  "typical_detection_threshold": 0.2,
                                  "conservative_detection_threshold": 0.05},
        },
        "detection_categories": CATEGORIES,
        "classification_categories": {"0": "fox", "1": "elk"},
        "images": [
            {"file": "a/b.jpg", "detections": [
                {"category": 2, "conf": 1, "bbox": [0, 0, 1, 1]},
                {"category": "1", "conf": 0.9, "bbox": [0.1, 0.2, 0.3, 0.4],
                 "classifications": [["1", 0.8], ["0", 0.1]]}],
             "width": 1920.0, "height": 1080, "datetime": None},
            {"file": "a/c.jpg", "detections": None, "failure": "Failure inference",
             "frame_rate": 30},
            {"file": "a/d.jpg", "detections": [], "failure": None},
        ],
    }
    with open(os.path.join(OUT, "legacy_v1_4.json"), "w") as f:
        json.dump(v14, f, indent=1)


MODEL = "lookout-det-0.1.0+1a2b3c4d"
THRESHOLDS = {"person": 0.5, "vehicle": 0.6}


def alert_id(model, path, size, sec, nsec):
    msg = "\0".join(["lookout-alert-v1", model, path, str(size), f"{sec}.{nsec:09d}"])
    return hashlib.sha256(msg.encode("utf-8")).hexdigest()[:16]


# Mirrors GoldenData.alerts.
ALERTS = [
    {"file": "site B/IMG_0002.JPG", "size": 2345678, "sec": 1714536753, "nsec": 120000000,
     "boxes": [("vehicle", 0.61234, [0.0, 0.00004, 1.0, 0.99996]),
               ("person", 0.9995, [0.12345, 0.5, 0.25, 0.33333333])],
     "captured_at": "2024-05-01T06:12:33+02:00", "camera": "Reconyx HP2X",
     "site": "Ngorongoro, \"north\" gate", "latitude": -3.2406, "longitude": 35.4875123,
     "altitude": 2286.5, "inside_area": None},
    {"file": "site A/line\nbreak, comma.jpg", "size": 1, "sec": 0, "nsec": 0,
     "boxes": [("person", 0.55, [0.1, 0.2, 0.3, 0.4])],
     "captured_at": "2024-05-01T06:12:33", "camera": None, "site": None,
     "latitude": None, "longitude": None, "altitude": None, "inside_area": None},
    {"file": "site A/Z\u00e9bra \u00fcn\u00efcode \U0001F600.jpg", "size": 987654321,
     "sec": 1700000000, "nsec": 5, "boxes": [("vehicle", 0.7, [0.25, 0.125, 0.5, 0.375])],
     "captured_at": None, "camera": "Bushnell; \u00e9", "site": "Serengeti\r\nEast",
     "latitude": 0.0, "longitude": -0.5, "altitude": -12.0, "inside_area": "Zone \"A\""},
]


def alert_dict(a):
    boxes = [{"label": l, "conf": round(c, 3), "bbox": [round(x, 4) for x in b]}
             for (l, c, b) in a["boxes"]]
    boxes.sort(key=lambda b: (-b["conf"], b["label"], b["bbox"]))
    return {
        "id": alert_id(MODEL, a["file"], a["size"], a["sec"], a["nsec"]),
        "file": a["file"],
        "labels": sorted({b["label"] for b in boxes}),
        "best_confidence": boxes[0]["conf"],
        "best_label": boxes[0]["label"],
        "boxes": boxes,
        "captured_at": a["captured_at"],
        "camera": a["camera"],
        "site": a["site"],
        "latitude": a["latitude"],
        "longitude": a["longitude"],
        "altitude": a["altitude"],
        "inside_area": a["inside_area"],
        "model_version": MODEL,
        "thresholds": dict(sorted(THRESHOLDS.items())),
    }


def compact(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def write_alerts():
    dicts = [alert_dict(a) for a in ALERTS]
    with open(os.path.join(OUT, "alerts.jsonl"), "w", encoding="utf-8", newline="") as f:
        for d in dicts:
            f.write(compact(d) + "\n")
    # The columns a person reads first, the JSON cells last (ALERTS.md).
    columns = ["captured_at", "site", "camera", "best_label", "best_confidence", "labels",
               "file", "inside_area", "latitude", "longitude", "altitude", "id",
               "model_version", "boxes", "thresholds"]
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(columns)
    for d in dicts:
        row = []
        for c in columns:
            v = d[c]
            if c == "labels":
                v = ";".join(v)
            elif c in ("boxes", "thresholds"):
                v = compact(v)
            elif v is None:
                v = ""
            elif isinstance(v, float):
                v = repr(v)
            row.append(v)
        w.writerow(row)
    with open(os.path.join(OUT, "alerts.csv"), "w", encoding="utf-8", newline="") as f:
        f.write(buf.getvalue())


def write_summary():
    # Mirrors the tally of IMAGES and ALERTS done in the Swift test.
    threshold = 0.2
    ok = [im for im in IMAGES if "failure" not in im]
    failures = [im for im in IMAGES if "failure" in im]
    by_reason = {}
    for im in failures:
        by_reason[im["failure"]] = by_reason.get(im["failure"], 0) + 1
    dets = {"animal": 0, "person": 0, "vehicle": 0}
    for im in ok:
        for d in im["detections"]:
            if d["conf"] >= threshold:
                dets[NAMES[d["category"]]] += 1
    by_class = {k: 0 for k in THRESHOLDS}
    for a in ALERTS:
        for label in {b[0] for b in a["boxes"]}:
            by_class[label] = by_class.get(label, 0) + 1
    seconds = 12.3456
    doc = {
        "images": len(IMAGES),
        "images_ok": len(ok),
        "failures": {"total": len(failures), "by_reason": dict(sorted(by_reason.items()))},
        "detection_threshold": threshold,
        "detections": dict(sorted(dets.items())),
        "alerts": {"total": len(ALERTS), "by_class": dict(sorted(by_class.items()))},
        "seconds": round(seconds, 3),
        "images_per_second": round(len(IMAGES) / seconds, 3),
        "model_version": MODEL,
        "thresholds": dict(sorted(THRESHOLDS.items())),
        "started_at": "2026-11-25T17:18:02Z",
        "finished_at": "2026-11-25T17:18:14Z",
    }
    with open(os.path.join(OUT, "summary.json"), "w", encoding="utf-8", newline="") as f:
        f.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")


DIGITS = (0, 1, 2, 3, 4, 6, 10)


def write_floats():
    rng = random.Random(20261125)
    values = [0.0, -0.0, 1.0, 0.5, 0.125, 0.375, 2.675, 0.12345, 0.9995, 0.0005, 0.00005,
              1e-05, 0.0001, 1e16, 1e15, 123456789012345.6, 5e-324, 2.2250738585072014e-308,
              1.7976931348623157e308, 4503599627370495.5, 9007199254740993.0, 0.1, 0.2, 0.3]
    for _ in range(1500):
        values.append(rng.random())
    for _ in range(500):  # near decimal ties at 3 and 4 digits
        k = rng.randrange(0, 20000)
        base = (k + 0.5) / 10 ** rng.choice((3, 4))
        values.append(base + rng.choice((-1, 0, 1)) * rng.random() * 1e-17)
    for _ in range(300):
        values.append(rng.uniform(-1, 1) * 10 ** rng.randrange(-12, 22))
    for _ in range(200):
        values.append(struct.unpack("<d", struct.pack("<Q", rng.getrandbits(63)))[0])
    lines = []
    for x in values:
        if x != x or x in (float("inf"), float("-inf")):
            continue
        bits = struct.unpack("<Q", struct.pack("<d", x))[0]
        cols = ["%016x" % bits, repr(x)] + [repr(round(x, n)) for n in DIGITS]
        lines.append(" ".join(cols))
    with open(os.path.join(OUT, "floats.txt"), "w") as f:
        f.write("# bits repr(x) " + " ".join("repr(round(x,%d))" % n for n in DIGITS) + "\n")
        f.write("\n".join(lines) + "\n")


def write_sha256():
    rng = random.Random(256)
    lines = []
    for n in list(range(0, 130)) + [1000, 4096, 65537]:
        data = bytes(rng.getrandbits(8) for _ in range(n))
        lines.append("%s %s" % (data.hex() or "-", hashlib.sha256(data).hexdigest()))
    with open(os.path.join(OUT, "sha256.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    write_detections()
    write_legacy()
    write_alerts()
    write_summary()
    write_floats()
    write_sha256()
    print("wrote golden files to", OUT)
