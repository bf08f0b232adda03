"""Records MindYOLO's random_perspective and the end of its pipelines on injected draws, as test fixtures.

Mode `perspective` (the fixture of RandomPerspectiveTests):
Runs MindYOLO's own `COCODataset.random_perspective` (mindspore-lab/mindyolo, mindyolo/data/dataset.py, imported
from a checkout given as MINDYOLO_ROOT; MindSpore is not needed for this function, so the two package imports it
pulls in besides NumPy/OpenCV -- the logger and the Albumentations wrapper -- are replaced by empty modules) on a
64x64 canvas of random bytes standing for a Mosaic at input size 32 (mosaic_border (-16, -16)), with the YOLOX
recipe's settings (degrees 10, translate 0.1, scale 0.9, shear 2) and scripted `random.uniform` values. Writes JSON:
the canvas, the boxes, and per case the draws (in the format of the golden augment fixtures), the 32x32 output
image and the boxes MindYOLO keeps. Use Debian's python3 (NumPy 1.24, OpenCV 4.6):

    MINDYOLO_ROOT=/path/to/mindyolo /usr/bin/python3 mindyolo_perspective_fixture.py perspective OUT.json

Mode `transform` (the fixture of MindYoloTransformTests): MindYOLO's `letterbox(scaleup=False)`, `hsv_augment`
(0.015, 0.7, 0.4), `fliplr`, `label_norm` and `label_pad` (160) called in that order, as its YOLOX recipe lists them,
on random-byte images of several sizes for input size 24, with scripted `np.random.uniform` values and the flip
decided per case; writes each case's input, draws, output image and real label rows (normalised cx, cy, w, h as
MindYOLO emits them; the script checks that the other rows of the 160 are its -1 padding).
"""
import base64
import importlib.util
import json
import os
import sys
import types

import numpy as np


def load_mindyolo(root):
    for name in ("mindyolo", "mindyolo.data", "mindyolo.utils"):
        module = types.ModuleType(name)
        module.__path__ = []
        sys.modules[name] = module
    sys.modules["mindyolo.utils"].logger = types.SimpleNamespace(info=print, warning=print)
    albumentations = types.ModuleType("mindyolo.data.albumentations")
    albumentations.Albumentations = object
    sys.modules["mindyolo.data.albumentations"] = albumentations
    for name in ("utils", "dataset"):
        spec = importlib.util.spec_from_file_location(
            f"mindyolo.data.{name}", os.path.join(root, "mindyolo", "data", f"{name}.py"))
        module = importlib.util.module_from_spec(spec)
        sys.modules[f"mindyolo.data.{name}"] = module
        spec.loader.exec_module(module)
    return sys.modules["mindyolo.data.dataset"]


class ScriptedUniform:
    """Stands in for random.uniform: returns the scripted values in order and records each call."""

    def __init__(self, values, purposes):
        self.values, self.purposes, self.draws = list(values), list(purposes), []

    def __call__(self, a, b):
        value = self.values.pop(0)
        self.draws.append({"fn": "random.uniform", "args": [a, b], "value": value, "purpose": self.purposes.pop(0)})
        return value


PURPOSES = ["perspective x", "perspective y", "angle", "scale", "shear x", "shear y", "translate x", "translate y"]

# (angle, scale, shear x, shear y, translate x, translate y); each within the recipe's bounds.
CASES = [
    (5.0, 1.2, 1.0, -1.5, 0.45, 0.55),
    (-9.5, 0.3, 2.0, 0.5, 0.6, 0.4),
    (0.0, 1.9, 0.0, 0.0, 0.5, 0.5),
    (7.25, 0.85, -1.75, 1.25, 0.41, 0.58),
]

# ltrb boxes on the 64x64 canvas: large, small, thin, at the edges, and one of zero width.
BOXES = [
    (10.0, 12.0, 40.0, 44.0, 0), (30.5, 30.5, 36.25, 35.0, 1), (0.0, 0.0, 64.0, 3.0, 2), (50.0, 5.0, 63.5, 60.0, 0),
    (20.0, 20.0, 20.0, 30.0, 1), (2.0, 40.0, 14.0, 62.0, 2), (44.0, 44.0, 46.5, 47.0, 0), (16.0, 16.0, 48.0, 48.0, 1),
]


