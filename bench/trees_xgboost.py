#!/usr/bin/env python3
"""The peers' side of the trees benchmark (bench/trees_xgboost.sh): python3-xgboost 1.7.4's
xgb.train (the library recsys.gbt_fit runs, with the same parameters) and scikit-learn 1.2's
RandomForest* (the peer of recsys.forest_fit), on one data set:

  house  Kaggle House Prices train.csv: the 36 numeric columns, NA kept as missing (NaN: trees
         need no imputation; RandomForest* gets the training medians), target log(SalePrice),
         test rows by the fixed Id hash of bench/featurize_house.py (20 %). Metric: test RMSE.
  bank   UCI Bank Marketing, adult  UCI Adult: the rows of bench/logreg_sklearn.py (one-hot,
         standardized, stratified 80/20). Metrics: test log loss and AUC.

Fit times are the best of 5 and include building the DMatrix from the in-memory array;
xgb_fit_with_history_s also evaluates the training set every round, as recsys does for its loss
history (training_history). Prints one
JSON line; writes the rows for recsys to OUT_CSV (id, split, target, features with NULL for NaN).

    python3 bench/trees_xgboost.py house|bank|adult DATA_DIR OUT_CSV THREADS
"""
import csv
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from logreg_sklearn import best_time, prepare  # noqa: E402
from featurize_house import read_house, split_of  # noqa: E402

TREES, DEPTH, ETA = 100, 6, 0.3


def house(data_dir):
    rows, numeric, _ = read_house(data_dir)
    x = np.array([[np.nan if r[c] == "NA" else float(r[c]) for c in numeric] for r in rows])
    y = np.log(np.array([float(r["SalePrice"]) for r in rows]))
    test = split_of([int(r["Id"]) for r in rows])
    return x, y, np.flatnonzero(~test), np.flatnonzero(test)


def write_rows(path, x, y, train):
    train_set = set(train.tolist())
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        for i in range(len(y)):
            feats = ",".join("NULL" if np.isnan(v) else repr(float(v)) for v in x[i])
            w.writerow([i, "train" if i in train_set else "test", repr(float(y[i])), "{" + feats + "}"])


def main(name, data_dir, out_path, threads):
    import sklearn
    import xgboost as xgb
    from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
    from sklearn.metrics import log_loss, mean_squared_error, roc_auc_score

    if name == "house":
        x, y, train, test = house(data_dir)
    else:
        x, yb, train, test = prepare(name, data_dir)
        y = yb.astype(float)
    write_rows(out_path, x, y, train)
    regression = name == "house"
    params = {"objective": "reg:squarederror" if regression else "binary:logistic", "max_depth": DEPTH,
              "eta": ETA, "tree_method": "hist", "max_bin": 256, "lambda": 1.0, "alpha": 0.0,
              "min_child_weight": 1.0, "subsample": 1.0, "colsample_bynode": 1.0, "seed": 0,
              "nthread": threads, "verbosity": 0}

    def gbt():
        return xgb.train(params, xgb.DMatrix(x[train], label=y[train], missing=np.nan), TREES)

    # recsys records the training loss of every round (training_history): the same work on the
    # peer's side is xgb.train with the training set among its evals.
    def gbt_with_history():
        dtrain = xgb.DMatrix(x[train], label=y[train], missing=np.nan)
        return xgb.train(params, dtrain, TREES, evals=[(dtrain, "train")], verbose_eval=False)

    gbt_s, booster = best_time(gbt, 5)
    gbt_history_s, _ = best_time(gbt_with_history, 5)
    p = booster.predict(xgb.DMatrix(x[test], missing=np.nan))
    filled = np.where(np.isnan(x), np.nanmedian(x[train], axis=0), x)
    forest = (RandomForestRegressor if regression else RandomForestClassifier)(
        n_estimators=TREES, n_jobs=threads, random_state=0)
    rf_s, forest = best_time(lambda: forest.fit(filled[train], y[train]), 5)
    out = {"xgboost": xgb.__version__, "sklearn": sklearn.__version__, "rows_train": len(train),
           "rows_test": len(test), "features": x.shape[1], "xgb_fit_s": gbt_s, "xgb_fit_with_history_s": gbt_history_s, "rf_fit_s": rf_s}
    if regression:
        out["xgb_rmse"] = float(np.sqrt(mean_squared_error(y[test], p)))
        out["rf_rmse"] = float(np.sqrt(mean_squared_error(y[test], forest.predict(filled[test]))))
    else:
        q = forest.predict_proba(filled[test])[:, 1]
        out.update(xgb_logloss=float(log_loss(y[test], p)), xgb_auc=float(roc_auc_score(y[test], p)),
                   rf_logloss=float(log_loss(y[test], np.clip(q, 1e-15, 1 - 1e-15))),
                   rf_auc=float(roc_auc_score(y[test], q)))
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]))
