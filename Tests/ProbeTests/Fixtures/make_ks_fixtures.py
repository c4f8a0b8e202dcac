#!/usr/bin/env python3
"""Writes ks_2samp.json next to this script: deterministic samples and what
scipy.stats.ks_2samp (default method='auto') says of them, for KolmogorovSmirnovTests
(dev-time; `pip install scipy`)."""
import json, os
import numpy as np
import scipy
from scipy.stats import ks_2samp

rng = np.random.default_rng(7)
cases = [(3, 3, 0.0), (10, 10, 0.5), (40, 40, 0.3), (40, 37, 0.2), (12, 30, 1.0), (100, 400, 0.15),
         (400, 400, 0.1), (7, 5, 0.0), (250, 10001, 0.05)]
out = {"scipy": scipy.__version__, "cases": []}
for n1, n2, shift in cases:
    a = np.round(rng.normal(0, 1, n1), 3)
    b = np.round(rng.normal(shift, 1, n2), 3)
    r = ks_2samp(a, b)
    out["cases"].append({"a": a.tolist(), "b": b.tolist(), "statistic": float(r.statistic), "pValue": float(r.pvalue)})
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "ks_2samp.json"), "w") as f:
    json.dump(out, f)
