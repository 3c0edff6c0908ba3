#!/usr/bin/env python3
"""Pieces shared by the featurizer benchmarks' Python sides (bench/featurize_house.py,
bench/featurize_bank.py, bench/featurize_zillow.py): rows written for COPY (text format) with a
jsonb column, and the encodings scikit-learn 1.2 lacks (out-of-fold target encoding, frequency
encoding), written by hand to mirror recsys' documented rules."""
import json
import math

import numpy as np

from logreg_sklearn import best_time, blas_info  # noqa: F401  (re-exported for the scripts)


def copy_field(value):
    """One field of a COPY text-format line: NULL as \\N, backslash, tab and newlines escaped."""
    if value is None:
        return "\\N"
    s = value if isinstance(value, str) else str(value)
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def json_number(v):
    """A float as a JSON number: integral values without a fraction, None (null) for NaN."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    v = float(v)
    return int(v) if v.is_integer() and abs(v) < 2**53 else v


def json_row(obj):
    """Compact JSON text of a dict (keys in the given order)."""
    return json.dumps(obj, separators=(",", ":"), allow_nan=False)


def write_copy(path, rows):
    """rows: iterables of fields (None = NULL) -> COPY text-format file."""
    with open(path, "w") as f:
        for r in rows:
            f.write("\t".join(copy_field(v) for v in r))
            f.write("\n")


def rmse(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.sqrt(np.mean((a - b) ** 2)))


def target_encode(train_values, y, test_values, smoothing=10.0, folds=5, seed=0):
    """recsys' target encoding by hand: a level's value is (sum_y + m prior) / (count + m) with m =
    smoothing and prior the mean target; unseen levels get the prior. Training rows get out-of-fold
    values (the statistics of the other folds, the prior of the other folds too); test rows the
    statistics of all training rows. Values are any hashable (missing: its own level, e.g. None).
    Returns (train column, test column)."""
    train_values = np.asarray(train_values, dtype=object)
    test_values = np.asarray(test_values, dtype=object)
    y = np.asarray(y, dtype=float)

    def table(values, targets):
        sums, counts = {}, {}
        for v, t in zip(values, targets):
            sums[v] = sums.get(v, 0.0) + t
            counts[v] = counts.get(v, 0) + 1
        return sums, counts

    def encode(values, sums, counts, prior):
        return np.array([(sums.get(v, 0.0) + smoothing * prior) / (counts.get(v, 0) + smoothing)
                         for v in values])

    rng = np.random.RandomState(seed)
    fold = rng.randint(0, folds, size=len(train_values))
    train_out = np.empty(len(train_values))
    for k in range(folds):
        inside, outside = fold == k, fold != k
        sums, counts = table(train_values[outside], y[outside])
        train_out[inside] = encode(train_values[inside], sums, counts, y[outside].mean())
    sums, counts = table(train_values, y)
    return train_out, encode(test_values, sums, counts, y.mean())


def frequency_encode(train_values, test_values):
    """recsys' frequency encoding by hand: the share of training rows with that value (missing
    being a value of its own), 0 for a value never seen in training."""
    counts = {}
    for v in train_values:
        counts[v] = counts.get(v, 0) + 1
    n = float(len(train_values))
    return (np.array([counts.get(v, 0) / n for v in train_values]),
            np.array([counts.get(v, 0) / n for v in test_values]))
