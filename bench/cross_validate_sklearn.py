#!/usr/bin/env python3
"""scikit-learn's side of the cross-validation benchmark (bench/cross_validate.sh).

    python3 bench/cross_validate_sklearn.py prepare bank DATA_DIR OUT_CSV
        writes every row of the data set, prepared as bench/logreg_sklearn.py prepares it
        (id, split, label, features), for recsys to load
    python3 bench/cross_validate_sklearn.py score bank DATA_DIR FOLDS_CSV L2
        cross_val_score(LogisticRegression(C), x, y, cv=PredefinedSplit(folds), scoring="roc_auc")
        on the folds recsys dealt (FOLDS_CSV: id, fold), with C = 1 / (l2 * the mean training
        rows of a fold), the objective of recsys.logreg_fit with that l2; prints the fold AUCs
        and the best of 3 times as one JSON line
"""
import csv
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from logreg_sklearn import best_time, blas_info, prepare, write_prepared  # noqa: E402


def main(action, name, data_dir, path, l2=None):
    x, y, train, _ = prepare(name, data_dir)
    if action == "prepare":
        write_prepared(path, x, y, train)
        return
    import sklearn
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import PredefinedSplit, cross_val_score

    folds = np.full(len(y), -1)
    with open(path, newline="") as f:
        for row_id, fold in csv.reader(f):
            folds[int(row_id)] = int(fold)
    assert (folds >= 0).all(), "every row has a fold"
    k = folds.max() + 1
    n_train = len(y) * (k - 1) / k
    c = 1.0 / (float(l2) * n_train)
    model = LogisticRegression(C=c, max_iter=10000)
    seconds, scores = best_time(
        lambda: cross_val_score(model, x, y, cv=PredefinedSplit(folds), scoring="roc_auc"), repeats=3)
    exact_seconds, exact = best_time(
        lambda: cross_val_score(LogisticRegression(C=c, solver="newton-cholesky", tol=1e-12), x, y,
                                cv=PredefinedSplit(folds), scoring="roc_auc"), repeats=3)
    print(json.dumps({"rows": len(y), "features": x.shape[1], "C": c, "folds": int(k),
                      "auc": scores.tolist(), "seconds": seconds,
                      "exact_auc": exact.tolist(), "exact_seconds": exact_seconds,
                      "sklearn": sklearn.__version__, "blas": blas_info()}))


if __name__ == "__main__":
    if len(sys.argv) not in (5, 6) or sys.argv[1] not in ("prepare", "score"):
        sys.exit(__doc__)
    main(*sys.argv[1:])
