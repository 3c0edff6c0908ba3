#!/usr/bin/env python3
"""scikit-learn's side of the "Zillow question" benchmark (bench/featurize_zillow.sh): 20 % of
100,000 listings miss their square footage, more often the cheap ones; how good is the price model
with each way of filling it? Also writes the listings recsys reads.

Listings (numpy RandomState(100), N rows, default 100,000): 50 neighborhoods (sizes from a
Dirichlet(2) draw), each with its typical size and price level;
  sqft       = neighborhood size x exp(N(0, 0.3^2)), 400..8,000, whole
  bedrooms   = round(sqft / 550 + N(0, 0.6^2)), 1..7
  bathrooms  = round(2 (sqft / 900 + N(0, 0.35^2))) / 2, 1..5
  lot_size   = round(sqft x exp(N(1.3, 0.5^2)))
  year_built = round(N(1978, 22^2)), 1900..2024
  has_garage = Bernoulli(sigmoid((sqft - 1600) / 500 + 0.8))
  price      = 30,000 + 140 sqft + 9,000 bathrooms + 4,000 bedrooms + 0.6 lot_size
               + 900 (year_built - 1950) + 18,000 has_garage + neighborhood level (N(0, 40,000^2))
               + N(0, 30,000^2), at least 30,000
sqft is missing (null) with probability sigmoid(c - 1.5 z), z the standardized price and c set so
that the mean probability is 20 %: missing not at random, more often in cheap listings. Test rows:
RandomState(101).rand() < 0.2.

Price model: ridge regression of price (dollars) on the features, Ridge(alpha=ALPHA) (recsys:
linreg_fit with l2 = ALPHA / n_train), test RMSE in dollars. Features on this side, as recsys'
featurizer builds them: the 5 numeric columns imputed (the imputer sees those 5 columns), then
standardized with the observed values' mean and (population) standard deviation (StandardScaler
fitted on the columns with their holes, which it ignores), with or without the 0/1 missing indicator of
sqft (add_indicator), has_garage 0/1, neighborhood one-hot (50 levels; recsys is told
"encode": "onehot", since its default above 16 levels is frequency or target encoding).
Imputers: SimpleImputer(mean), SimpleImputer(median), KNNImputer(n_neighbors=5) on the
standardized columns, IterativeImputer() (BayesianRidge, max_iter=10, random_state=0), and
IterativeImputer(Ridge(alpha=1), max_iter=1, initial_strategy="mean") on standardized columns;
and the true sqft (nothing missing) for reference. Also the RMSE of the filled sqft on the missing
rows (their true values are known).

    python3 bench/featurize_zillow.py fit OUT_COPY [N] [ALPHA]
        prints one JSON line; writes the listings for COPY (text format):
        rn, split, sqft (true), price, row (jsonb, sqft null where missing)
    python3 bench/featurize_zillow.py report SKLEARN_JSON RECSYS_JSON
"""
import json
import sys
import time
import warnings

import numpy as np

from featurize_common import blas_info, json_row, rmse, write_copy

NUMERIC = ["sqft", "bedrooms", "bathrooms", "lot_size", "year_built"]
MISSING_SHARE = 0.2


