#!/usr/bin/env python3
"""Generate synthetic benchmark images for scripts/bench (a cache: existing files are skipped).

    python scripts/make_bench_images.py --out DIR --count N --kind camera|thermal [--seed S] [--jobs J]

camera:  N distinct 12-megapixel (4000x3000) camera-trap-like colour JPEGs, quality 90, about 3.5-4 MB
         each, with Reconyx-like EXIF (Make/Model, DateTimeOriginal, OffsetTimeOriginal, GPS).
         Large texture fields are synthesised once and every image takes random crops/flips of them
         plus its own scene layout, so an image costs about a second instead of many.
thermal: N distinct 640x512 grayscale thermal drone frames (DJI-like EXIF) with random people and
         vehicles; their boxes go to DIR/thermal_s<seed>_expected.csv (file,class,x,y,w,h normalized,
         top-left + size).

Image i depends only on (seed, kind, i), not on N, so a larger --count extends an existing cache.
Files are written atomically (temp + rename): an interrupted run leaves no half file behind.
Everything is procedural (see scripts/make_samples.py); no pixel comes from a data set.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import sys
import time

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_samples as ms  # noqa: E402

CAM_W, CAM_H = 4000, 3000
_FIELDS = None  # built once per process (inherited by forked workers)


def cam_name(seed, i):
    return f"camera_s{seed}_{i:05d}.jpg"


def thermal_name(seed, i):
    return f"thermal_s{seed}_{i:05d}.jpg"


def render_camera(seed, i):
    rng = np.random.default_rng([seed, 10, i])
    img = ms.camera_scene(rng, CAM_W, CAM_H, _FIELDS, night=False, season=float(rng.uniform(0, 0.8)))
    day, secs = divmod(i * 1117 + int(rng.integers(0, 600)), 11 * 3600)  # daylight hours, 06:00-17:00
    t = dt.datetime(2024, 9, 1, 6) + dt.timedelta(days=day, seconds=secs)
    cam = int(rng.integers(1, 30))
    ms._info_bar(img, (f"BENCH  CAM{cam:02d}", t.strftime("%Y-%m-%d %H:%M:%S"), f"{int(rng.integers(12, 34))}\u00b0C  M 1/3"),
                 f"HP2X  #{i + 1:05d}  DAY  seed {seed}")
    lat = ms.CAM_SITE["lat"] + rng.uniform(-0.05, 0.05)
    lon = ms.CAM_SITE["lon"] + rng.uniform(-0.05, 0.05)
    ex = ms.build_exif("RECONYX", "HP2X", t, ms.OFFSET, lat, lon, ms.CAM_SITE["alt"], size=img.size,
                       little_endian=False)
    return ms.jpeg_bytes(img, quality=90, exif=ex), []


def random_thermal_spec(rng):
    W, H = ms.TW, ms.TH

    def edge_to_edge():
        if rng.random() < 0.5:
            ys = np.sort(rng.uniform(-20, H + 20, 2)) if rng.random() < 0.3 else rng.uniform(0, H, 2)
            xs = [-20, W * 0.33, W * 0.66, W + 20]
            yy = [ys[0], rng.uniform(0, H), rng.uniform(0, H), ys[1]]
            pts = list(zip(xs, yy))
        else:
            ys = [-20, H * 0.33, H * 0.66, H + 20]
            xs = [rng.uniform(0, W), rng.uniform(0, W), rng.uniform(0, W), rng.uniform(0, W)]
            pts = list(zip(xs, ys))
        return [(float(x), float(y)) for x, y in pts]

    spec = dict(night=bool(rng.random() < 0.35), trees=int(rng.integers(4, 15)),
                bushes=int(rng.integers(40, 130)), rocks=int(rng.integers(0, 8)),
                mounds=int(rng.integers(0, 5)), grid=bool(rng.random() < 0.2))
    if rng.random() < 0.7:
        spec["road"] = edge_to_edge()
        spec["road_width"] = float(rng.uniform(12, 22))
        nv = int(rng.choice([0, 0, 1, 1, 2, 3]))
        ts = np.sort(rng.uniform(0.08, 0.92, nv))
        # keep vehicles apart along the road
        ts = [t for k, t in enumerate(ts) if k == 0 or t - ts[k - 1] > 0.12]
        spec["vehicles"] = [(float(t), int(rng.choice([-1, 1])), str(rng.choice(ms.VEHICLES)),
                             float(rng.uniform(28, 58))) for t in ts]
    if rng.random() < 0.3:
        spec["river"] = edge_to_edge()
    if rng.random() < 0.5:
        spec["track"] = edge_to_edge()
    people = []
    for _ in range(int(rng.choice([0, 1, 1, 2, 3]))):  # groups
        cx, cy = rng.uniform(40, W - 40), rng.uniform(40, H - 40)
        for _ in range(int(rng.integers(1, 5))):
            p = (float(np.clip(cx + rng.normal(0, 18), 12, W - 12)), float(np.clip(cy + rng.normal(0, 18), 16, H - 16)),
                 float(rng.uniform(14, 27)))
            if all(abs(p[0] - q[0]) > 13 or abs(p[1] - q[1]) > 26 for q in people):
                people.append(p)
    if "road" in spec:  # people must not stand on top of a vehicle
        line = ms._polyline(spec["road"])
        vpos = [ms._at(line, v[0])[0] for v in spec["vehicles"]]
        people = [p for p in people if all(np.hypot(p[0] - q[0], p[1] - q[1]) > 45 for q in vpos)]
    spec["people"] = people
    return spec


def render_thermal(seed, i):
    rng = np.random.default_rng([seed, 11, i])
    spec = random_thermal_spec(rng)
    arr, boxes = ms.thermal_frame(rng, spec)
    t = dt.datetime(2024, 9, 14, 21 if spec["night"] else 6, 0) + dt.timedelta(seconds=i * 7)
    ex = ms.build_exif("DJI", "M30T", t, ms.OFFSET, ms.DRONE_SITE["lat"] + rng.uniform(-0.05, 0.05),
                       ms.DRONE_SITE["lon"] + rng.uniform(-0.05, 0.05), 951.0 + rng.uniform(30, 130),
                       size=(ms.TW, ms.TH), little_endian=True)
    return ms.jpeg_bytes(Image.fromarray(arr), quality=92, exif=ex), boxes


def _work(args):
    kind, seed, i, path, write = args
    t0 = time.perf_counter()
    data, boxes = (render_camera if kind == "camera" else render_thermal)(seed, i)
    if write:
        ms.write_atomic(path, data)
    return i, path, len(data), boxes, time.perf_counter() - t0, write


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--kind", choices=("camera", "thermal"), default="camera")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=1, help="worker processes (fork); default 1")
    a = ap.parse_args(argv)
    os.makedirs(a.out, exist_ok=True)
    name = cam_name if a.kind == "camera" else thermal_name
    jobs = []
    for i in range(a.count):
        path = os.path.join(a.out, name(a.seed, i))
        exists = os.path.isfile(path) and os.path.getsize(path) > 0
        # thermal frames are cheap: re-render cached ones (without writing) to list their boxes
        if not exists or a.kind == "thermal":
            jobs.append((a.kind, a.seed, i, path, not exists))
    todo = sum(1 for j in jobs if j[4])
    print(f"{a.kind}: {a.count - todo} cached, {todo} to generate in {a.out}", file=sys.stderr)
    t0 = time.perf_counter()
    global _FIELDS
    if a.kind == "camera" and jobs:
        _FIELDS = ms.Fields(np.random.default_rng([a.seed, 12]), CAM_W, CAM_H, margin=256)
        print(f"texture fields ready in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    t1 = time.perf_counter()
    results = []
    if a.jobs > 1 and len(jobs) > 1:
        import multiprocessing as mp
        with mp.get_context("fork").Pool(a.jobs) as pool:
            it = pool.imap_unordered(_work, jobs)
            for k, r in enumerate(it, 1):
                results.append(r)
                if r[5]:
                    print(f"[{k}/{len(jobs)}] {os.path.basename(r[1])} {r[2] / 1e6:.2f} MB {r[4]:.2f}s", file=sys.stderr)
    else:
        for k, j in enumerate(jobs, 1):
            r = _work(j)
            results.append(r)
            if j[4]:
                print(f"[{k}/{len(jobs)}] {os.path.basename(r[1])} {r[2] / 1e6:.2f} MB {r[4]:.2f}s", file=sys.stderr)
    if a.kind == "thermal":
        rows = sorted(results, key=lambda r: r[0])
        with open(os.path.join(a.out, f"thermal_s{a.seed}_expected.csv"), "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["file", "class", "x", "y", "w", "h"])
            for i, path, _, boxes, _, _ in rows:
                for cls, x, y, bw, bh in boxes:
                    w.writerow([os.path.basename(path), cls, f"{x / ms.TW:.4f}", f"{y / ms.TH:.4f}",
                                f"{bw / ms.TW:.4f}", f"{bh / ms.TH:.4f}"])
    el, per = time.perf_counter() - t0, (time.perf_counter() - t1) / max(todo, 1)
    print(f"done: {todo} generated in {el:.1f}s ({per:.2f}s/image after setup)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
