#!/usr/bin/env python3
"""scikit-learn's side of the categorical-encoding benchmark (bench/featurize_bank.sh), and the rows
recsys reads. Logistic regression with C = 1 (recsys: l2 = 1 / n_train), fitted to the exact optimum
(solver newton-cholesky, or lbfgs with tol 1e-10 on sparse hashed features), test log loss.

1. UCI Bank Marketing (bank-additional.csv, 4,119 rows; ../shared/ANCHORS.md's protocol:
   `duration` dropped, the stratified 80/20 split of bench/logreg_sklearn.py, random_state=0): 9
   numeric columns standardized with the training rows' statistics, the 10 categorical columns
   encoded
     onehot   OneHotEncoder(handle_unknown="ignore"), every level of the training rows
     target   by hand (scikit-learn 1.2 has no TargetEncoder; it came in 1.3): recsys' rule,
              (sum_y + 10 prior) / (count + 10), out-of-fold on the training rows (5 random folds),
              all training rows for the test rows, unseen levels the prior
     hash     FeatureHasher(n_features=32, input_type="string", alternate_sign=False), one per column
              (recsys: 32 buckets a column, 1 in bucket hash(value) % 32; a different hash function,
              so the collisions differ)
2. Generated ad clicks: N_ROWS rows (default 200,000) with 100,000 distinct ad ids (every id once,
   then ids drawn Zipf-like, P(id = k) ~ k^-0.9), each id with a planted click propensity
   effect = 0.3 z(log popularity) + N(0, 0.8^2) (so popular ads are clicked somewhat more), plus two
   numeric columns x1, x2 ~ N(0, 1) and a 5-level categorical `channel`;
   P(click) = sigmoid(-2.2 + 0.6 x1 - 0.4 x2 + channel effect + ad effect); random 80/20 split
   (RandomState(7)). `ad_id` encoded: dropped, target (by hand as above), hash with 32 and 256
   buckets (FeatureHasher, sparse), frequency (share of training rows, by hand); x1, x2 standardized,
   channel one-hot. The log loss of the true probabilities is the floor no model can beat.

    python3 bench/featurize_bank.py fit DATA_DIR OUT_BANK_COPY OUT_ADS_COPY [N_ROWS]
        prints one JSON line; writes the rows for COPY (text format): rn, split, label, row (jsonb)
    python3 bench/featurize_bank.py report SKLEARN_JSON RECSYS_JSON
"""
import json
import sys
import time

import numpy as np

from featurize_common import (blas_info, frequency_encode, json_number, json_row, target_encode,
                              write_copy)
from logreg_sklearn import DATASETS, read_bank

ADS = 100_000
BUCKETS = 32


def logloss(y, p):
    p = np.clip(p, 1e-15, 1 - 1e-15)
    return float(-np.mean(np.where(y, np.log(p), np.log(1 - p))))


def fit_logreg(x, y, n_train):
    """LogisticRegression(C=1) to the exact optimum: (seconds, model)."""
    import scipy.sparse as sp
    from sklearn.linear_model import LogisticRegression

    t = time.perf_counter()
    if sp.issparse(x):
        model = LogisticRegression(C=1.0, tol=1e-10, max_iter=100000).fit(x, y)
    else:
        model = LogisticRegression(C=1.0, solver="newton-cholesky", tol=1e-10, max_iter=1000).fit(x, y)
    return time.perf_counter() - t, model


def standardize(train, test):
    mean, std = train.mean(axis=0), train.std(axis=0)
    std[std == 0] = 1
    return (train - mean) / std, (test - mean) / std


def onehot(train_values, test_values):
    from sklearn.preprocessing import OneHotEncoder

    enc = OneHotEncoder(handle_unknown="ignore", sparse_output=False).fit(np.asarray(train_values).reshape(-1, 1))
    return (enc.transform(np.asarray(train_values).reshape(-1, 1)),
            enc.transform(np.asarray(test_values).reshape(-1, 1)))


def hashed(train_values, test_values, buckets, sparse=False):
    from sklearn.feature_extraction import FeatureHasher

    h = FeatureHasher(n_features=buckets, input_type="string", alternate_sign=False)
    a = h.transform([[str(v)] for v in train_values])
    b = h.transform([[str(v)] for v in test_values])
    return (a, b) if sparse else (a.toarray(), b.toarray())


# ------------------------------------------------------------------ Bank Marketing

