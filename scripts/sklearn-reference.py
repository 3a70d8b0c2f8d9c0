#!/usr/bin/python3
"""Reference numbers from scikit-learn for test/sklearn-parity.test.ts.

Run once with Debian's scikit-learn (the pyenv python3 first on PATH cannot see it):

    /usr/bin/python3 scripts/sklearn-reference.py            # writes test/fixtures/sklearn-reference.json

For each dataset (tidytuesday catalogue, data_moods) and each feature set (base 6, base 6 + 3):
  - drop duplicate track ids (keep first), take the features, StandardScaler (population std);
  - KMeans k=4 and k=6, n_init=10, random_state=0 (Lloyd): inertia;
  - GaussianMixture 4 components, full and diag, random_state=0, sklearn defaults otherwise
    (init_params='kmeans', reg_covar=1e-6, tol=1e-3, max_iter=100, n_init=1): mean
    log-likelihood per sample (`score`), BIC, AIC;
  - PCA: explained variance ratio of every component;
  - data_moods only: exact silhouette (euclidean) of the KMeans k=4 labels and of the mood labels.
"""
import json
import os
import platform
import sys

import numpy as np
import pandas as pd
import sklearn
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import silhouette_score
from sklearn.mixture import GaussianMixture
from sklearn.preprocessing import StandardScaler

DATA = '/work/shared/data'
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, 'test', 'fixtures', 'sklearn-reference.json')

BASE = ['valence', 'danceability', 'energy', 'acousticness', 'tempo', 'loudness']
EXTENDED = BASE + ['speechiness', 'instrumentalness', 'liveness']
FEATURE_SETS = {'base6': BASE, 'base9': EXTENDED}

DATASETS = [
    # (key, path relative to DATA, id column)
    ('tidytuesday', 'catalogues/tidytuesday_spotify_songs.csv', 'track_id'),
    ('data_moods', 'mood_labelled/data_moods.csv', 'id'),
]


def load(rel, id_col):
    df = pd.read_csv(os.path.join(DATA, rel))
    raw_rows = len(df)
    df = df.drop_duplicates(subset=id_col, keep='first').reset_index(drop=True)
    # No feature is missing in either file (checked); dropna keeps this honest if that changes.
    df = df.dropna(subset=EXTENDED).reset_index(drop=True)
    return df, raw_rows


def main():
    out = {
        'generatedBy': 'scripts/sklearn-reference.py',
        'sklearnVersion': sklearn.__version__,
        'numpyVersion': np.__version__,
        'pandasVersion': pd.__version__,
        'python': platform.python_version(),
        'preprocessing': 'drop duplicate ids (keep first), StandardScaler (population std)',
        'kmeans': {'n_init': 10, 'random_state': 0, 'algorithm': 'lloyd', 'ks': [4, 6]},
        'gmm': {'n_components': 4, 'random_state': 0, 'reg_covar': 1e-6, 'tol': 1e-3, 'max_iter': 100,
                'n_init': 1, 'init_params': 'kmeans'},
        'datasets': {},
    }
    for key, rel, id_col in DATASETS:
        df, raw_rows = load(rel, id_col)
        ds = {'file': rel, 'idColumn': id_col, 'rawRows': raw_rows, 'rows': len(df), 'featureSets': {}}
        for fs_name, cols in FEATURE_SETS.items():
            X = StandardScaler().fit_transform(df[cols].to_numpy(dtype=np.float64))
            res = {'features': cols, 'kmeans': {}, 'gmm': {}}
            km4_labels = None
            for k in (4, 6):
                km = KMeans(n_clusters=k, n_init=10, random_state=0, algorithm='lloyd').fit(X)
                res['kmeans'][str(k)] = {'inertia': float(km.inertia_), 'nIter': int(km.n_iter_)}
                if k == 4:
                    km4_labels = km.labels_
            for cov in ('full', 'diag'):
                g = GaussianMixture(n_components=4, covariance_type=cov, random_state=0).fit(X)
                res['gmm'][cov] = {
                    'meanLogLikelihood': float(g.score(X)),
                    'bic': float(g.bic(X)),
                    'aic': float(g.aic(X)),
                    'converged': bool(g.converged_),
                    'nIter': int(g.n_iter_),
                }
            pca = PCA().fit(X)
            res['pcaExplainedVarianceRatio'] = [float(v) for v in pca.explained_variance_ratio_]
            if key == 'data_moods':
                res['silhouette'] = {
                    'kmeans4Labels': float(silhouette_score(X, km4_labels)),
                    'moodLabels': float(silhouette_score(X, df['mood'].to_numpy())),
                }
            ds['featureSets'][fs_name] = res
            print(key, fs_name, json.dumps({k: v for k, v in res.items() if k != 'features'}), file=sys.stderr)
        out['datasets'][key] = ds
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w') as f:
        json.dump(out, f, indent=2)
        f.write('\n')
    print('wrote', OUT, file=sys.stderr)


if __name__ == '__main__':
    main()
