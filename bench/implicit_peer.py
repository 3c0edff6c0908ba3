"""The peer `implicit` (v0.7.3, built by bench/implicit_build.sh) on the data of bench/itemknn.sh and
bench/bpr.sh, run here so that its figures sit beside recsys' from the same machine and hour.

    PYTHONPATH=/tmp/implicit-peer /usr/bin/python3 bench/implicit_peer.py movielens [u.data]
    PYTHONPATH=/tmp/implicit-peer /usr/bin/python3 bench/implicit_peer.py pairs FILE.csv [itemknn|bpr]

movielens: ANCHORS.md's protocol (bench/itemknn_reference.py's split and metrics): item neighbours
(cosine, tfidf, bm25 at K 20 and 100) and BPR (64 factors, learning rate 0.01, regularization
0.01, 100 epochs, seeds 0 and 1, 2 threads): P@10, NDCG@10, MAP@10 and the fit's seconds.
pairs: a CSV of user_id,item_id rows (a generated set exported by bench/itemknn.sh): the seconds
to make the user-item CSR from the id arrays (what recsys does inside its fit: ids indexed,
duplicates summed), then the fit from that CSR: cosine and bm25 K=20 (best of 3; implicit's
item product is serial) and BPR 64 factors 10 epochs with 1 and 2 threads (only one of the two
when named).
Each result line also goes out as "PEER name key=value ..." for the bench logs.
"""
import os
import sys
import time
import warnings

import numpy as np
import scipy.sparse as sp

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from itemknn_reference import load, metrics  # noqa: E402  (the split and metrics of the replica)

from implicit.cpu.bpr import BayesianPersonalizedRanking  # noqa: E402
from implicit.nearest_neighbours import BM25Recommender, CosineRecommender, TFIDFRecommender  # noqa: E402

# implicit warns that its own weighting hands a COO matrix on (a conversion of under 2 ms).
warnings.filterwarnings("ignore", message="Method expects CSR input")

NEIGHBOURS = {"cosine": CosineRecommender, "tfidf": TFIDFRecommender, "bm25": BM25Recommender}


def user_items(users, items):
    """Users x items CSR of weight 1 (duplicates summed), with the ids of its rows and columns."""
    user_ids, u = np.unique(users, return_inverse=True)
    item_ids, i = np.unique(items, return_inverse=True)
    m = sp.csr_matrix((np.ones(len(u), dtype=np.float32), (u, i)), shape=(len(user_ids), len(item_ids)))
    m.sum_duplicates()
    return m, user_ids, item_ids


def timed_fit(model, m, repeat):
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        model.fit(m, show_progress=False)
        best = min(best, time.perf_counter() - started)
    return best


def bpr(factors, epochs, threads, seed):
    return BayesianPersonalizedRanking(factors=factors, learning_rate=0.01, regularization=0.01,
                                       iterations=epochs, num_threads=threads, random_state=seed)


def movielens(path):
    users, items, held = load(path)
    m, user_ids, item_ids = user_items(users[~held], items[~held])
    truth = {}
    for u, i in zip(users[held], items[held]):
        truth.setdefault(u, set()).add(i)
    rows = np.arange(len(user_ids))

    def quality(model):
        ids, _ = model.recommend(rows, m[rows], N=10, filter_already_liked_items=True)
        return metrics({u: [item_ids[j] for j in ids[r] if j >= 0] for r, u in enumerate(user_ids)}, truth)

    print(f"{'implicit 0.7.3':<22} {'P@10':>7} {'NDCG@10':>8} {'MAP@10':>7} {'fit s':>7}")
    for k in (20, 100):
        for name, cls in NEIGHBOURS.items():
            model = cls(K=k)
            fit = timed_fit(model, m, 3)
            p, n, a = quality(model)
            print(f"{name + ' K=' + str(k):<22} {p:7.4f} {n:8.4f} {a:7.4f} {fit:7.3f}")
            print(f"PEER implicit_{name}_{k} p10={p:.4f} ndcg10={n:.4f} map10={a:.4f} fit_s={fit:.3f}")
    for seed in (0, 1):
        model = bpr(64, 100, 2, seed)
        fit = timed_fit(model, m, 1)
        p, n, a = quality(model)
        print(f"{'BPR seed ' + str(seed):<22} {p:7.4f} {n:8.4f} {a:7.4f} {fit:7.3f}")
        print(f"PEER implicit_bpr_seed{seed} p10={p:.4f} ndcg10={n:.4f} map10={a:.4f} fit_s={fit:.3f}")


def pairs(path, which):
    with open(path) as f:  # (np.loadtxt takes minutes on 10M rows)
        raw = np.array(f.read().replace(",", " ").split(), dtype=np.int64).reshape(-1, 2)
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        m, _, _ = user_items(raw[:, 0], raw[:, 1])
        best = min(best, time.perf_counter() - started)
    print(f"{len(raw):,} rows: {m.shape[0]:,} users x {m.shape[1]:,} items, {m.nnz:,} pairs; "
          f"CSR from the id arrays {best:.3f} s (best of 3)")
    print(f"PEER implicit_csr rows={len(raw)} s={best:.3f}")
    for name in ("cosine", "bm25") if which in ("all", "itemknn") else ():
        fit = timed_fit(NEIGHBOURS[name](K=20), m, 3)
        print(f"{name} K=20 fit {fit:.3f} s (best of 3, 1 thread)")
        print(f"PEER implicit_{name}_20 rows={len(raw)} fit_s={fit:.3f}")
    for threads in (1, 2) if which in ("all", "bpr") else ():
        fit = timed_fit(bpr(64, 10, threads, 0), m, 3)
        print(f"BPR 64 factors 10 epochs, {threads} thread(s): fit {fit:.3f} s (best of 3)")
        print(f"PEER implicit_bpr_10 rows={len(raw)} threads={threads} fit_s={fit:.3f}")


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "movielens":
        movielens(sys.argv[2] if len(sys.argv) > 2 else "/work/shared/data/ml-100k/u.data")
    elif len(sys.argv) in (3, 4) and sys.argv[1] == "pairs":
        pairs(sys.argv[2], sys.argv[3] if len(sys.argv) == 4 else "all")
    else:
        sys.exit(__doc__)
