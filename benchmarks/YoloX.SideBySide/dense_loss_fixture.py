#!/usr/bin/env python3
"""The official YOLOX loss on crowded BCCD batches, recorded as a fixture for our loss.

The golden loss fixtures (../shared/golden) have 3-5 boxes per image and train_steps at most 24; a BCCD Mosaic holds
40-90 overlapping cells, where SimOTA's dynamic k grows and many anchors are claimed by several boxes. This script
takes the official Nano (3 classes) in train mode, feeds it the most crowded of a few hundred samples of the official
BCCD training stream (MosaicDetection + TrainTransform as official_bccd_finetune.py builds them), runs the official
forward with loss and backward unchanged, and records:

* the raw head outputs of each level ([B, 8, H, W], before decoding: what our YoloXLoss.Compute takes) and the
  gradient of total_loss with respect to them (float32, outputs then gradients, level by level) in NAME.bin;
* in NAME.json: the targets (the non-zero label rows), the official loss terms for use_l1 False and True, and per image
  the official assignment (captured by wrapping the instance's simota_matching; dynamic_ks are derived
  from the pair-wise IoUs simota_matching receives with its own formula) with its robustness margins: how far each
  box's top-10 IoU sum is from flipping its dynamic k, the cost gap between each box's last taken and first rejected
  candidate, and the cost gap deciding each contested anchor.

Weights: --weights PTH (a state dict, e.g. the ema_final.pth of an official fine-tune: realistic, well-localised
predictions, large dynamic k) or, by default, the official COCO ONNX weights with a fresh seeded 3-class head (the
first iteration of a fine-tune). The outputs are stored, so the test does not depend on the weights.

Usage: . $REF_ROOT/scripts/env.sh; $PY dense_loss_fixture.py --out DIR/NAME [--weights PTH] [--seed 0] [--batch 2]
"""
import argparse
import hashlib
import json
import os
import random
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import official_bccd_finetune as harness  # noqa: E402  (same dataset, weights loading and VOC class patch)


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True, help="path prefix: writes PREFIX.json and PREFIX.bin")
    p.add_argument("--weights", default=None)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--batch", type=int, default=2)
    p.add_argument("--draws", type=int, default=300, help="stream samples to choose the most crowded from")
    p.add_argument("--assets", default=os.environ.get("ASSETS_ROOT", "../shared/assets"))
    p.add_argument("--ref-root", default=os.environ.get("REF_ROOT"))
    return p.parse_args()


def crowded_batch(exp, root, args):
    from yolox.data import MosaicDetection, TrainTransform
    dataset = MosaicDetection(
        dataset=harness.train_dataset(exp, root), mosaic=True, img_size=exp.input_size,
        preproc=TrainTransform(max_labels=120, flip_prob=exp.flip_prob, hsv_prob=exp.hsv_prob),
        degrees=exp.degrees, translate=exp.translate, mosaic_scale=exp.mosaic_scale, mixup_scale=exp.mixup_scale,
        shear=exp.shear, enable_mixup=exp.enable_mixup, mosaic_prob=exp.mosaic_prob, mixup_prob=exp.mixup_prob)
    samples = []
    for _ in range(args.draws):
        img, labels = dataset[random.randrange(len(dataset))][:2]
        count = int((labels.sum(1) > 0).sum())
        samples.append((count, img, labels))
    samples.sort(key=lambda s: -s[0])
    chosen = samples[:args.batch]
    images = torch.from_numpy(np.stack([s[1] for s in chosen])).float()
    targets = torch.from_numpy(np.stack([s[2] for s in chosen])).float()
    return images, targets


def capture(head):
    """Wraps the instance's methods (the official code runs unchanged) to keep raw outputs and assignments."""
    raw, assignments = [], []
    get_output_and_grid, simota_matching = head.get_output_and_grid, head.simota_matching

    def output_and_grid(output, k, stride, dtype):
        # The official decode writes into a view of `output` (its reshape of the permuted map is a view), so the raw
        # values are kept in a separate tensor the decode reads from, and the gradient is taken with respect to it.
        leaf = output.detach().clone().requires_grad_(torch.is_grad_enabled())
        raw.append(leaf)
        return get_output_and_grid(leaf.clone(), k, stride, dtype)

    def matching(cost, ious, gt_classes, num_gt, fg_mask):
        record = margins(cost, ious)
        record["num_candidates_geometry"] = int(fg_mask.sum())
        result = simota_matching(cost, ious, gt_classes, num_gt, fg_mask)
        record["num_fg"] = int(result[0])
        record["gt_matched_classes"] = result[1].long().tolist()
        record["pred_ious_this_matching"] = result[2].tolist()
        record["matched_gt_inds"] = result[3].tolist()
        record["fg_anchor_indices"] = fg_mask.nonzero().squeeze(1).tolist()
        assignments.append(record)
        return result

    head.get_output_and_grid = output_and_grid
    head.simota_matching = matching
    return raw, assignments


