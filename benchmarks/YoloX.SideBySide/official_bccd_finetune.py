#!/usr/bin/env python3
"""The official YOLOX fine-tune of issue 8 item 4, run on this machine, so its wall time and accuracy can be
measured beside ours instead of scaled from another machine.

It follows ../shared/golden/bccd_finetune/README.md: the official Nano COCO ONNX weights put into an unfused 3-class
Nano (conv = folded weight, BN weight 1 / bias = folded bias / mean 0 / var 1 - 1e-3, fresh cls_preds), BCCD trainval,
20 epochs at 416, batch 8, the official Nano recipe with 1 warm-up epoch and no-aug 3, 2 libtorch threads, 4 data
workers. The loop is the official Trainer's (yolox/core/trainer.py at the pinned commit) without CUDA: data, the
exp's multiscale preprocess, forward with loss, zero_grad, backward, SGD step, EMA update, lr for the next iteration,
a new size every 10 iterations drawn by the exp's random_resize logic; Mosaic off and L1 on when
epoch + 1 == max_epoch - no_aug_epochs. Everything it calls is the official package from REF_ROOT; only the
CUDA-bound glue (the prefetcher, the evaluator's tensor type) is replaced.

Outputs in --out: epochs.csv (per-epoch wall without evaluation, data wait, mean size, loss terms), eval.json (the
official VOC evaluator's VOC07 and area mAP50 on the test split for the epoch-20 EMA model), ema_final.pth (its
state dict, for `yolox eval`), summary.json.

Usage: . $REF_ROOT/scripts/env.sh; $PY official_bccd_finetune.py --seed 0 --out DIR [--epochs 20]
"""
import argparse
import csv
import json
import math
import os
import random
import sys
import time

import numpy as np
import torch
import torch.nn as nn

CLASSES = ("Platelets", "RBC", "WBC")


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", required=True)
    p.add_argument("--epochs", type=int, default=20)
    p.add_argument("--workers", type=int, default=4)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--assets", default=os.environ.get("ASSETS_ROOT", "../shared/assets"))
    p.add_argument("--ref-root", default=os.environ.get("REF_ROOT"))
    return p.parse_args()


def voc_root(out, assets):
    """The official VOCDetection wants root/VOC2007/...; BCCD already has that layout one level down."""
    root = os.path.join(out, "voc")
    os.makedirs(root, exist_ok=True)
    link = os.path.join(root, "VOC2007")
    if not os.path.islink(link):
        os.symlink(os.path.abspath(os.path.join(assets, "datasets", "bccd", "BCCD")), link)
    return root


def patch_voc_classes():
    # The official VOC dataset and evaluator read the module-level VOC_CLASSES (the 20 VOC names).
    import yolox.data.datasets.voc as voc
    import yolox.data.datasets.voc_classes as voc_classes
    voc.VOC_CLASSES = CLASSES
    voc_classes.VOC_CLASSES = CLASSES


def make_exp(args):
    from yolox.exp import get_exp
    exp = get_exp(os.path.join(args.ref_root, "YOLOX", "exps", "default", "yolox_nano.py"), None)
    exp.num_classes = len(CLASSES)
    exp.max_epoch = args.epochs
    exp.warmup_epochs = 1
    exp.no_aug_epochs = 3
    exp.data_num_workers = args.workers
    exp.seed = args.seed
    return exp


def train_dataset(exp, root):
    from yolox.data import TrainTransform, VOCDetection
    from yolox.data.datasets.voc import AnnotationTransform
    return VOCDetection(
        data_dir=root, image_sets=[("2007", "trainval")], img_size=exp.input_size,
        preproc=TrainTransform(max_labels=50, flip_prob=exp.flip_prob, hsv_prob=exp.hsv_prob),
        target_transform=AnnotationTransform(class_to_ind={c: i for i, c in enumerate(CLASSES)}),
    )


def int_ids(loader_dataset):
    """The official collate fails on VOC with Mosaic p < 1 (upstream #569/#771/#1059/#1749: the image id is an int on
    one path and an array on the other); like the official runs, make it an int."""
    cls = type(loader_dataset)

    class IntIdDataset(cls):
        def __getitem__(self, index):
            img, target, info, img_id = super().__getitem__(index)
            return img, target, info, int(np.asarray(img_id).reshape(-1)[0])

    loader_dataset.__class__ = IntIdDataset
    return loader_dataset


