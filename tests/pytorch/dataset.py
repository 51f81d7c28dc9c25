"""Test helper: what train.py reads from a data set folder, as JSON on stdout.

    python3 dataset.py EXPORT_FOLDER DATA_FOLDER [TRAIN_COUNT TEST_COUNT]

Prints the name, classes, counts, shape, normalization, and per split the label sum and the pixel sum of the first
and last image, for comparison with Import-Csk6Dataset."""
import json
import sys
import types

sys.path.insert(0, sys.argv[1])
import train  # noqa: E402  (train.py imports model.py from the same folder)

counts = [int(v) for v in sys.argv[3:5]] or [None, None]
args = types.SimpleNamespace(label="fine", train_count=counts[0], test_count=counts[1], size=None, channels=None, test_fraction=0.2)
data = train.load_dataset(sys.argv[2], args)


def split(images, labels):
    return {"count": len(labels), "labelSum": int(labels.sum()), "first": int(images[0].long().sum()) if len(labels) else 0,
            "last": int(images[-1].long().sum()) if len(labels) else 0}


print(json.dumps({"name": data.name, "classes": data.classes, "shape": list(data.train[0].shape[1:]),
                  "mean": list(data.mean), "std": list(data.std), "train": split(*data.train), "test": split(*data.test)}))