def margins(cost, ious):
    """dynamic_ks as simota_matching computes them, and how close each decision is to flipping."""
    n = min(10, ious.size(1))
    sums = torch.topk(ious, n, dim=1)[0].sum(1)
    ks = torch.clamp(sums.int(), min=1)
    frac = sums - sums.floor()
    k_margin = torch.where(sums < 1, 1 - sums, torch.minimum(frac, 1 - frac))
    order = torch.sort(cost, dim=1)[0]
    gaps = []
    for g, k in enumerate(ks.tolist()):
        gaps.append(float(order[g, k] - order[g, k - 1]) if k < cost.size(1) else float("inf"))
    taken = torch.zeros_like(cost, dtype=torch.uint8)
    for g, k in enumerate(ks.tolist()):
        taken[g, torch.topk(cost[g], k=k, largest=False)[1]] = 1
    contested = (taken.sum(0) > 1).nonzero().squeeze(1)
    contest_gaps = []
    for a in contested.tolist():
        c = torch.sort(cost[taken[:, a] > 0, a])[0]
        contest_gaps.append(float(c[1] - c[0]))
    return {
        "num_gt": int(cost.size(0)),
        "dynamic_ks": ks.tolist(),
        "min_dynamic_k_margin": float(k_margin.min()),
        "min_cost_gap_at_k": min(gaps),
        "anchors_claimed_by_multiple_gts": len(contest_gaps),
        "min_contest_cost_gap": min(contest_gaps) if contest_gaps else None,
    }


def main():
    args = parse_args()
    sys.path.insert(0, os.path.join(args.ref_root, "YOLOX"))
    torch.set_num_threads(2)
    random.seed(args.seed)
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    harness.patch_voc_classes()
    out_dir = os.path.dirname(os.path.abspath(args.out))
    os.makedirs(out_dir, exist_ok=True)
    exp = harness.make_exp(argparse.Namespace(ref_root=args.ref_root, epochs=20, workers=0, seed=args.seed))
    model = exp.get_model()
    if args.weights:
        state = torch.load(args.weights, map_location="cpu")
        model.load_state_dict(state.get("model", state))  # official checkpoints wrap the state dict
        with open(args.weights, "rb") as f:
            source = "%s (sha256 %s)" % (os.path.basename(args.weights), hashlib.sha256(f.read()).hexdigest())
    else:
        harness.load_onnx_weights(model, os.path.join(args.assets, "weights", "yolox_nano.onnx"))
        source = "yolox_nano.onnx with a fresh 3-class head (torch seed %d)" % args.seed
    images, targets = crowded_batch(exp, harness.voc_root(out_dir, args.assets), args)

    model.train()
    head = model.head
    raw, assignments = capture(head)
    outputs = model(images, targets)
    outputs["total_loss"].backward()
    terms = {k: float(v) for k, v in outputs.items()}
    raw, assignments = list(raw), list(assignments)  # the use_l1 forward below appends to the captured lists
    head.use_l1 = True
    with torch.no_grad():
        terms_l1 = {k: float(v) for k, v in model(images, targets).items()}

    with open(args.out + ".bin", "wb") as f:
        for t in raw:
            f.write(t.detach().contiguous().numpy().astype("<f4").tobytes())
        for t in raw:
            f.write(t.grad.contiguous().numpy().astype("<f4").tobytes())
    rows = [[r for r in img.tolist() if sum(r) > 0] for img in targets]
    doc = {
        "made_by": "benchmarks/YoloX.SideBySide/dense_loss_fixture.py (official YOLOX at REF_ROOT, unchanged)",
        "weights": source, "seed": args.seed, "draws": args.draws,
        "input_size": list(images.shape[2:]), "num_classes": exp.num_classes, "max_labels": int(targets.size(1)),
        "levels": [list(t.shape) for t in raw], "strides": [8, 16, 32],
        "bin_layout": "float32 little-endian: each level's raw output [B, 5 + C, H, W], then each level's gradient",
        "targets": rows,
        "loss": terms, "loss_use_l1": terms_l1,
        "assignment": assignments,
    }
    with open(args.out + ".json", "w") as f:
        json.dump(doc, f, indent=1)
    print(json.dumps({"boxes": [len(r) for r in rows], "loss": terms,
                      "assignment": [{k: v for k, v in a.items() if not isinstance(v, list)} for a in assignments]},
                     indent=1))


if __name__ == "__main__":
    main()