def bank(data_dir, out_path):
    from sklearn.model_selection import train_test_split

    _, numeric_columns, categorical_columns = DATASETS["bank"]
    rows, y = read_bank(data_dir)
    idx = np.arange(len(rows))
    train, test = train_test_split(idx, test_size=0.2, stratify=y, random_state=0)
    test_set = set(test.tolist())
    write_copy(out_path, [[i, "test" if i in test_set else "train", "t" if y[i] else "f",
                           json_row({**{c: json_number(float(r[c])) for c in numeric_columns},
                                     **{c: r[c] for c in categorical_columns}})]
                          for i, r in enumerate(rows)])
    num = np.array([[float(r[c]) for c in numeric_columns] for r in rows])
    num_train, num_test = standardize(num[train], num[test])
    cats = {c: np.array([r[c] for r in rows], dtype=object) for c in categorical_columns}
    results = {}
    for encoding in ("onehot", "target", "hash"):
        blocks_train, blocks_test = [num_train], [num_test]
        for c in categorical_columns:
            a, b = cats[c][train], cats[c][test]
            if encoding == "onehot":
                a, b = onehot(a, b)
            elif encoding == "target":
                a, b = target_encode(a, y[train], b)
                a, b = a.reshape(-1, 1), b.reshape(-1, 1)
            else:
                a, b = hashed(a, b, BUCKETS)
            blocks_train.append(a)
            blocks_test.append(b)
        x_train, x_test = np.hstack(blocks_train), np.hstack(blocks_test)
        seconds, model = fit_logreg(x_train, y[train], len(train))
        results[encoding] = {"logloss": logloss(y[test], model.predict_proba(x_test)[:, 1]),
                             "features": x_train.shape[1], "fit_seconds": seconds}
    return {"rows": len(rows), "train": len(train), "test": len(test), "results": results}


# ------------------------------------------------------------------ generated ad ids

def ads(out_path, n_rows):
    rng = np.random.RandomState(2026)
    weights = np.arange(1, ADS + 1, dtype=float) ** -0.9
    weights /= weights.sum()
    ad = np.concatenate([rng.permutation(ADS) + 1, rng.choice(ADS, size=n_rows - ADS, p=weights) + 1])
    log_pop = np.log(weights)
    effect = 0.3 * (log_pop - log_pop.mean()) / log_pop.std() + rng.normal(0, 0.8, ADS)
    x1, x2 = rng.normal(size=n_rows), rng.normal(size=n_rows)
    channels = np.array(["email", "search", "social", "display", "video"])
    channel_effect = np.array([0.4, 0.2, 0.0, -0.3, -0.1])
    ch = rng.randint(0, 5, size=n_rows)
    p = 1 / (1 + np.exp(-(-2.2 + 0.6 * x1 - 0.4 * x2 + channel_effect[ch] + effect[ad - 1])))
    y = rng.rand(n_rows) < p
    is_test = np.random.RandomState(7).rand(n_rows) < 0.2
    train, test = np.flatnonzero(~is_test), np.flatnonzero(is_test)
    write_copy(out_path, [[i, "test" if is_test[i] else "train", "t" if y[i] else "f",
                           json_row({"ad_id": int(ad[i]), "x1": float(x1[i]), "x2": float(x2[i]),
                                     "channel": str(channels[ch[i]])})]
                          for i in range(n_rows)])
    import scipy.sparse as sp

    num_train, num_test = standardize(np.column_stack([x1, x2])[train], np.column_stack([x1, x2])[test])
    ch_train, ch_test = onehot(channels[ch][train], channels[ch][test])
    base_train, base_test = np.hstack([num_train, ch_train]), np.hstack([num_test, ch_test])
    results = {}
    for encoding in ("drop", "target", "hash32", "hash256", "frequency"):
        a, b = ad[train], ad[test]
        if encoding == "drop":
            x_train, x_test = base_train, base_test
        elif encoding == "target":
            a, b = target_encode(a, y[train], b)
            x_train, x_test = np.column_stack([base_train, a]), np.column_stack([base_test, b])
        elif encoding == "frequency":
            a, b = frequency_encode(a, b)
            x_train, x_test = np.column_stack([base_train, a]), np.column_stack([base_test, b])
        else:
            a, b = hashed(a, b, int(encoding[4:]), sparse=True)
            x_train = sp.hstack([sp.csr_matrix(base_train), a]).tocsr()
            x_test = sp.hstack([sp.csr_matrix(base_test), b]).tocsr()
        seconds, model = fit_logreg(x_train, y[train], len(train))
        results[encoding] = {"logloss": logloss(y[test], model.predict_proba(x_test)[:, 1]),
                             "features": x_train.shape[1], "fit_seconds": seconds}
    train_ads = set(ad[train].tolist())
    return {"rows": n_rows, "train": len(train), "test": len(test), "ads": int(len(np.unique(ad))),
            "ads_in_train": len(train_ads), "click_rate": float(y.mean()),
            "test_rows_unseen_ad": int(sum(1 for v in ad[test] if v not in train_ads)),
            "oracle_logloss": logloss(y[test], p[test]), "results": results}


def fit(data_dir, bank_path, ads_path, n_rows):
    import sklearn

    print(json.dumps({"bank": bank(data_dir, bank_path), "ads": ads(ads_path, n_rows),
                      "sklearn": sklearn.__version__, "blas": blas_info()}))


