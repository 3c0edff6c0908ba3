#!/usr/bin/env python3
"""scikit-learn's side of the logistic-regression benchmark (bench/logreg_sklearn.sh), and the
loading and encoding of its two data sets, importable by the other peer scripts
(bench/mlp_sklearn.py: `from logreg_sklearn import prepare`).

Data sets (under DATA_DIR, ../shared/data), each prepared the same way: one-hot the categorical
columns (every level seen in the file, missing values being a level of their own: `unknown` in
Bank, `?` in Adult), standardize the numeric ones with the training split's statistics,
stratified 80/20 split with random_state=0.
  bank   UCI Bank Marketing, bank-additional.csv (4,119 rows), the protocol of
         ../shared/ANCHORS.md: `duration` dropped (it leaks the target), 9 numeric and 10
         categorical columns, 62 features.
  adult  UCI Adult, adult.data (32,561 rows; adult.test is not used), 6 numeric and 8
         categorical columns, 108 features; label income > 50K.

Fits LogisticRegression(C=1) (lbfgs, its default tolerance) and prints its fit time (best of 7)
and test log loss, and the exact optimum's (solver newton-cholesky, tol=1e-12: the gradient's
largest entry ends below 1e-11), as one JSON line. lbfgs stops short of the optimum whatever its
`tol` (scikit-learn hands scipy a fixed ftol, which ends it first: on Bank its gradient's largest
entry is 1e-2 at the end, with tol 1e-4 or 1e-10 alike), hence the second fit. Writes the prepared
rows to OUT_CSV: id, split, label, features as a PostgreSQL array literal, so that recsys trains
on exactly the same numbers.

    python3 bench/logreg_sklearn.py bank|adult DATA_DIR OUT_CSV
"""
import csv
import json
import os
import sys
import time

import numpy as np


def read_bank(data_dir):
    with open(os.path.join(data_dir, "bank-marketing", "bank-additional.csv"), newline="") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    return rows, np.array([r["y"] == "yes" for r in rows])


ADULT_COLUMNS = ["age", "workclass", "fnlwgt", "education", "education-num", "marital-status",
                 "occupation", "relationship", "race", "sex", "capital-gain", "capital-loss",
                 "hours-per-week", "native-country", "income"]


def read_adult(data_dir):
    with open(os.path.join(data_dir, "adult", "adult.data"), newline="") as f:
        rows = [dict(zip(ADULT_COLUMNS, r)) for r in csv.reader(f, skipinitialspace=True) if r]
    return rows, np.array([r["income"] == ">50K" for r in rows])


# name: (reader, numeric columns, categorical columns)
DATASETS = {
    "bank": (read_bank,
             ["age", "campaign", "pdays", "previous", "emp.var.rate", "cons.price.idx",
              "cons.conf.idx", "euribor3m", "nr.employed"],
             ["job", "marital", "education", "default", "housing", "loan", "contact", "month",
              "day_of_week", "poutcome"]),
    "adult": (read_adult,
              ["age", "fnlwgt", "education-num", "capital-gain", "capital-loss", "hours-per-week"],
              ["workclass", "education", "marital-status", "occupation", "relationship", "race",
               "sex", "native-country"]),
}


def prepare(name, data_dir):
    """(x, y, train, test): the encoded features of every row, the boolean labels, and the row
    indices of the two splits."""
    from sklearn.model_selection import train_test_split

    read, numeric_columns, categorical_columns = DATASETS[name]
    rows, y = read(data_dir)
    numeric = np.array([[float(r[c]) for c in numeric_columns] for r in rows])
    levels = {c: sorted({r[c] for r in rows}) for c in categorical_columns}
    onehot = np.array([[1.0 if r[c] == v else 0.0 for c in categorical_columns for v in levels[c]]
                       for r in rows])
    idx = np.arange(len(rows))
    train, test = train_test_split(idx, test_size=0.2, stratify=y, random_state=0)
    mean, std = numeric[train].mean(axis=0), numeric[train].std(axis=0)
    return np.hstack([(numeric - mean) / std, onehot]), y, train, test


def write_prepared(out_path, x, y, train):
    """The rows as CSV for \\copy: id, split (train/test), label (t/f), features ({...})."""
    train_set = set(train.tolist())
    with open(out_path, "w", newline="") as f:
        w = csv.writer(f)
        for i in range(len(y)):
            split = "train" if i in train_set else "test"
            w.writerow([i, split, "t" if y[i] else "f", "{" + ",".join(repr(v) for v in x[i]) + "}"])


def best_time(fit, repeats=7):
    """(seconds of the fastest of `repeats` calls of fit(), the last call's result)."""
    best, result = None, None
    for _ in range(repeats):
        t = time.perf_counter()
        result = fit()
        dt = time.perf_counter() - t
        best = dt if best is None or dt < best else best
    return best, result


def blas_info():
    """The BLAS numpy runs on, as threadpoolctl sees it (library, kernel, threads)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "threadpoolctl not installed"
    return ", ".join(f"{i.get('internal_api')} {i.get('architecture')} {i.get('num_threads')} threads"
                     for i in threadpool_info())


def main(name, data_dir, out_path):
    import sklearn
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import log_loss, roc_auc_score

    x, y, train, test = prepare(name, data_dir)

    def fit(**kw):
        seconds, model = best_time(lambda: LogisticRegression(C=1.0, max_iter=10000, **kw).fit(x[train], y[train]))
        p = model.predict_proba(x[test])[:, 1]
        return seconds, log_loss(y[test], p), roc_auc_score(y[test], p), model

    t_default, loss_default, auc_default, _ = fit()
    t_exact, loss_exact, auc_exact, exact = fit(solver="newton-cholesky", tol=1e-12)
    write_prepared(out_path, x, y, train)
    print(json.dumps({
        "dataset": name, "rows": len(y), "train": len(train), "test": len(test), "features": x.shape[1],
        "sklearn_fit_s": t_default, "sklearn_test_logloss": loss_default, "sklearn_test_auc": auc_default,
        "sklearn_exact_fit_s": t_exact, "sklearn_exact_test_logloss": loss_exact,
        "sklearn_exact_intercept": float(exact.intercept_[0]),
        "sklearn": sklearn.__version__, "blas": blas_info(),
    }))


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in DATASETS:
        sys.exit(f"usage: python3 bench/logreg_sklearn.py {'|'.join(DATASETS)} DATA_DIR OUT_CSV")
    main(*sys.argv[1:])