def load_onnx_weights(model, path):
    """The i-th Conv node of the exported (BN-folded) graph is the i-th convolution the model runs."""
    import onnx
    from onnx import numpy_helper
    from yolox.models.network_blocks import BaseConv
    graph = onnx.load(path).graph
    inits = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    nodes = [n for n in graph.node if n.op_type == "Conv"]
    order = []
    hooks = [m.register_forward_hook(lambda mod, *_: order.append(mod))
             for m in model.modules() if isinstance(m, nn.Conv2d)]
    model.eval()
    with torch.no_grad():
        model(torch.zeros(1, 3, 64, 64))
    for h in hooks:
        h.remove()
    assert len(order) == len(nodes), (len(order), len(nodes))
    bn_of = {id(m.conv): m.bn for m in model.modules() if isinstance(m, BaseConv)}
    skipped = []
    with torch.no_grad():
        for conv, node in zip(order, nodes):
            w = torch.from_numpy(inits[node.input[1]].copy())
            b = torch.from_numpy(inits[node.input[2]].copy())
            if w.shape != conv.weight.shape:
                skipped.append(tuple(conv.weight.shape))
                continue
            conv.weight.copy_(w)
            if conv.bias is not None:
                conv.bias.copy_(b)
            else:
                bn = bn_of[id(conv)]
                bn.weight.fill_(1.0)
                bn.bias.copy_(b)
                bn.running_mean.zero_()
                bn.running_var.fill_(1.0 - bn.eps)
    model.train()
    return skipped


def evaluate(model, exp, root, out):
    """The official VOC evaluator (voc_eval) on the test split: VOC07 11-point and area mAP50."""
    from yolox.data import ValTransform, VOCDetection
    from yolox.data.datasets.voc import AnnotationTransform
    from yolox.evaluators.voc_eval import voc_eval
    from yolox.utils import postprocess
    ds = VOCDetection(data_dir=root, image_sets=[("2007", "test")], img_size=exp.test_size,
                      preproc=ValTransform(legacy=False),
                      target_transform=AnnotationTransform(class_to_ind={c: i for i, c in enumerate(CLASSES)}))
    model.eval()
    all_boxes = [[[] for _ in range(len(ds))] for _ in CLASSES]
    with torch.no_grad():
        for i in range(len(ds)):
            img, _, info, _ = ds[i]
            pred = model(torch.from_numpy(img).unsqueeze(0).float())
            det = postprocess(pred, len(CLASSES), exp.test_conf, exp.nmsthre)[0]
            if det is None:
                continue
            scale = min(exp.test_size[0] / float(info[0]), exp.test_size[1] / float(info[1]))
            boxes = det[:, :4] / scale
            scores = det[:, 4] * det[:, 5]
            for c in range(len(CLASSES)):
                sel = det[:, 6] == c
                if sel.any():
                    all_boxes[c][i] = torch.cat([boxes[sel], scores[sel, None]], 1).numpy()
    ds._write_voc_results_file(all_boxes)
    rootpath = os.path.join(root, "VOC2007")
    os.makedirs(os.path.join(out, "annotations_cache"), exist_ok=True)
    result = {}
    for metric, use07 in (("voc07", True), ("voc_area", False)):
        aps = []
        for c in CLASSES:
            _, _, ap = voc_eval(ds._get_voc_results_file_template().format(c),
                                os.path.join(rootpath, "Annotations", "{:s}.xml"),
                                os.path.join(rootpath, "ImageSets", "Main", "test.txt"), c,
                                os.path.join(out, "annotations_cache", metric), ovthresh=0.5, use_07_metric=use07)
            aps.append(float(ap))
        result[metric] = float(np.mean(aps))
        result[metric + "_per_class"] = aps
    model.train()
    return result


