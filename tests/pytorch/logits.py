"""Test helper: eval logits of folders written by Export-Csk6PyTorch, as raw little-endian float32 (and float64).

    python3 logits.py JOBS.json

JOBS.json is a list of {"folder", "weights", "out", and "input" (raw float32 N x C x H x W) or "data" + "count" (the
first COUNT test images of a data set folder, normalized with the weights' safetensors metadata)}. Each job writes
OUT (float32 logits of model.py in eval mode) and OUT.f64 (the same network and input in float64). One process runs
every job: importing torch is the slow part."""
import importlib.util
import json
import struct
import sys
import types

import torch


def module(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    loaded = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(loaded)
    return loaded


def metadata(path):
    with open(path, "rb") as f:
        length, = struct.unpack("<Q", f.read(8))
        return json.loads(f.read(length)).get("__metadata__", {})


def run(job, index):
    folder = job["folder"]
    # train.py imports "model": give it this folder's model.py under that name.
    sys.modules["model"] = model = module(f"model_{index}", f"{folder}/model.py")
    train = module(f"train_{index}", f"{folder}/train.py")
    weights = job["weights"]
    state = train.load_safetensors(weights) if weights.endswith(".safetensors") else torch.load(weights)
    net = model.Csk6Network()
    result = net.load_state_dict(state, strict=False)
    missing = [k for k in result.missing_keys if not k.endswith(".num_batches_tracked")]
    if missing or result.unexpected_keys:
        raise SystemExit(f"{weights}: missing {missing}, unexpected {result.unexpected_keys}")
    if "input" in job:
        with open(job["input"], "rb") as f:
            x = torch.frombuffer(bytearray(f.read()), dtype=torch.float32).view(-1, *model.INPUT_SHAPE)
    else:
        norm = json.loads(metadata(weights)["csk6tools.normalization"])
        args = types.SimpleNamespace(label="fine", train_count=0, test_count=job["count"], size=None, channels=None, test_fraction=0.2)
        images = train.load_dataset(job["data"], args).test[0]
        x = train.normalize(images, norm["mean"], norm["std"])
    net.eval()
    with torch.no_grad():
        single = net(x)
        double = net.double()(x.double())
    with open(job["out"], "wb") as f:
        f.write(single.contiguous().numpy().tobytes())
    with open(job["out"] + ".f64", "wb") as f:
        f.write(double.contiguous().numpy().tobytes())


with open(sys.argv[1], encoding="utf-8") as jobs:
    for i, job in enumerate(json.load(jobs)):
        run(job, i)