def generate(n):
    rng = np.random.RandomState(100)
    k = 50
    nb_weights = rng.dirichlet(np.full(k, 2.0))
    nb = rng.choice(k, size=n, p=nb_weights)
    nb_size = rng.uniform(1200, 2600, k)
    nb_level = rng.normal(0, 40000, k)
    sqft = np.clip(nb_size[nb] * np.exp(rng.normal(0, 0.3, n)), 400, 8000).round()
    bedrooms = np.clip(np.round(sqft / 550 + rng.normal(0, 0.6, n)), 1, 7)
    bathrooms = np.clip(np.round(2 * (sqft / 900 + rng.normal(0, 0.35, n))) / 2, 1, 5)
    lot_size = np.round(sqft * np.exp(rng.normal(1.3, 0.5, n)))
    year_built = np.clip(np.round(rng.normal(1978, 22, n)), 1900, 2024)
    has_garage = rng.rand(n) < 1 / (1 + np.exp(-((sqft - 1600) / 500 + 0.8)))
    price = (30000 + 140 * sqft + 9000 * bathrooms + 4000 * bedrooms + 0.6 * lot_size
             + 900 * (year_built - 1950) + 18000 * has_garage + nb_level[nb] + rng.normal(0, 30000, n))
    price = np.maximum(price, 30000).round()
    z = (price - price.mean()) / price.std()
    lo, hi = -10.0, 10.0
    for _ in range(100):  # c with mean sigmoid(c - 1.5 z) = 20 %
        c = (lo + hi) / 2
        if np.mean(1 / (1 + np.exp(-(c - 1.5 * z)))) < MISSING_SHARE:
            lo = c
        else:
            hi = c
    missing = rng.rand(n) < 1 / (1 + np.exp(-(c - 1.5 * z)))
    is_test = np.random.RandomState(101).rand(n) < 0.2
    names = np.array([f"nb{j:02d}" for j in range(k)])
    return dict(num=np.column_stack([sqft, bedrooms, bathrooms, lot_size, year_built]), has_garage=has_garage,
                neighborhood=names[nb], price=price, missing=missing,
                train=np.flatnonzero(~is_test), test=np.flatnonzero(is_test))


def write_rows(d, out_path):
    num, test_set = d["num"], set(d["test"].tolist())
    out = []
    for i in range(len(d["price"])):
        row = {c: (None if (j == 0 and d["missing"][i]) else int(num[i, j])) for j, c in enumerate(NUMERIC)}
        row["bathrooms"] = float(num[i, 2])  # halves
        row["has_garage"] = bool(d["has_garage"][i])
        row["neighborhood"] = str(d["neighborhood"][i])
        out.append([i, "test" if i in test_set else "train", int(num[i, 0]), int(d["price"][i]), json_row(row)])
    write_copy(out_path, out)


def make_imputer(name, indicator):
    from sklearn.experimental import enable_iterative_imputer  # noqa: F401
    from sklearn.impute import IterativeImputer, KNNImputer, SimpleImputer
    from sklearn.linear_model import Ridge

    if name in ("mean", "median"):
        return SimpleImputer(strategy=name, add_indicator=indicator), False
    if name == "knn":
        return KNNImputer(n_neighbors=5, add_indicator=indicator), True
    if name == "iterative":
        return IterativeImputer(max_iter=10, random_state=0, add_indicator=indicator), False
    if name == "iterative_ridge":
        return IterativeImputer(estimator=Ridge(alpha=1.0), max_iter=1, initial_strategy="mean",
                                random_state=0, add_indicator=indicator), True
    raise ValueError(name)


