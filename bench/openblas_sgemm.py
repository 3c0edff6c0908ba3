#!/usr/bin/python3
"""Reference peak: numpy (Debian's python3-numpy on OpenBLAS) float32 matrix multiply.

    OPENBLAS_CORETYPE=SkylakeX OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/openblas_sgemm.py [n]

Prints GFLOP/s of an n x n by n x n float32 product (default 4096), best of 3. Name the kernel
with OPENBLAS_CORETYPE for this command only (OpenBLAS 0.3.21 does not recognise the newest CPUs
and falls back to a generic kernel); see ANCHORS / bench/README.md.
"""
import os
import sys
import time

import numpy as np

n = int(sys.argv[1]) if len(sys.argv) > 1 else 4096
rng = np.random.default_rng(0)
a = rng.random((n, n), dtype=np.float32)
b = rng.random((n, n), dtype=np.float32)
a @ b  # warm-up
best = float("inf")
for _ in range(3):
    t0 = time.perf_counter()
    a @ b
    best = min(best, time.perf_counter() - t0)
threads = os.environ.get("OPENBLAS_NUM_THREADS", "default")
core = os.environ.get("OPENBLAS_CORETYPE", "auto")
print(f"  numpy/OpenBLAS sgemm {n}^3, OPENBLAS_CORETYPE={core}, {threads} thread(s): "
      f"{2 * n**3 / best / 1e9:.1f} GFLOP/s")
