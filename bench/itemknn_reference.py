"""A plain numpy/scipy replica of implicit's item-item recommenders (v0.7.3's definitions in
nearest_neighbours.py and _nearest_neighbours.pyx, re-derived, not copied), to check recsys's
itemknn_fit on MovieLens 100K where implicit itself is not installed (bench/itemknn.sh).

    /usr/bin/python3 bench/itemknn_reference.py [u.data] [--compare recsys.csv]

Split: per user the chronologically last max(1, round(n/5)) ratings held out (ties: the larger
item id first), weight 1, as ../shared/ANCHORS.md. For cosine / bm25 / tfidf at K = 20 and 100:
the weighted item-user rows, S = W W^T, each item's K best neighbours (itself included) chosen
with implicit's rule (a bounded heap fed in reverse first-touch order that admits an equal score
only while not full), scores = user row x pruned S, seen items out, top 10. Prints P@10, NDCG@10,
MAP@10. With --compare FILE (user_id,item_id,score,rank rows of recsys.recommend for one
configuration, named in the file's first line as "# cosine 20"), also the largest score
difference and how many top-10 lists differ.
"""
import heapq
import sys
import time

import numpy as np
import scipy.sparse as sp


def load(path):
    raw = np.loadtxt(path, dtype=np.int64)
    users, items, ts = raw[:, 0], raw[:, 1], raw[:, 3]
    held = np.zeros(len(raw), dtype=bool)
    for u in np.unique(users):
        rows = np.flatnonzero(users == u)
        order = rows[np.lexsort((-items[rows], -ts[rows]))]  # newest first, ties: larger item first
        n_out = max(1, int(np.floor(len(rows) / 5.0 + 0.5)))  # PostgreSQL's round: half away from 0
        held[order[:n_out]] = True
    return users, items, held


def weighted_items(counts, similarity, k1=1.2, b=0.75):
    """counts: items x users CSR (float64). The rows implicit multiplies."""
    x = counts.tocoo()
    n_items = counts.shape[0]
    per_user = np.bincount(x.col, minlength=counts.shape[1]).astype(np.float64)
    idf = np.log(n_items) - np.log1p(per_user)
    if similarity == "cosine":
        data = x.data.copy()
    elif similarity == "tfidf":
        data = np.sqrt(x.data) * idf[x.col]
    else:
        length = np.asarray(counts.sum(axis=1)).ravel()
        norm = (1.0 - b) + b * length / length.mean()
        data = x.data * (k1 + 1.0) / (k1 * norm[x.row] + x.data) * idf[x.col]
    w = sp.csr_matrix((data, (x.row, x.col)), shape=counts.shape)
    if similarity != "bm25":
        norms = np.sqrt(np.asarray(w.multiply(w).sum(axis=1)).ravel())
        norms[norms == 0] = 1
        w = sp.csr_matrix(sp.diags(1 / norms) @ w)
    w.sort_indices()
    return w


def pruned_similarity(w, k):
    """Each item's k best neighbours by implicit's rule; returns a dense items x items matrix."""
    by_user = sp.csr_matrix(w.T)
    by_user.sort_indices()
    n = w.shape[0]
    out = np.zeros((n, n))
    for i in range(n):
        sums, order = {}, []
        for a in range(w.indptr[i], w.indptr[i + 1]):
            u, wi = w.indices[a], w.data[a]
            for c in range(by_user.indptr[u], by_user.indptr[u + 1]):
                j = by_user.indices[c]
                if j not in sums:
                    sums[j] = 0.0
                    order.append(j)
                sums[j] += by_user.data[c] * wi
        heap = []  # (score, item): the worst on top
        for j in reversed(order):
            if len(heap) < k:
                heapq.heappush(heap, (sums[j], j))
            elif sums[j] > heap[0][0]:
                heapq.heapreplace(heap, (sums[j], j))
        for s, j in heap:
            out[i, j] = s
    return out


def metrics(top, truth):
    p = ndcg = ap = 0.0
    for u, rec in top.items():
        rel = truth[u]
        hits = [1.0 if r in rel else 0.0 for r in rec[:10]]
        p += sum(hits) / 10
        dcg = sum(h / np.log2(i + 2) for i, h in enumerate(hits))
        ideal = sum(1 / np.log2(i + 2) for i in range(min(len(rel), 10)))
        ndcg += dcg / ideal
        found, s = 0, 0.0
        for i, h in enumerate(hits):
            if h:
                found += 1
                s += found / (i + 1)
        ap += s / min(len(rel), 10)
    n = len(top)
    return p / n, ndcg / n, ap / n


def main():
    args = sys.argv[1:]
    compare = None
    if "--compare" in args:
        compare = args[args.index("--compare") + 1]
        args = args[: args.index("--compare")]
    path = args[0] if args else "/work/shared/data/ml-100k/u.data"
    users, items, held = load(path)
    train_users, train_items = users[~held], items[~held]
    user_ids, ui = np.unique(train_users, return_inverse=True)
    item_ids, ii = np.unique(train_items, return_inverse=True)
    counts = sp.csr_matrix((np.ones(len(ui)), (ii, ui)), shape=(len(item_ids), len(user_ids)))
    counts.sum_duplicates()
    user_rows = sp.csr_matrix(counts.T)
    truth = {}
    for u, i in zip(users[held], items[held]):
        truth.setdefault(u, set()).add(i)
    configs = [(s, k) for k in (20, 100) for s in ("cosine", "bm25", "tfidf")]
    wanted = None
    if compare:
        with open(compare) as f:
            wanted = tuple(f.readline().lstrip("#").split())
        configs = [(wanted[0], int(wanted[1]))]
    print(f"{'replica':<14} {'P@10':>7} {'NDCG@10':>8} {'MAP@10':>7} {'fit s':>7}")
    for similarity, k in configs:
        started = time.perf_counter()
        sim = pruned_similarity(weighted_items(counts, similarity), k)
        fit = time.perf_counter() - started
        scores = user_rows @ sim
        scores[user_rows.nonzero()] = -np.inf
        top = {}
        for r, u in enumerate(user_ids):
            order = np.lexsort((np.arange(len(item_ids)), -scores[r]))[:10]  # ties: lower index
            top[u] = [item_ids[j] for j in order]
        p, n, m = metrics(top, truth)
        print(f"{similarity + ' K=' + str(k):<14} {p:7.4f} {n:8.4f} {m:7.4f} {fit:7.2f}")
        if compare:
            got = np.genfromtxt(compare, delimiter=",", comments="#")
            index = {v: j for j, v in enumerate(item_ids)}
            urow = {v: j for j, v in enumerate(user_ids)}
            diff = max(abs(scores[urow[int(u)], index[int(i)]] - s) / max(1.0, abs(s)) for u, i, s, _ in got)
            lists = {}
            for u, i, s, r in got:
                lists.setdefault(int(u), []).append((int(r), int(i)))
            differ = sum(1 for u, l in lists.items() if [i for _, i in sorted(l)] != top[u])
            print(f"recsys vs replica: largest relative score difference {diff:.2e}; "
                  f"{differ} of {len(lists)} top-10 lists differ (in order)")


if __name__ == "__main__":
    main()