# ------------------------------------------------------------------ report

def report(sk_json, recsys_json):
    sk, ours = json.loads(sk_json), json.loads(recsys_json)
    b, rb = sk["bank"], ours["bank"]
    print(f"FEATURIZE bank: UCI Bank Marketing, {b['train']} training / {b['test']} test rows, 9 numeric columns "
          f"standardized + 10 categorical columns encoded; logistic regression C = 1 (recsys l2 = 1/n_train = "
          f"{ours['bank_l2']:.6g}); test log loss")
    print(f"  {'encoding':<10} {'recsys':>9} {'features':>8}   {'scikit-learn':>12} {'features':>8}   scikit-learn side")
    peer = {"onehot": "OneHotEncoder", "target": "by hand: out-of-fold, smoothing 10 (no TargetEncoder in 1.2)",
            "hash": "FeatureHasher(32) per column", "auto": "(recsys' default; no counterpart)"}
    for enc in ("onehot", "target", "hash", "auto"):
        r = rb.get(enc) or {}
        s = b["results"].get(enc)
        print(f"  {enc:<10} {fmt(r.get('logloss')):>9} {r.get('features', '-'):>8}   "
              f"{fmt(s and s['logloss']):>12} {(s or {}).get('features', '-'):>8}   {peer[enc]}")
    a, ra = sk["ads"], ours["ads"]
    print(f"FEATURIZE bank ads: generated clicks, {a['rows']:,} rows, {a['ads']:,} distinct ad ids with a planted "
          f"propensity ({a['ads_in_train']:,} in training; {a['test_rows_unseen_ad']:,} test rows with an ad never "
          f"seen), click rate {a['click_rate']:.3f}; {a['train']:,} training / {a['test']:,} test rows; logistic "
          f"regression C = 1 (l2 {ours['ads_l2']:.6g}); x1, x2 numeric, channel one-hot, ad_id encoded as below; "
          f"test log loss (true probabilities: {a['oracle_logloss']:.5f})")
    print(f"  {'ad_id':<42} {'recsys':>9} {'features':>8} {'fit ms':>8}   {'scikit-learn':>12}   scikit-learn side")
    peer = {"drop": ("drop", "dropped"), "auto": (None, ""), "target": ("target", "by hand, all levels"),
            "target_all": ("target", "by hand, all levels"), "hash32": ("hash32", "FeatureHasher(32)"),
            "hash256": ("hash256", "FeatureHasher(256)"), "frequency": ("frequency", "by hand, all levels"),
            "frequency_all": ("frequency", "by hand, all levels")}
    label = {"drop": 'dropped ("type": "ignore")', "auto": "auto (the default; target with a target)",
             "target": "target (max_levels 10000, default)", "target_all": "target, max_levels 100000",
             "hash32": "hash, 32 buckets (default)", "hash256": "hash, 256 buckets",
             "frequency": "frequency (max_levels 10000, default)", "frequency_all": "frequency, max_levels 100000"}
    for enc in ("drop", "auto", "target", "target_all", "hash32", "hash256", "frequency", "frequency_all"):
        r = ra.get(enc) or {}
        key, side = peer[enc]
        s = a["results"].get(key) if key else None
        ms = r.get("featurizer_ms")
        print(f"  {label[enc]:<42} {fmt(r.get('logloss')):>9} {r.get('features', '-'):>8} "
              f"{('-' if ms is None else f'{ms:.0f}'):>8}   {fmt(s and s['logloss']):>12}   {side}")
    print("  (fit ms: the featurizer_fit statement over the training rows, one backend)")
    print("FEATURIZE bank test log loss, recsys / scikit-learn: " + "; ".join(
        f"{enc} {fmt((rb.get(enc) or {}).get('logloss'))} / {fmt(b['results'][enc]['logloss'])}"
        for enc in ("onehot", "target", "hash")))
    print("FEATURIZE bank ads test log loss, recsys / scikit-learn: " + "; ".join(
        f"{enc} {fmt((ra.get(enc) or {}).get('logloss'))} / {fmt((a['results'].get(peer[enc][0]) or {}).get('logloss'))}"
        for enc in ("drop", "target", "target_all", "hash32", "hash256", "frequency", "frequency_all"))
        + f"; true probabilities {a['oracle_logloss']:.5f}")


def fmt(v):
    return "-" if v is None else f"{v:.5f}"


if __name__ == "__main__":
    if len(sys.argv) in (5, 6) and sys.argv[1] == "fit":
        fit(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]) if len(sys.argv) == 6 else 200_000)
    elif len(sys.argv) == 4 and sys.argv[1] == "report":
        report(sys.argv[2], sys.argv[3])
    else:
        sys.exit("usage: python3 bench/featurize_bank.py fit DATA_DIR OUT_BANK OUT_ADS [N_ROWS] | report SK RECSYS")
