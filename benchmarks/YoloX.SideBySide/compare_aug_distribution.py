#!/usr/bin/env python3
"""Compares two augmented data streams written by AugmentDistribution.cs (ours) and official_aug_distribution.py
(official): per-sample statistics (boxes per class, pixel means and spreads, padding) by Welch's t on the per-sample
values, and per-class box sizes by their quantiles and a two-sample KS test. Boxes of one sample are not independent,
so the box-level KS p-values are optimistic; the per-sample tests carry the weight. The plain (non-Mosaic) path is
deterministic up to the flip, so there the same dataset image must give the same boxes on both sides (checked image
by image); Mosaic-path boxes are compared apart from the plain ones.

Usage: $PY compare_aug_distribution.py OURS_PREFIX OFFICIAL_PREFIX
"""
import sys

import numpy as np
from scipy import stats

CLASSES = ("Platelets", "RBC", "WBC")


def load(prefix):
    img = np.genfromtxt(prefix + "_images.csv", delimiter=",", names=True)
    box = np.genfromtxt(prefix + "_boxes.csv", delimiter=",", names=True)
    return img, box


def per_sample_counts(img, box, cls):
    counts = np.zeros(len(img))
    sel = box["cls"] == cls
    np.add.at(counts, box["sample"][sel].astype(int), 1)
    return counts


def plain(img):
    # The plain path letterboxes a 640x480 BCCD image into 416x312: exactly a quarter of the canvas is padding.
    return np.abs(img["pad114"] - 0.25) < 1e-6


def plain_boxes_by_image(img, box):
    """Dataset index -> the set of (class, w, h) multisets seen on the plain path (flip-invariant)."""
    out = {}
    for s in np.where(plain(img))[0]:
        rows = box[box["sample"] == s]
        key = tuple(sorted((int(r["cls"]), round(float(r["w"]), 2), round(float(r["h"]), 2)) for r in rows))
        out.setdefault(int(img["index"][s]), set()).add(key)
    return out


def welch(name, a, b):
    if a.std() == 0 and b.std() == 0:
        print(f"| {name} | {a.mean():.4f} | {b.mean():.4f} | constant | | |")
        return
    t, p = stats.ttest_ind(a, b, equal_var=False)
    se = np.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
    print(f"| {name} | {a.mean():.4f} | {b.mean():.4f} | {a.mean() - b.mean():+.4f} ± {se:.4f} | {t:+.2f} | {p:.3f} |")


def main():
    ours, official = load(sys.argv[1]), load(sys.argv[2])
    print(f"samples: ours {len(ours[0])}, official {len(official[0])}; boxes: ours {len(ours[1])}, official {len(official[1])}\n")
    print("| per sample | ours | official | difference | t | p |")
    print("|---|---:|---:|---:|---:|---:|")
    welch("boxes", ours[0]["n_boxes"], official[0]["n_boxes"])
    for c, name in enumerate(CLASSES):
        welch(f"{name} boxes", per_sample_counts(*ours, c), per_sample_counts(*official, c))
    welch("no box (fraction)", (ours[0]["n_boxes"] == 0).astype(float), (official[0]["n_boxes"] == 0).astype(float))
    for k in ("mean_b", "mean_g", "mean_r", "std_b", "std_g", "std_r", "pad114"):
        welch(k, ours[0][k], official[0][k])
    welch("plain path (fraction)", plain(ours[0]).astype(float), plain(official[0]).astype(float))
    a, b = plain_boxes_by_image(*ours), plain_boxes_by_image(*official)
    common = sorted(set(a) & set(b))
    same = sum(1 for i in common if a[i] == b[i])
    print(f"\nplain path: {len(common)} dataset images seen on both sides, {same} with the same boxes, "
          f"{len(common) - same} different")
    mosaic = lambda img, box: box[~plain(img)[box["sample"].astype(int)]]
    ours = (ours[0], mosaic(*ours))
    official = (official[0], mosaic(*official))
    print("\nMosaic-path boxes (plain-path samples left out):")
    print("\n| boxes of class | quantity | ours q05 / q25 / q50 / q75 / q95 | official q05 / q25 / q50 / q75 / q95 | KS D | KS p |")
    print("|---|---|---|---|---:|---:|")
    for c, name in enumerate(CLASSES):
        a, b = ours[1][ours[1]["cls"] == c], official[1][official[1]["cls"] == c]
        for q in ("w", "h", "cx", "cy"):
            qa = np.percentile(a[q], [5, 25, 50, 75, 95])
            qb = np.percentile(b[q], [5, 25, 50, 75, 95])
            ks = stats.ks_2samp(a[q], b[q])
            fmt = lambda v: " / ".join(f"{x:.1f}" for x in v)
            print(f"| {name} | {q} | {fmt(qa)} | {fmt(qb)} | {ks.statistic:.3f} | {ks.pvalue:.3f} |")
        for lim in (4, 8, 16):
            fa = float(np.mean(np.minimum(a["w"], a["h"]) < lim))
            fb = float(np.mean(np.minimum(b["w"], b["h"]) < lim))
            print(f"| {name} | min side < {lim} px (fraction) | {fa:.4f} | {fb:.4f} | | |")


if __name__ == "__main__":
    main()
