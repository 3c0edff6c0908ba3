#!/usr/bin/env python3
"""scikit-learn's side of the classics benchmark (bench/classics_sklearn.sh): on the prepared rows of
bench/logreg_sklearn.py (bank or adult: one-hot, standardized, stratified 80/20 split), the training
rows in id order (our knn_fit's canonical order with an id column, so k-NN ties break alike):
  KNeighborsClassifier(n_neighbors=5, algorithm="brute")  fit + predict of the test rows
  LinearDiscriminantAnalysis()                              fit (svd solver)
  LinearSVC()                                               fit (squared hinge, C=1, tol 1e-4)
Prints one JSON line: each one's time (best of 3, seconds) and test accuracy, and writes the prepared
rows to OUT_CSV (bench/logreg_sklearn.py's format).

    python3 bench/classics_sklearn.py bank|adult DATA_DIR OUT_CSV
"""
import json
import sys
import warnings

import numpy as np
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
from sklearn.neighbors import KNeighborsClassifier
from sklearn.svm import LinearSVC

from logreg_sklearn import best_time, prepare, write_prepared


def main(name, data_dir, out_path):
    x, y, train, test = prepare(name, data_dir)
    write_prepared(out_path, x, y, train)
    train, test = np.sort(train), np.sort(test)
    xtr, ytr, xte, yte = x[train], y[train], x[test], y[test]
    out = {}

    def knn():
        return KNeighborsClassifier(n_neighbors=5, algorithm="brute").fit(xtr, ytr).predict(xte)
    t, pred = best_time(knn, 3)
    out["knn"] = {"seconds": t, "accuracy": float(np.mean(pred == yte))}
    t, lda = best_time(lambda: LinearDiscriminantAnalysis().fit(xtr, ytr), 3)
    out["lda"] = {"seconds": t, "accuracy": float(np.mean(lda.predict(xte) == yte))}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t, svm = best_time(lambda: LinearSVC().fit(xtr, ytr), 3)
    out["svm"] = {"seconds": t, "accuracy": float(np.mean(svm.predict(xte) == yte))}
    print(json.dumps(out))


if __name__ == "__main__":
    main(*sys.argv[1:])