def perspective(dataset, out):
    canvas = np.random.default_rng(20261203).integers(0, 256, (64, 64, 3), dtype=np.uint8)
    canvas[:, :8] = 114  # a padded strip, as a Mosaic canvas has
    result = {
        "canvas": base64.b64encode(canvas.tobytes()).decode(), "width": 64, "height": 64,
        "boxes": [list(b) for b in BOXES], "cases": [],
    }
    for case in CASES:
        scripted = ScriptedUniform([0.0, 0.0, *case], PURPOSES)
        dataset.random.uniform = scripted
        sample = {
            "img": canvas.copy(), "cls": np.array([[b[4]] for b in BOXES], dtype=np.float32),
            "bboxes": np.array([b[:4] for b in BOXES], dtype=np.float64), "segments": np.zeros((0, 1000, 2)),
            "bbox_format": "ltrb", "segment_format": "polygon", "mosaic_border": [-16, -16],
        }
        sample = dataset.COCODataset.random_perspective(
            None, sample, degrees=10.0, translate=0.1, scale=0.9, shear=2.0)
        image = sample["img"]
        assert image.shape == (32, 32, 3) and not scripted.values
        rows = len(boxes)
        assert sample["bboxes"].shape == (160, 4) and (sample["bboxes"][rows:] == -1).all() and (sample["cls"][rows:] == -1).all()
        result["cases"].append({
            "draws": scripted.draws, "image": base64.b64encode(np.ascontiguousarray(image).tobytes()).decode(),
            "boxes": [[*map(float, b), int(c[0])] for b, c in zip(sample["bboxes"], sample["cls"])],
        })
    with open(out, "w") as f:
        json.dump(result, f, indent=1)


# (width, height, hsv uniforms, flip): taller/wider than the input (resized down), smaller (padded only, never
# enlarged), an odd padding (half-pixel box shift), and an input-size image (a Mosaic sample: no letterbox).
TRANSFORM_CASES = [
    (24, 15, [0.5, -0.25, 0.75], True),
    (30, 18, [-1.0, 0.9, -0.6], False),
    (16, 11, [0.1, 0.2, -0.3], True),
    (24, 24, [-0.4, -0.9, 0.95], True),
    (17, 30, [0.0, 0.0, 0.0], False),
]


def transform(dataset, out):
    rng = np.random.default_rng(20261204)
    stub = types.SimpleNamespace(img_size=24, return_segments=False)
    result = {"input_size": 24, "cases": []}
    for width, height, uniforms, flip in TRANSFORM_CASES:
        image = rng.integers(0, 256, (height, width, 3), dtype=np.uint8)
        boxes = [(1.0, 2.0, width * 0.6, height * 0.7, 1), (width * 0.5, 0.5, width - 0.25, height * 0.4, 0),
                 (3.0, height - 4.0, 5.5, height - 1.0, 2)]
        sample = {
            "img": image.copy(), "ori_shape": np.array([height, width]),
            "cls": np.array([[b[4]] for b in boxes], dtype=np.float32),
            "bboxes": np.array([b[:4] for b in boxes], dtype=np.float64), "segments": np.zeros((0, 1000, 2)),
            "bbox_format": "ltrb", "segment_format": "polygon",
        }
        sample = dataset.COCODataset.letterbox(stub, sample, new_shape=24, scaleup=False)
        original_uniform = np.random.uniform
        np.random.uniform = lambda low, high, size: np.array(uniforms)
        try:
            sample = dataset.COCODataset.hsv_augment(stub, sample, hgain=0.015, sgain=0.7, vgain=0.4)
        finally:
            np.random.uniform = original_uniform
        if flip:
            sample = dataset.COCODataset.fliplr(stub, sample)
        sample = dataset.COCODataset.label_norm(stub, sample, xyxy2xywh_=True)
        sample = dataset.COCODataset.label_pad(stub, sample, padding_size=160, padding_value=-1)
        draws = [
            {"fn": "random.random", "args": [], "value": 0.25, "purpose": "hsv probability"},
            {"fn": "np.random.uniform", "args": [-1, 1], "value": uniforms, "purpose": "hsv gains"},
            {"fn": "random.random", "args": [], "value": 0.2 if flip else 0.8, "purpose": "flip"},
        ]
        rows = len(boxes)
        assert sample["bboxes"].shape == (160, 4) and (sample["bboxes"][rows:] == -1).all() and (sample["cls"][rows:] == -1).all()
        result["cases"].append({
            "width": width, "height": height, "image": base64.b64encode(image.tobytes()).decode(),
            "boxes": [list(b) for b in boxes], "draws": draws,
            "output": base64.b64encode(np.ascontiguousarray(sample["img"]).tobytes()).decode(),
            "padded_rows": 160, "classes": sample["cls"][:rows, 0].tolist(), "labels": sample["bboxes"][:rows].tolist(),
        })
    with open(out, "w") as f:
        json.dump(result, f, indent=1)


if __name__ == "__main__":
    mode, path = sys.argv[1], sys.argv[2]
    module = load_mindyolo(os.environ["MINDYOLO_ROOT"])
    {"perspective": perspective, "transform": transform}[mode](module, path)