def main():
    args = parse_args()
    sys.path.insert(0, os.path.join(args.ref_root, "YOLOX"))
    os.makedirs(args.out, exist_ok=True)
    torch.set_num_threads(args.threads)
    random.seed(args.seed)  # tools/train.py when exp.seed is set
    torch.manual_seed(args.seed)
    patch_voc_classes()
    from yolox.data import DataLoader, InfiniteSampler, MosaicDetection, TrainTransform, YoloBatchSampler, \
        worker_init_reset_seed
    from yolox.utils import ModelEMA

    exp = make_exp(args)
    root = voc_root(args.out, args.assets)
    model = exp.get_model()
    skipped = load_onnx_weights(model, os.path.join(args.assets, "weights", "yolox_nano.onnx"))
    print("skipped (shape differs):", skipped, flush=True)
    model.train()

    batch = 8
    dataset = int_ids(MosaicDetection(
        dataset=train_dataset(exp, root), mosaic=True, img_size=exp.input_size,
        preproc=TrainTransform(max_labels=120, flip_prob=exp.flip_prob, hsv_prob=exp.hsv_prob),
        degrees=exp.degrees, translate=exp.translate, mosaic_scale=exp.mosaic_scale, mixup_scale=exp.mixup_scale,
        shear=exp.shear, enable_mixup=exp.enable_mixup, mosaic_prob=exp.mosaic_prob, mixup_prob=exp.mixup_prob))
    sampler = YoloBatchSampler(sampler=InfiniteSampler(len(dataset), seed=exp.seed if exp.seed else 0),
                               batch_size=batch, drop_last=False, mosaic=True)
    loader = DataLoader(dataset, num_workers=exp.data_num_workers, pin_memory=False, batch_sampler=sampler,
                        worker_init_fn=worker_init_reset_seed)
    max_iter = len(loader)
    optimizer = exp.get_optimizer(batch)
    scheduler = exp.get_lr_scheduler(exp.basic_lr_per_img * batch, max_iter)
    ema = ModelEMA(model, 0.9998)
    stream = iter(loader)
    input_size = exp.input_size

    rows = []
    t_start = time.time()
    for epoch in range(exp.max_epoch):
        if epoch + 1 == exp.max_epoch - exp.no_aug_epochs:
            loader.close_mosaic()
            model.head.use_l1 = True
        t0 = time.time()
        data_s = 0.0
        sums = {}
        sizes = []
        for it in range(max_iter):
            progress = epoch * max_iter + it
            td = time.time()
            inps, targets = next(stream)[:2]
            inps = inps.float()
            targets = targets.float()
            targets.requires_grad = False
            inps, targets = exp.preprocess(inps, targets, input_size)
            data_s += time.time() - td
            sizes.append(input_size[0])
            outputs = model(inps, targets)
            loss = outputs["total_loss"]
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            ema.update(model)
            lr = scheduler.update_lr(progress + 1)
            for group in optimizer.param_groups:
                group["lr"] = lr
            for k, v in outputs.items():
                sums[k] = sums.get(k, 0.0) + float(v)
            if (progress + 1) % 10 == 0:
                # exp.random_resize without its CUDA tensor: rank 0's draw from Python's random
                size = random.randint(*exp.random_size)
                input_size = (int(32 * size), 32 * int(size * exp.input_size[1] / exp.input_size[0]))
        wall = time.time() - t0
        row = {"epoch": epoch + 1, "wall_s": round(wall, 2), "data_s": round(data_s, 2),
               "mean_size": round(float(np.mean(sizes)), 1), "lr_last": lr}
        row.update({k: round(v / max_iter, 4) for k, v in sums.items()})
        rows.append(row)
        print(json.dumps(row), flush=True)
    train_wall = sum(r["wall_s"] for r in rows)
    whole = time.time() - t_start

    with open(os.path.join(args.out, "epochs.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[-1].keys()))
        w.writeheader()
        for r in rows:
            w.writerow({k: r.get(k, "") for k in w.fieldnames})
    torch.save({"model": ema.ema.state_dict()}, os.path.join(args.out, "ema_final.pth"))
    result = evaluate(ema.ema, exp, root, args.out)
    summary = {"seed": args.seed, "train_wall_s_sum_of_epochs": round(train_wall, 1), "loop_wall_s": round(whole, 1),
               "mean_size": round(float(np.mean([r["mean_size"] for r in rows])), 1), "torch": torch.__version__,
               "threads": args.threads, "workers": args.workers, "skipped": [list(s) for s in skipped], **result}
    with open(os.path.join(args.out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
