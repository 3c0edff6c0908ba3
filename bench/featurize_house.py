#!/usr/bin/env python3
"""scikit-learn's side of the house-price imputation benchmark (bench/featurize_house.sh), and the
rows recsys reads.

Data: Kaggle House Prices, train.csv (1,460 sales; under DATA_DIR, ../shared/data). `NA` is a
missing value (JSON null). Columns: Id (not a feature), SalePrice (the target), 36 numeric and 43
categorical (text) columns. Already missing: LotFrontage 259, GarageYrBlt 81, MasVnrArea 8.

Protocol (the same rows and masks on both sides):
- hidden: GrLivArea (living area, the "square footage") is hidden, set to null, in a random 20 % of
  the rows (292 rows, numpy RandomState(20260912).choice, the same in train and test);
- split: test when (Id * 2654435761 mod 2^32) / 2^32 < 0.2 (a fixed multiplicative hash of Id);
- each imputer is fitted on the training rows (with their holes) and fills both splits; reported:
  the RMSE of the filled GrLivArea against the hidden true values (train rows, test rows, all);
- price model: ridge regression of log(SalePrice) on the features built with that imputer,
  Ridge(alpha=ALPHA) fitted on the training rows, RMSE of log(SalePrice) on the test rows.

Features on this side, mirroring recsys' featurizer defaults (bench/featurize_house.sh prints the
recsys side's own account): numeric columns imputed (all of them with the strategy of the row),
then standardized with the mean and (population) standard deviation of the training rows' observed
values (StandardScaler fitted on the columns with their holes, which it ignores), a 0/1 missing
indicator after them for each column with missing values in the training rows (add_indicator=True);
categorical columns with at most 16 levels (besides missing) in the training rows one-hot
(OneHotEncoder, missing a level of its own, unseen levels all zeros), above 16 (Neighborhood)
frequency encoded by hand (recsys' "auto" without a target).

Imputers: SimpleImputer(mean), SimpleImputer(median), KNNImputer(n_neighbors=5) on the standardized
numeric columns (nan_euclidean distances, then scaled back), IterativeImputer() (BayesianRidge,
max_iter=10, random_state=0) on the raw columns, and IterativeImputer(Ridge(alpha=1), max_iter=1,
initial_strategy="mean") on standardized columns, the nearest form of recsys' "regression"
imputer (a ridge model of the column from the other numeric columns, standardized, their holes at
their mean). And, for reference, the true GrLivArea
(nothing hidden; the columns missing in the data itself median-imputed).

Note: in this file GrLivArea = 1stFlrSF + 2ndFlrSF + LowQualFinSF exactly, in all 1,460 rows, so
an imputer that models the column from the others can recover it almost exactly; k-NN cannot.

    python3 bench/featurize_house.py fit DATA_DIR OUT_COPY [ALPHA]
        prints one JSON line with the figures; writes the rows for COPY (text format):
        id, split, hidden, grlivarea (true), price, row (jsonb, the 79 feature columns, GrLivArea
        null where hidden)
    python3 bench/featurize_house.py report SKLEARN_JSON RECSYS_JSON
        prints the side-by-side table (recsys' figures from bench/featurize_house.sh)
"""
import csv
import json
import os
import sys
import time
import warnings

import numpy as np

from featurize_common import blas_info, frequency_encode, json_number, json_row, rmse, write_copy

HIDDEN_COLUMN = "GrLivArea"
HIDDEN_SHARE = 0.2
HIDDEN_SEED = 20260912
ONEHOT_MAX_LEVELS = 16  # recsys' onehot_max_levels default


