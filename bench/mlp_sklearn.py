#!/usr/bin/env python3
"""scikit-learn's side of the MLP benchmark (bench/mlp_sklearn.sh): MLPClassifier with the
architecture and training recsys.mlp_fit is given there.

    python3 bench/mlp_sklearn.py bank DATA_DIR OUT_CSV
        UCI Bank Marketing prepared as bench/logreg_sklearn.py prepares it (62 features, the same
        stratified 80/20 split); trains EPOCHS epochs (best of 3 trainings), prints the test AUC
        and the seconds per epoch as one JSON line; writes the prepared rows to OUT_CSV
    python3 bench/mlp_sklearn.py throughput ROWS FEATURES
        generated impressions like bench/predict_speed.sql's (features uniform in [-1, 1], 2 %
        positive plus 5 % on every seventh row): rows per second per epoch over THROUGHPUT_EPOCHS

The network: hidden layers 64 and 32, ReLU, a logistic output, Adam (learning rate 1e-3), batches
of 200 rows shuffled every epoch, L2 alpha 1e-4, a fixed number of epochs (n_iter_no_change above
it, no early stopping), float64. scikit-learn adds the penalty as (alpha / 2) |W|^2 / batch size to
each batch's mean log loss (weights only, not biases).
"""
import json
import sys
import warnings

import numpy as np

from logreg_sklearn import best_time, blas_info, prepare, write_prepared

EPOCHS = 10
THROUGHPUT_EPOCHS = 2


def network(epochs):
    from sklearn.neural_network import MLPClassifier

    return MLPClassifier(hidden_layer_sizes=(64, 32), activation="relu", solver="adam", alpha=1e-4,
                         batch_size=200, learning_rate_init=1e-3, max_iter=epochs, shuffle=True,
                         early_stopping=False, n_iter_no_change=epochs + 1, random_state=1)


def train(x, y, epochs, repeats):
    """(seconds per epoch of the fastest training, the model)."""
    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # it stops after `epochs`, as asked
        seconds, model = best_time(lambda: network(epochs).fit(x, y), repeats)
    assert model.n_iter_ == epochs, model.n_iter_
    return seconds / epochs, model


def bank(data_dir, out_path):
    import sklearn
    from sklearn.metrics import roc_auc_score

    x, y, train_rows, test_rows = prepare("bank", data_dir)
    per_epoch, model = train(x[train_rows], y[train_rows], EPOCHS, repeats=3)
    write_prepared(out_path, x, y, train_rows)
    print(json.dumps({
        "train": len(train_rows), "test": len(test_rows), "features": x.shape[1], "epochs": EPOCHS,
        "seconds_per_epoch": per_epoch,
        "test_auc": roc_auc_score(y[test_rows], model.predict_proba(x[test_rows])[:, 1]),
        "sklearn": sklearn.__version__, "blas": blas_info(),
    }))


def throughput(rows, features):
    rows, features = int(rows), int(features)
    rng = np.random.RandomState(0)
    x = rng.uniform(-1, 1, size=(rows, features))
    y = rng.uniform(size=rows) < 0.02 + 0.05 * (np.arange(1, rows + 1) % 7 == 0)
    per_epoch, _ = train(x, y, THROUGHPUT_EPOCHS, repeats=1)
    print(json.dumps({"rows": rows, "features": features, "epochs": THROUGHPUT_EPOCHS,
                      "seconds_per_epoch": per_epoch, "rows_per_second": rows / per_epoch}))


if __name__ == "__main__":
    commands = {"bank": bank, "throughput": throughput}
    if len(sys.argv) != 4 or sys.argv[1] not in commands:
        sys.exit("usage: python3 bench/mlp_sklearn.py bank DATA_DIR OUT_CSV | throughput ROWS FEATURES")
    commands[sys.argv[1]](*sys.argv[2:])
