#!/usr/bin/env python3
"""scikit-learn's side of the logistic-regression benchmark (bench/logreg_bank.sh).

UCI Bank Marketing (bank-additional.csv, 4,119 rows), the protocol of ../shared/ANCHORS.md: drop
`duration` (it leaks the target), one-hot the 10 categorical columns (every level seen in the file),
standardize the 9 numeric ones with the training split's statistics (62 features), stratified
80/20 split with random_state=0. Fits LogisticRegression(C=1) (lbfgs) and prints its fit time
(best of 7) and test log loss, and the exact optimum's (tol=1e-10). Writes the prepared rows to
OUT as CSV: id, split, label, features as a PostgreSQL array literal, so that recsys trains on
exactly the same numbers.

    python3 bench/logreg_bank.py DATA_CSV OUT_CSV
"""
import csv
import json
import sys
import time

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss, roc_auc_score
from sklearn.model_selection import train_test_split

NUMERIC = ["age", "campaign", "pdays", "previous", "emp.var.rate", "cons.price.idx", "cons.conf.idx",
           "euribor3m", "nr.employed"]
CATEGORICAL = ["job", "marital", "education", "default", "housing", "loan", "contact", "month",
               "day_of_week", "poutcome"]


def main(data_path, out_path):
    with open(data_path, newline="") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    y = np.array([r["y"] == "yes" for r in rows])
    numeric = np.array([[float(r[c]) for c in NUMERIC] for r in rows])
    levels = {c: sorted({r[c] for r in rows}) for c in CATEGORICAL}
    onehot = np.array([[1.0 if r[c] == v else 0.0 for c in CATEGORICAL for v in levels[c]] for r in rows])
    idx = np.arange(len(rows))
    train, test = train_test_split(idx, test_size=0.2, stratify=y, random_state=0)
    mean, std = numeric[train].mean(axis=0), numeric[train].std(axis=0)
    x = np.hstack([(numeric - mean) / std, onehot])

    def fit(**kw):
        best, model = None, None
        for _ in range(7):
            t = time.perf_counter()
            model = LogisticRegression(C=1.0, max_iter=10000, **kw).fit(x[train], y[train])
            dt = time.perf_counter() - t
            best = dt if best is None or dt < best else best
        p = model.predict_proba(x[test])[:, 1]
        return best, log_loss(y[test], p), roc_auc_score(y[test], p), model

    t_default, loss_default, auc_default, _ = fit()
    t_exact, loss_exact, auc_exact, exact = fit(tol=1e-10)
    try:
        from threadpoolctl import threadpool_info
        blas = ", ".join(f"{i.get('internal_api')} {i.get('architecture')} {i.get('num_threads')} threads"
                         for i in threadpool_info())
    except ImportError:
        blas = "threadpoolctl not installed"
    train_set = set(train.tolist())
    with open(out_path, "w", newline="") as f:
        w = csv.writer(f)
        for i in idx:
            split = "train" if i in train_set else "test"
            w.writerow([i, split, "t" if y[i] else "f", "{" + ",".join(repr(v) for v in x[i]) + "}"])
    print(json.dumps({
        "rows": len(rows), "train": len(train), "test": len(test), "features": x.shape[1],
        "sklearn_fit_s": t_default, "sklearn_test_logloss": loss_default, "sklearn_test_auc": auc_default,
        "sklearn_exact_fit_s": t_exact, "sklearn_exact_test_logloss": loss_exact,
        "sklearn_exact_intercept": float(exact.intercept_[0]),
        "sklearn": __import__("sklearn").__version__, "blas": blas,
    }))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