def fit(out_path, n, alpha):
    import sklearn
    from sklearn.linear_model import Ridge
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    warnings.filterwarnings("ignore", message=".*Early stopping criterion not reached.*")
    d = generate(n)
    write_rows(d, out_path)
    train, test = d["train"], d["test"]
    num = d["num"].copy()
    num[d["missing"], 0] = np.nan
    enc = OneHotEncoder(handle_unknown="ignore", sparse_output=False).fit(d["neighborhood"][train].reshape(-1, 1))
    other_train = np.column_stack([d["has_garage"][train], enc.transform(d["neighborhood"][train].reshape(-1, 1))])
    other_test = np.column_stack([d["has_garage"][test], enc.transform(d["neighborhood"][test].reshape(-1, 1))])
    y_train, y_test = d["price"][train], d["price"][test]
    miss_train, miss_test = d["missing"][train], d["missing"][test]
    truth_train, truth_test = d["num"][train, 0], d["num"][test, 0]
    results = {}
    for name in ("mean", "median", "knn", "iterative", "iterative_ridge", "true"):
        # imputed once (with the indicator, which leaves the values alone); the variant without it drops it
        t = time.perf_counter()
        if name == "true":
            v_train, v_test = d["num"][train], d["num"][test]
            ind_train, ind_test = np.zeros((len(train), 0)), np.zeros((len(test), 0))
        else:
            imp, scaled = make_imputer(name, True)
            a, b = num[train], num[test]
            if scaled:
                pre = StandardScaler().fit(a)
                a, b = pre.transform(a), pre.transform(b)
            out_train, out_test = imp.fit_transform(a), imp.transform(b)
            if scaled:
                out_train[:, :5] = pre.inverse_transform(out_train[:, :5])
                out_test[:, :5] = pre.inverse_transform(out_test[:, :5])
            v_train, v_test = out_train[:, :5], out_test[:, :5]
            ind_train, ind_test = out_train[:, 5:], out_test[:, 5:]
        seconds = time.perf_counter() - t
        scaler = StandardScaler().fit(num[train] if name != "true" else v_train)  # observed values, as recsys
        for indicator in ((False,) if name == "true" else (False, True)):
            keep = ind_train.shape[1] if indicator else 0
            x_train = np.hstack([scaler.transform(v_train), ind_train[:, :keep], other_train])
            x_test = np.hstack([scaler.transform(v_test), ind_test[:, :keep], other_test])
            model = Ridge(alpha=alpha).fit(x_train, y_train)
            r = {"price_rmse": rmse(model.predict(x_test), y_test), "features": x_train.shape[1],
                 "impute_seconds": seconds}
            if name != "true":
                r["hidden_rmse_train"] = rmse(v_train[miss_train, 0], truth_train[miss_train])
                r["hidden_rmse_test"] = rmse(v_test[miss_test, 0], truth_test[miss_test])
            results[f"{name}{'+indicator' if indicator else ''}"] = r
    cheap = d["price"] < np.median(d["price"])
    print(json.dumps({
        "rows": n, "train": len(train), "test": len(test), "missing": int(d["missing"].sum()),
        "missing_train": int(miss_train.sum()), "missing_test": int(miss_test.sum()),
        "missing_rate_cheap_half": float(d["missing"][cheap].mean()),
        "missing_rate_dear_half": float(d["missing"][~cheap].mean()),
        "mean_sqft_missing": float(d["num"][d["missing"], 0].mean()),
        "mean_sqft_present": float(d["num"][~d["missing"], 0].mean()),
        "alpha": alpha, "results": results, "sklearn": sklearn.__version__, "blas": blas_info(),
    }))


SKLEARN_NAMES = {"mean": "SimpleImputer(mean)", "median": "SimpleImputer(median)",
                 "knn": "KNNImputer(k=5), standardized", "iterative": "IterativeImputer() BayesianRidge",
                 "iterative_ridge": "IterativeImputer(Ridge(1), 1 round)", "true": "true sqft"}
PAIRS = [("mean", ["mean"]), ("median", ["median"]), ("knn", ["knn"]),
         ("regression", ["iterative", "iterative_ridge"])]


