#!/usr/bin/env python3
"""The official side of AugmentDistribution.cs: many samples of the official BCCD fine-tune's data stream
(MosaicDetection + TrainTransform built as official_bccd_finetune.py builds them, the Nano recipe at 416), written
as per-sample and per-box rows, to compare the distributions of the two streams (compare_aug_distribution.py).

Usage: . $REF_ROOT/scripts/env.sh; $PY official_aug_distribution.py --samples N --seed S --out PREFIX [--noaug]
"""
import argparse
import os
import random
import sys

import numpy as np


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--samples", type=int, default=4000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", required=True)
    p.add_argument("--noaug", action="store_true")
    p.add_argument("--assets", default=os.environ.get("ASSETS_ROOT", "../shared/assets"))
    p.add_argument("--ref-root", default=os.environ.get("REF_ROOT"))
    args = p.parse_args()
    sys.path.insert(0, os.path.join(args.ref_root, "YOLOX"))
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import cv2
    cv2.setNumThreads(1)
    import official_bccd_finetune as harness
    from yolox.data import MosaicDetection, TrainTransform

    random.seed(args.seed)
    np.random.seed(args.seed)
    harness.patch_voc_classes()
    exp = harness.make_exp(argparse.Namespace(ref_root=args.ref_root, epochs=20, workers=0, seed=args.seed))
    root = harness.voc_root(os.path.dirname(os.path.abspath(args.out)), args.assets)
    dataset = MosaicDetection(
        dataset=harness.train_dataset(exp, root), mosaic=True, img_size=exp.input_size,
        preproc=TrainTransform(max_labels=120, flip_prob=exp.flip_prob, hsv_prob=exp.hsv_prob),
        degrees=exp.degrees, translate=exp.translate, mosaic_scale=exp.mosaic_scale, mixup_scale=exp.mixup_scale,
        shear=exp.shear, enable_mixup=exp.enable_mixup, mosaic_prob=exp.mosaic_prob, mixup_prob=exp.mixup_prob)
    n = len(dataset)
    base = dataset._dataset
    with open(args.out + "_images.csv", "w") as fi, open(args.out + "_boxes.csv", "w") as fb:
        fi.write("sample,index,image,n_boxes,mean_b,mean_g,mean_r,std_b,std_g,std_r,pad114\n")
        fb.write("sample,cls,cx,cy,w,h\n")
        order = []
        for s in range(args.samples):
            if not order:
                order = list(np.random.permutation(n))
            idx = int(order.pop(0))
            img, labels = dataset[(not args.noaug, idx)][:2]
            img = img.astype(np.float64)
            means = img.reshape(3, -1).mean(1)
            stds = img.reshape(3, -1).std(1)
            pad = float(np.all(img == 114, axis=0).mean())
            rows = labels[np.any(labels[:, 1:] != 0, axis=1)]
            fi.write(",".join([str(s), str(idx), str(base.ids[idx][1]), str(len(rows))] + ["%.4f" % v for v in means]
                              + ["%.4f" % v for v in stds] + ["%.5f" % pad]) + "\n")
            for r in rows:
                fb.write(",".join([str(s)] + [repr(float(v)) for v in r]) + "\n")


if __name__ == "__main__":
    main()
