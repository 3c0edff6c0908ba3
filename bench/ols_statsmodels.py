#!/usr/bin/env python3
"""statsmodels' side of the OLS benchmark (bench/ols_statsmodels.sh).

Data: Kaggle House Prices, train.csv (1,460 rows; under DATA_DIR, ../shared/data), log(SalePrice)
on eleven numeric columns that have no missing value, as they are (not standardized: years near
2000 next to lot areas near 10,000 make a badly conditioned X'X, which is the point).

    python3 bench/ols_statsmodels.py fit DATA_DIR OUT_CSV
        fits sm.OLS(y, sm.add_constant(x)) (best of 7, the fit and every statistic the comparison
        reads, as recsys computes them all when it fits; and the fit alone), prints its results as one JSON line, writes the rows to OUT_CSV (id, y, features
        as a PostgreSQL array literal) for \\copy
    python3 bench/ols_statsmodels.py compare STATSMODELS_JSON RECSYS_JSON
        prints how far recsys' coefficients and statistics are from statsmodels'
"""
import csv
import json
import os
import sys

import numpy as np

from logreg_sklearn import best_time, blas_info

FEATURES = ["LotArea", "OverallQual", "OverallCond", "YearBuilt", "YearRemodAdd", "GrLivArea",
            "TotRmsAbvGrd", "FullBath", "BedroomAbvGr", "Fireplaces", "GarageCars"]
# our statistics key: statsmodels' result attribute
STATISTICS = {"r_squared": "rsquared", "adj_r_squared": "rsquared_adj", "f_statistic": "fvalue",
              "f_p_value": "f_pvalue", "condition_number": "condition_number", "df_residual": "df_resid"}


def fit(data_dir, out_path):
    import statsmodels
    import statsmodels.api as sm

    with open(os.path.join(data_dir, "house-prices", "train.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    x = np.array([[float(r[c]) for c in FEATURES] for r in rows])
    y = np.log(np.array([float(r["SalePrice"]) for r in rows]))

    def fit_all():
        r = sm.OLS(y, sm.add_constant(x)).fit()
        (r.bse, r.tvalues, r.pvalues, r.fvalue, r.f_pvalue, r.rsquared_adj, r.condition_number)
        return r

    seconds, r = best_time(fit_all)
    seconds_params, _ = best_time(lambda: sm.OLS(y, sm.add_constant(x)).fit())
    with open(out_path, "w", newline="") as f:
        w = csv.writer(f)
        for i in range(len(y)):
            w.writerow([i, repr(y[i]), "{" + ",".join(repr(v) for v in x[i]) + "}"])
    out = {"rows": len(y), "features": FEATURES, "fit_s": seconds, "fit_params_only_s": seconds_params,
           "params": list(r.params), "bse": list(r.bse), "tvalues": list(r.tvalues),
           "pvalues": list(r.pvalues), "residual_std_error": float(np.sqrt(r.scale)),
           "statsmodels": statsmodels.__version__, "blas": blas_info()}
    out.update({ours: float(getattr(r, theirs)) for ours, theirs in STATISTICS.items()})
    print(json.dumps(out))


def relative(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300)))


def compare(sm_json, recsys_json):
    sm, ours = json.loads(sm_json), json.loads(recsys_json)
    rows = sorted(ours["coefficients"], key=lambda c: c["feature"])
    names = [c["name"] for c in rows[1:]]
    if names != sm["features"]:
        print(f"OLS warning: recsys names the features {names}, expected {sm['features']}")

    def column(key):
        return [c[key] for c in rows]

    coef, se = relative(column("coefficient"), sm["params"]), relative(column("std_error"), sm["bse"])
    print(f"OLS max relative difference from statsmodels: coefficients {coef:.1e}, standard errors {se:.1e} "
          f"(target 1e-8: {'met' if max(coef, se) <= 1e-8 else 'NOT met'}); t statistics "
          f"{relative(column('t_stat'), sm['tvalues']):.1e}; p-values (absolute) "
          f"{np.max(np.abs(np.subtract(column('p_value'), sm['pvalues']))):.1e}")
    stats = ours["statistics"] or {}

    def difference(key):
        if key not in stats:
            return f"{key} missing"
        if key == "f_p_value":
            return f"{key} {abs(stats[key] - sm[key]):.1e} (absolute)"
        return f"{key} {relative(stats[key], sm[key]):.1e}"

    print("OLS statistics, relative difference: " +
          ", ".join(difference(k) for k in list(STATISTICS) + ["residual_std_error"]))
    print(f"OLS fit: statsmodels {1000 * sm['fit_s']:.2f} ms, recsys {ours['fit_ms']:.2f} ms "
          f"({1000 * sm['fit_s'] / ours['fit_ms']:.1f}x), recsys whole statement {ours['statement_ms']:.2f} ms "
          f"({1000 * sm['fit_s'] / ours['statement_ms']:.1f}x); best of 7 each; statsmodels {sm['statsmodels']} "
          f"on {sm['blas']}; its fit without the statistics (OLS(...).fit() alone) {1000 * sm['fit_params_only_s']:.2f} ms")


if __name__ == "__main__":
    commands = {"fit": fit, "compare": compare}
    if len(sys.argv) != 4 or sys.argv[1] not in commands:
        sys.exit("usage: python3 bench/ols_statsmodels.py fit DATA_DIR OUT_CSV | compare SM_JSON RECSYS_JSON")
    commands[sys.argv[1]](*sys.argv[2:])