def report(sk_json, recsys_json):
    sk, ours = json.loads(sk_json), json.loads(recsys_json)
    res = ours["results"]
    print(f"FEATURIZE zillow: {sk['rows']:,} generated listings, sqft missing in {sk['missing']:,} "
          f"({sk['missing_rate_cheap_half']:.1%} of the cheaper half, {sk['missing_rate_dear_half']:.1%} of the dearer; "
          f"mean true sqft {sk['mean_sqft_missing']:.0f} where missing, {sk['mean_sqft_present']:.0f} where present); "
          f"{sk['train']:,} training / {sk['test']:,} test rows ({sk['missing_train']:,} / {sk['missing_test']:,} missing); "
          f"price model ridge, Ridge(alpha={sk['alpha']:g}) = linreg_fit l2 {ours['l2']:.6g}")
    print("  recsys: featurizer_fit(row, '{\"columns\": {\"sqft\": {\"impute\": X, \"missing_indicator\": B}, "
          "\"neighborhood\": {\"encode\": \"onehot\"}}}') on the training rows; sqft RMSE from recsys.impute(f, row)->>'sqft'; "
          "linreg_fit(price, transform(f, row, true)), test RMSE of recsys.predict(m, transform(f, row))")
    print(f"  {'imputer':<22} {'sqft RMSE train/test':>21} {'price RMSE':>11} {'fit ms':>7} {'impute ms':>9}   "
          f"{'scikit-learn':<42} {'sqft RMSE train/test':>21} {'price RMSE':>11} {'s':>6}")

    def rows(ours_name, peers, suffix, label):
        r = res.get(ours_name + suffix) or {}
        for k, peer in enumerate(peers):
            s = sk["results"][peer + suffix.replace("@all", "")]
            left = (f"{label:<22} {pair(r.get('hidden_rmse_train'), r.get('hidden_rmse_test')):>21} "
                    f"{num(r.get('price_rmse'), 0):>11} {num(r.get('featurizer_ms'), 0):>7} "
                    f"{num(r.get('impute_ms'), 0):>9}") if k == 0 else " " * 73
            ind = " +ind" if "+indicator" in suffix else ""
            print(f"  {left}   {SKLEARN_NAMES[peer] + ind:<42} "
                  f"{pair(s['hidden_rmse_train'], s['hidden_rmse_test']):>21} {s['price_rmse']:>11.0f} "
                  f"{s['impute_seconds']:>6.2f}")

    for ours_name, peers in PAIRS:
        for suffix in ("", "+indicator"):
            rows(ours_name, peers, suffix, ours_name + suffix)
    r, s = res.get("true") or {}, sk["results"]["true"]
    print(f"  {'true sqft (reference)':<22} {'-':>21} {num(r.get('price_rmse'), 0):>11} {'':>7} {'':>9}   "
          f"{'true sqft':<42} {'-':>21} {s['price_rmse']:>11.0f}")
    print("  recsys with \"sample_rows\": 100000 (medians and knn donors from every training row instead of a "
          "20,000-row sample):")
    for ours_name, peers in PAIRS[1:3]:
        for suffix in ("@all", "+indicator@all"):
            rows(ours_name, peers, suffix, ours_name + suffix)
    print("  (fit ms: recsys' featurizer_fit statement over the training rows; impute ms: recsys.impute of every row "
          "missing sqft, train and test; s: scikit-learn's imputer fit + transform of both splits, once for both "
          "rows: the indicator does not change the values)")
    verdicts = []
    for ours_name, peers in PAIRS + [("median", ["median"]), ("knn", ["knn"])]:
        tag = ours_name if ours_name not in [v.split(":")[0] for v in verdicts] else ours_name + "@all"
        suffixes = ("", "+indicator") if tag == ours_name else ("@all", "+indicator@all")
        h = (res.get(ours_name + suffixes[0]) or {}).get("hidden_rmse_test")
        best = min(sk["results"][p]["hidden_rmse_test"] for p in peers)
        p_ours = min(((res.get(ours_name + sfx) or {}).get("price_rmse") or float("inf")) for sfx in suffixes)
        p_best = min(sk["results"][p + sfx]["price_rmse"] for p in peers for sfx in ("", "+indicator"))
        ok = h is not None and h <= best * 1.005 and p_ours <= p_best * 1.005
        verdicts.append(f"{tag}: sqft {num(h, 1)} vs {best:.1f}, price {num(p_ours, 0)} vs {p_best:.0f} "
                        f"{'met' if ok else 'NOT met'}")
    print("FEATURIZE zillow claim (recsys at least as accurate as scikit-learn's best counterpart: test sqft RMSE, "
          "and the better test price RMSE of with / without the indicator, within 0.5 %): " + "; ".join(verdicts))


def pair(a, b):
    return "-" if a is None or b is None else f"{a:.1f} / {b:.1f}"


def num(v, digits):
    return "-" if v is None else f"{v:.{digits}f}"


if __name__ == "__main__":
    if len(sys.argv) in (3, 4, 5) and sys.argv[1] == "fit":
        fit(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 100_000,
            float(sys.argv[4]) if len(sys.argv) > 4 else 1.0)
    elif len(sys.argv) == 4 and sys.argv[1] == "report":
        report(sys.argv[2], sys.argv[3])
    else:
        sys.exit("usage: python3 bench/featurize_zillow.py fit OUT_COPY [N] [ALPHA] | report SKLEARN_JSON RECSYS_JSON")