def read_house(data_dir):
    with open(os.path.join(data_dir, "house-prices", "train.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    columns = [c for c in rows[0] if c not in ("Id", "SalePrice")]

    def is_number(s):
        try:
            float(s)
            return True
        except ValueError:
            return False

    numeric = [c for c in columns if all(r[c] == "NA" or is_number(r[c]) for r in rows)]
    categorical = [c for c in columns if c not in numeric]
    return rows, numeric, categorical


def split_of(ids):
    """True for the test rows: a fixed multiplicative hash of Id, 20 %."""
    h = (np.asarray(ids, dtype=np.uint64) * np.uint64(2654435761)) % np.uint64(2**32)
    return h.astype(np.float64) / 2**32 < 0.2


def prepare(data_dir):
    rows, numeric_columns, categorical_columns = read_house(data_dir)
    n = len(rows)
    ids = np.array([int(r["Id"]) for r in rows])
    price = np.array([float(r["SalePrice"]) for r in rows])
    num = np.array([[np.nan if r[c] == "NA" else float(r[c]) for c in numeric_columns] for r in rows])
    cat = np.array([[None if r[c] == "NA" else r[c] for c in categorical_columns] for r in rows], dtype=object)
    h = numeric_columns.index(HIDDEN_COLUMN)
    true_area = num[:, h].copy()
    hidden = np.zeros(n, dtype=bool)
    hidden[np.random.RandomState(HIDDEN_SEED).choice(n, size=int(round(HIDDEN_SHARE * n)), replace=False)] = True
    num[hidden, h] = np.nan
    is_test = split_of(ids)
    return dict(rows=rows, ids=ids, price=price, num=num, cat=cat, numeric_columns=numeric_columns,
                categorical_columns=categorical_columns, h=h, true_area=true_area, hidden=hidden,
                train=np.flatnonzero(~is_test), test=np.flatnonzero(is_test))


def write_rows(d, out_path):
    out = []
    for i, r in enumerate(d["rows"]):
        obj = {}
        for j, c in enumerate(d["numeric_columns"]):
            obj[c] = json_number(d["num"][i, j])
        for j, c in enumerate(d["categorical_columns"]):
            obj[c] = d["cat"][i, j]
        out.append([d["ids"][i], "test" if i in d["test_set"] else "train", "t" if d["hidden"][i] else "f",
                    repr(float(d["true_area"][i])), repr(float(d["price"][i])), json_row(obj)])
    write_copy(out_path, out)


def categorical_features(d):
    """One-hot (<= 16 training levels) or frequency (more) of the categorical columns:
    (train matrix, test matrix, description)."""
    from sklearn.preprocessing import OneHotEncoder

    train, test = d["train"], d["test"]
    blocks_train, blocks_test, onehot, frequency = [], [], 0, []
    for j, c in enumerate(d["categorical_columns"]):
        col = np.array(["<missing>" if v is None else v for v in d["cat"][:, j]], dtype=object)
        levels = set(col[train]) - {"<missing>"}
        if len(levels) <= ONEHOT_MAX_LEVELS:
            enc = OneHotEncoder(handle_unknown="ignore", sparse_output=False).fit(col[train].reshape(-1, 1))
            blocks_train.append(enc.transform(col[train].reshape(-1, 1)))
            blocks_test.append(enc.transform(col[test].reshape(-1, 1)))
            onehot += 1
        else:
            tr, te = frequency_encode(col[train], col[test])
            blocks_train.append(tr.reshape(-1, 1))
            blocks_test.append(te.reshape(-1, 1))
            frequency.append(c)
    return (np.hstack(blocks_train), np.hstack(blocks_test),
            f"{onehot} categorical columns one-hot (a <missing> level where training had one), "
            f"frequency-encoded: {', '.join(frequency)}")


def impute(name, num_train, num_test):
    """Imputed (train, test) numeric values and their missing indicators, and fit+transform seconds."""
    from sklearn.experimental import enable_iterative_imputer  # noqa: F401
    from sklearn.impute import IterativeImputer, KNNImputer, SimpleImputer
    from sklearn.linear_model import Ridge
    from sklearn.preprocessing import StandardScaler

    k = num_train.shape[1]
    t = time.perf_counter()
    scaler = None
    if name in ("mean", "median", "true"):
        imp = SimpleImputer(strategy="median" if name == "true" else name, add_indicator=True)
    elif name == "knn":
        scaler = StandardScaler()
        imp = KNNImputer(n_neighbors=5, add_indicator=True)
    elif name == "iterative":
        imp = IterativeImputer(max_iter=10, random_state=0, add_indicator=True)
        warnings.filterwarnings("ignore", message=".*Early stopping criterion not reached.*")
    elif name == "iterative_ridge":
        scaler = StandardScaler()
        imp = IterativeImputer(estimator=Ridge(alpha=1.0), max_iter=1, initial_strategy="mean",
                               random_state=0, add_indicator=True)
    else:
        raise ValueError(name)
    a, b = num_train, num_test
    if scaler is not None:
        scaler.fit(a)
        a, b = scaler.transform(a), scaler.transform(b)
    out_train, out_test = imp.fit_transform(a), imp.transform(b)
    if scaler is not None:
        out_train[:, :k] = scaler.inverse_transform(out_train[:, :k])
        out_test[:, :k] = scaler.inverse_transform(out_test[:, :k])
    seconds = time.perf_counter() - t
    return out_train[:, :k], out_test[:, :k], out_train[:, k:], out_test[:, k:], seconds


def fit(data_dir, out_path, alpha):
    import sklearn
    from sklearn.linear_model import Ridge
    from sklearn.preprocessing import StandardScaler

    d = prepare(data_dir)
    d["test_set"] = set(d["test"].tolist())
    train, test, h = d["train"], d["test"], d["h"]
    write_rows(d, out_path)
    cat_train, cat_test, cat_description = categorical_features(d)
    y = np.log(d["price"])
    hidden_train = d["hidden"][train]
    hidden_test = d["hidden"][test]
    results = {}
    for name in ("mean", "median", "knn", "iterative", "iterative_ridge", "true"):
        num = d["num"].copy()
        if name == "true":
            num[:, h] = d["true_area"]
        v_train, v_test, ind_train, ind_test, seconds = impute(name, num[train], num[test])
        scaler = StandardScaler().fit(num[train])  # the observed values' mean and std, as recsys
        x_train = np.hstack([scaler.transform(v_train), ind_train, cat_train])
        x_test = np.hstack([scaler.transform(v_test), ind_test, cat_test])
        model = Ridge(alpha=alpha).fit(x_train, y[train])
        r = {"price_rmse": rmse(model.predict(x_test), y[test]), "features": x_train.shape[1],
             "impute_seconds": seconds}
        if name != "true":
            truth_train, truth_test = d["true_area"][train], d["true_area"][test]
            r["hidden_rmse_train"] = rmse(v_train[hidden_train, h], truth_train[hidden_train])
            r["hidden_rmse_test"] = rmse(v_test[hidden_test, h], truth_test[hidden_test])
            r["hidden_rmse_all"] = rmse(np.concatenate([v_train[hidden_train, h], v_test[hidden_test, h]]),
                                        np.concatenate([truth_train[hidden_train], truth_test[hidden_test]]))
        results[name] = r
    print(json.dumps({
        "rows": len(d["ids"]), "train": len(train), "test": len(test),
        "hidden": int(d["hidden"].sum()), "hidden_train": int(hidden_train.sum()), "hidden_test": int(hidden_test.sum()),
        "numeric_columns": len(d["numeric_columns"]), "categorical_columns": len(d["categorical_columns"]),
        "categorical": cat_description, "alpha": alpha, "results": results,
        "sklearn": sklearn.__version__, "blas": blas_info(),
    }))


def describe_recsys(choices):
    """What the recsys featurizer chose: {"numeric: impute median, scale standard": 32, ...} from
    model_info's per-column account."""
    return "; ".join(f"{n} x {k}" for k, n in sorted((choices or {}).items()))


SKLEARN_NAMES = {"mean": "SimpleImputer(mean)", "median": "SimpleImputer(median)",
                 "knn": "KNNImputer(k=5), standardized", "iterative": "IterativeImputer() BayesianRidge",
                 "iterative_ridge": "IterativeImputer(Ridge(1), 1 round)", "true": "true GrLivArea"}
# recsys imputer -> scikit-learn imputers it is compared with
PAIRS = [("mean", ["mean"]), ("median", ["median"]), ("knn", ["knn"]),
         ("regression", ["iterative", "iterative_ridge"]), ("true", ["true"])]


def report(sk_json, recsys_json):
    sk, ours = json.loads(sk_json), json.loads(recsys_json)
    hidden, price, feats = ours["hidden"], ours["price"], ours["features"]
    print(f"FEATURIZE house: {sk['rows']} sales, GrLivArea hidden in {sk['hidden']} (train {sk['hidden_train']}, "
          f"test {sk['hidden_test']}); {sk['train']} training / {sk['test']} test rows; price model ridge, "
          f"scikit-learn Ridge(alpha={sk['alpha']:g}) = recsys linreg_fit l2 {ours['l2']:.6g} (alpha / n_train)")
    print(f"  recsys: featurizer_fit(row, '{{\"impute\": <imputer>}}') on the training rows, recsys.impute(f, row)"
          f"->>'GrLivArea', linreg_fit(ln(price), transform(f, row, true)); its choices ({feats.get('median')} "
          f"features with median): {describe_recsys(ours.get('choices'))}")
    print(f"  scikit-learn ({sk['results']['median']['features']} features with median): the imputer on the 36 numeric "
          f"columns, then StandardScaler (statistics of the observed values), missing indicators (add_indicator=True), "
          f"{sk['categorical']}")
    head = (f"{'imputer':<11} {'recsys RMSE all (train/test)':>30}  {'scikit-learn imputer':<37} "
            f"{'RMSE all (train/test)':>24}  {'recsys/sk':>9}  {'price RMSE: recsys':>18} {'sklearn':>8}")
    print("  GrLivArea: RMSE of the imputed value on the hidden rows; price: test RMSE of log(SalePrice)")
    print("  " + head)
    for ours_name, peers in PAIRS:
        for k, peer in enumerate(peers):
            s = sk["results"][peer]
            if ours_name == "true":
                left = f"{'(nothing hidden)':<11} {'-':>30}"
                mid = f"  {SKLEARN_NAMES[peer]:<37} {'-':>24}  {'':>9}"
            else:
                h = hidden.get(ours_name) or {}
                if k == 0:
                    left = f"{ours_name:<11} {fmt_rmse(h):>30}"
                else:
                    left = f"{'':<11} {'':>30}"
                ratio = (h.get("all") / s["hidden_rmse_all"]) if h.get("all") is not None else float("nan")
                mid = (f"  {SKLEARN_NAMES[peer]:<37} "
                       f"{fmt_rmse({'all': s['hidden_rmse_all'], 'train': s['hidden_rmse_train'], 'test': s['hidden_rmse_test']}):>24}"
                       f"  {ratio:>9.3f}")
            p = price.get(ours_name)
            right = f"  {(f'{p:.5f}' if k == 0 and p is not None else ''):>18} {s['price_rmse']:>8.5f}"
            print("  " + left + mid + right)
    verdicts = []
    for ours_name, peers in PAIRS[:-1]:
        h = (hidden.get(ours_name) or {}).get("all")
        for peer in peers:
            theirs = sk["results"][peer]["hidden_rmse_all"]
            verdict = "no figure" if h is None else \
                f"{h:.1f} vs {theirs:.1f} {'met' if h <= theirs * 1.005 else 'NOT met'}"
            verdicts.append(f"{ours_name} vs {SKLEARN_NAMES[peer]}: {verdict}")
    print("FEATURIZE house claim (recsys' imputer at least as accurate as scikit-learn's counterpart on the "
          "hidden GrLivArea, RMSE over all 292, within 0.5 %): " + "; ".join(verdicts))
    unfilled = {k: v.get("unfilled") for k, v in hidden.items() if v.get("unfilled")}
    if unfilled:
        print(f"FEATURIZE house WARNING: recsys.impute left GrLivArea missing in hidden rows: {unfilled}")


def fmt_rmse(h):
    if not h or h.get("all") is None:
        return "-"
    return f"{h['all']:.1f} ({h['train']:.1f} / {h['test']:.1f})"


if __name__ == "__main__":
    if len(sys.argv) in (4, 5) and sys.argv[1] == "fit":
        fit(sys.argv[2], sys.argv[3], float(sys.argv[4]) if len(sys.argv) == 5 else 10.0)
    elif len(sys.argv) == 4 and sys.argv[1] == "report":
        report(sys.argv[2], sys.argv[3])
    else:
        sys.exit("usage: python3 bench/featurize_house.py fit DATA_DIR OUT_COPY [ALPHA] | report SKLEARN_JSON RECSYS_JSON")
