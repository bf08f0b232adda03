#!/usr/bin/env python3
"""Turns official_aug_distribution.py's CSVs (Mosaic open and closed) into the fixture of
tests/YoloX.Training.Tests/Fixtures/bccd_stream_official.json: per-sample statistics of the official BCCD training
stream (mean, standard deviation, count) and, for every trainval image of the closed-Mosaic stream (all on the plain
path), its boxes (class, width, height; sorted, so the flip does not matter). The statistics must be computed exactly as
TrainStreamStatistics.cs computes ours.

The "plain" statistic counts samples whose padding fraction (pixels equal to 114 in all three channels) is in
[0.25, 0.2505): BCCD's 640x480 images letterboxed into 416x416 leave exactly a quarter padded, plus the odd grey pixel;
a Mosaic sample falls in that window now and then, on both sides alike, so it is a statistic, not a path flag.

Usage: $PY stream_fixture.py OPEN_PREFIX CLOSED_PREFIX OUT.json
"""
import json
import sys

import numpy as np

CLASSES = 3
PER_SAMPLE = ("boxes_0", "boxes_1", "boxes_2", "plain", "fallback", "pad", "mean_b", "mean_g", "mean_r",
              "std_b", "std_g", "std_r")
PER_MOSAIC_SAMPLE = ("box_w", "box_h", "box_cx", "box_cy")


def load(prefix):
    img = np.genfromtxt(prefix + "_images.csv", delimiter=",", names=True, dtype=None, encoding="utf-8")
    box = np.genfromtxt(prefix + "_boxes.csv", delimiter=",", names=True)
    return img, box


def is_plain(pad):
    return (pad >= 0.25) & (pad < 0.2505)


def statistics(img, box):
    n = len(img)
    sample = box["sample"].astype(int)
    values = {}
    for c in range(CLASSES):
        values[f"boxes_{c}"] = np.bincount(sample[box["cls"] == c], minlength=n).astype(float)
    plain = is_plain(img["pad114"])
    values["plain"] = plain.astype(float)
    thin = np.minimum(box["w"], box["h"]) <= 1
    count = np.bincount(sample, minlength=n)
    values["fallback"] = ((np.bincount(sample[thin], minlength=n) == count) & (count > 0)).astype(float)
    values["pad"] = img["pad114"].astype(float)
    for k in ("mean_b", "mean_g", "mean_r", "std_b", "std_g", "std_r"):
        values[k] = img[k].astype(float)
    out = {k: summary(v) for k, v in values.items()}
    mosaic = ~plain & (count > 0)
    for k, q in zip(PER_MOSAIC_SAMPLE, ("w", "h", "cx", "cy")):
        means = np.bincount(sample, weights=box[q], minlength=n)[mosaic] / count[mosaic]
        if len(means) >= 100:
            out[k] = summary(means)
    return out


def summary(v):
    return {"mean": float(v.mean()), "sd": float(v.std(ddof=1)), "n": int(len(v))}


def plain_boxes(img, box, into):
    sample = box["sample"].astype(int)
    order = np.argsort(sample, kind="stable")
    starts = np.searchsorted(sample[order], np.arange(len(img)))
    ends = np.searchsorted(sample[order], np.arange(len(img)), side="right")
    for s in range(len(img)):
        rows = box[order[starts[s]:ends[s]]]
        if len(rows) and np.all(np.minimum(rows["w"], rows["h"]) <= 1):
            continue  # the fallback's unaugmented boxes
        key = sorted([int(r["cls"]), float(r["w"]), float(r["h"])] for r in rows)
        name = str(img["image"][s])
        if name in into:
            # The flip changes w by float rounding only (x2' - x1' of mirrored corners).
            same = len(into[name]) == len(key) and np.allclose(np.array(into[name]), np.array(key), rtol=0, atol=1e-3)
            if not same:
                raise SystemExit(f"{name}: the plain path gave different boxes twice")
            continue
        into[name] = key


def main():
    open_prefix, closed_prefix, out = sys.argv[1:4]
    fixture = {
        "source": "official YOLOX 6ddff48: MosaicDetection + TrainTransform as yolox_nano.py builds them (416, "
                  "mosaic_prob 0.5, mosaic_scale (0.5, 1.5), no MixUp), BCCD trainval through VOCDetection; "
                  "benchmarks/YoloX.SideBySide/official_aug_distribution.py and stream_fixture.py",
        "plain_rule": "padding fraction in [0.25, 0.2505)",
    }
    boxes = {}
    for name, prefix in (("open", open_prefix), ("closed", closed_prefix)):
        img, box = load(prefix)
        fixture[name] = statistics(img, box)
        if name == "closed":
            plain_boxes(img, box, boxes)
    fixture["plain_boxes"] = dict(sorted(boxes.items()))
    with open(out, "w") as f:
        json.dump(fixture, f, indent=0)
    print(f"{out}: {len(boxes)} images with plain-path boxes")


if __name__ == "__main__":
    main()
