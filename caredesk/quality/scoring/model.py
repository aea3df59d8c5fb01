"""A logistic regression per behaviour over sparse features (cues.features), trained and run in plain
Python: a few hundred replies and a few thousand features need neither numpy nor scikit-learn, and the
default install stays small. The weights are a JSON file in this package, read once per process.
"""

import json
import math
import random
from functools import cache
from pathlib import Path

WEIGHTS = Path(__file__).with_name("weights.json")


def sigmoid(value: float) -> float:
    if value < -30:
        return 0.0
    if value > 30:
        return 1.0
    return 1.0 / (1.0 + math.exp(-value))


def predict(weights: dict[str, float], feats: dict[str, float]) -> float:
    return sigmoid(sum(weights.get(name, 0.0) * value for name, value in feats.items()))


def fit(rows: list[dict[str, float]], labels: list[int], *, l2: float = 0.02, epochs: int = 100, seed: int = 6) -> dict:
    """Stochastic gradient descent on the log loss with L2. Classes are weighted to balance, so a behaviour
    that is rare in the data is not ignored. The weights returned are the average of the weights after
    each epoch of the second half (averaged SGD): the last epoch's weights alone still moved with the
    order the rows came in, by up to 0.05 F1 from one random seed to another (docs/quality.md)."""
    rng = random.Random(seed)
    weights: dict[str, float] = {}
    positives = sum(labels) or 1
    negatives = (len(labels) - positives) or 1
    class_weight = {1: len(labels) / (2 * positives), 0: len(labels) / (2 * negatives)}
    order = list(range(len(rows)))
    summed: dict[str, float] = {}
    snapshots = 0
    for epoch in range(epochs):
        rng.shuffle(order)
        rate = 0.3 / (1 + epoch * 0.1)
        for index in order:
            feats, label = rows[index], labels[index]
            error = (predict(weights, feats) - label) * class_weight[label]
            for name, value in feats.items():
                current = weights.get(name, 0.0)
                penalty = 0.0 if name == "bias" else l2 * current
                weights[name] = current - rate * (error * value + penalty)
        if epoch >= epochs // 2:
            snapshots += 1
            for name, value in weights.items():
                summed[name] = summed.get(name, 0.0) + value
    averaged = {name: total / snapshots for name, total in summed.items()}
    return {name: round(value, 5) for name, value in averaged.items() if abs(value) > 1e-4}


def folds(count: int, k: int = 5, seed: int = 6) -> list[list[int]]:
    order = list(range(count))
    random.Random(seed).shuffle(order)
    return [order[i::k] for i in range(k)]


def save(weights_by_behaviour: dict[str, dict[str, float]], path: Path = WEIGHTS) -> None:
    path.write_text(json.dumps(weights_by_behaviour, sort_keys=True, separators=(",", ":")) + "\n")
    load.cache_clear()


@cache
def load(path: Path = WEIGHTS) -> dict[str, dict[str, float]]:
    if not path.exists():
        return {}
    return json.loads(path.read_text())
