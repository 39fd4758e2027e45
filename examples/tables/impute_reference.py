"""scikit-learn's imputers on the masks gantry's impute benchmark made: the peer for `gantry impute`.

    /usr/bin/python3 examples/tables/impute_reference.py AMPUTED.csv TRUTH.csv SEED

AMPUTED.csv holds the table with the removed cells empty, TRUTH.csv the complete table (no header). Prints one
JSON object: the RMSE on the removed cells, in units of each column's min-max range over the truth (+1e-6, as
the GAIN paper scores), of KNNImputer (5 neighbours) and IterativeImputer (BayesianRidge, 10 rounds), each run
on the raw columns and on min-max scaled columns (ranges from the observed cells; scikit-learn's docs advise
scaling before KNN), and the seconds each took. Nothing is tuned.
"""
import json
import sys
import time

import numpy as np
from sklearn.experimental import enable_iterative_imputer  # noqa: F401 (registers IterativeImputer)
from sklearn.impute import IterativeImputer, KNNImputer


def load(path):
    return np.genfromtxt(path, delimiter=',', missing_values='', filling_values=np.nan)


def rmse(truth, imputed, removed):
    lo = truth.min(axis=0)
    unit = truth.max(axis=0) - lo + 1e-6
    d = (truth - imputed) / unit
    return float(np.sqrt(np.mean(d[removed] ** 2)))


def main():
    amputed, truth, seed = load(sys.argv[1]), load(sys.argv[2]), int(sys.argv[3])
    removed = np.isnan(amputed)
    lo = np.nanmin(amputed, axis=0)
    unit = np.nanmax(amputed, axis=0) - lo + 1e-6
    out = {}
    makers = {
        'knn': lambda: KNNImputer(n_neighbors=5),
        'iterative': lambda: IterativeImputer(max_iter=10, random_state=seed),
    }
    for name, make in makers.items():
        for scaling in ('raw', 'scaled'):
            started = time.time()
            x = amputed if scaling == 'raw' else (amputed - lo) / unit
            filled = make().fit_transform(x)
            if scaling == 'scaled':
                filled = filled * unit + lo
            out[f'{name}_{scaling}'] = rmse(truth, filled, removed)
            out[f'{name}_{scaling}_seconds'] = time.time() - started
    print(json.dumps(out))


if __name__ == '__main__':
    main()
