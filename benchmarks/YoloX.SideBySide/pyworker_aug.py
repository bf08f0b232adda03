"""Lockstep worker, official side, for the augmentation pipeline (companion of lockstep.py / pyworker.py in
../shared/reference/scripts; needs that folder's refcommon.py and data_aug_timing.py on PYTHONPATH, and the official
YOLOX source). One step = one call of the official MosaicDetection[(mosaic, idx)] built exactly as
data_aug_timing.py builds it, on one OpenCV thread (images/s per core), random index per call.
  pyworker_aug.py nano_exp|default_exp_416|no_aug ramcache(0|1) warmup
"""
import random
import sys
import time

import cv2

import data_aug_timing as dat
from refcommon import get_exp

config, cache, warmup = sys.argv[1], sys.argv[2] == "1", int(sys.argv[3])
cv2.setNumThreads(1)
dat.make_synth_coco()
if config == "default_exp_416":
    exp = get_exp("s")
    exp.input_size = (416, 416)
else:
    exp = get_exp("nano")
_, pipeline = dat.build(exp, cache, mosaic=config != "no_aug")
mosaic = config != "no_aug"
rng = random.Random(0)


def step():
    i = rng.randrange(dat.N_IMG)
    t0 = time.perf_counter()
    pipeline[(mosaic, i)]
    return (time.perf_counter() - t0) * 1e3


for _ in range(warmup):
    step()
print("ready", flush=True)
for line in sys.stdin:
    parts = line.split()
    if not parts or parts[0] != "run":
        break
    k, w = (int(parts[1]), int(parts[2])) if len(parts) == 3 else (1, 0)
    for _ in range(w):
        step()
    print(" ".join(f"{step():.3f}" for _ in range(k)), flush=True)
