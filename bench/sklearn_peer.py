#!/usr/bin/python3
"""scikit-learn side of `npm run bench:sklearn` (run by bench/sklearn.ts, one task per process).

Usage: /usr/bin/python3 bench/sklearn_peer.py '<json task spec>'
Needs Debian's python3-sklearn (apt-get install python3-sklearn python3-pandas): a pyenv or venv
python3 earlier on PATH usually does not see it, hence the absolute /usr/bin/python3.
Exit code 2 with a message when scikit-learn, numpy or pandas is missing.

Like the Node side: load the input untimed, gc, reset the RSS high-water mark (write "5" to
/proc/self/clear_refs), time the task with perf_counter, read VmHWM, print one line
`BENCH_RESULT {json}`.
"""
import gc
import json
import sys
import time
import warnings

try:
    import numpy as np
    import pandas as pd
    import sklearn
    from sklearn.cluster import KMeans
    from sklearn.mixture import GaussianMixture
    from sklearn.metrics import silhouette_score
    from sklearn.neural_network import MLPClassifier
    from sklearn.exceptions import ConvergenceWarning
except ImportError as e:  # pragma: no cover - depends on the machine
    sys.stderr.write(
        f"bench:sklearn needs scikit-learn, numpy and pandas for {sys.executable} ({e}).\n"
        "On Debian: sudo apt-get install python3-sklearn python3-pandas, and run with /usr/bin/python3.\n"
    )
    sys.exit(2)


def status_kb(field):
    try:
        with open('/proc/self/status') as f:
            for line in f:
                if line.startswith(field + ':'):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def reset_peak():
    gc.collect()
    try:
        with open('/proc/self/clear_refs', 'w') as f:
            f.write('5')
    except OSError:
        pass
    return (status_kb('VmRSS') or 0) / 1024


def peak_mb():
    return (status_kb('VmHWM') or float('nan')) / 1024


def read_numeric(path, max_rows=None):
    df = pd.read_csv(path, nrows=max_rows, float_precision='round_trip')
    y = df.pop('y').to_numpy(np.int64) if 'y' in df.columns else None
    X = np.ascontiguousarray(df.to_numpy(np.float64))
    del df
    return X, y


def mlp(batch, epochs):
    # Same network as moodscape's (64-32 ReLU, softmax, Adam, lr 1e-3), no L2, exactly `epochs`
    # epochs (tol=0 and n_iter_no_change=epochs disable sklearn's stopping). sklearn has no dropout.
    return MLPClassifier(hidden_layer_sizes=(64, 32), alpha=0.0, batch_size=batch, max_iter=epochs,
                         solver='adam', learning_rate_init=1e-3, early_stopping=False,
                         n_iter_no_change=epochs, tol=0.0, shuffle=True, random_state=0)


CPU0 = [None]
CPU = [float('nan')]


def clock():
    # perf_counter for wall time; the first call starts the CPU clock, later calls stop it.
    if CPU0[0] is None:
        CPU0[0] = time.process_time()
    else:
        CPU[0] = time.process_time() - CPU0[0]
    return time.perf_counter()


def run(spec):
    task, p = spec['task'], spec['params']
    if task == 'ingest':
        base = reset_peak()
        t0 = clock()
        df = pd.read_csv(p['file'])
        t1 = clock()
        return t1 - t0, base, {'rows': len(df)}
    if task == 'kmeans':
        X, _ = read_numeric(p['file'], p['rows'])
        base = reset_peak()
        t0 = clock()
        m = KMeans(n_clusters=p['k'], n_init=p['nInit'], random_state=0).fit(X)
        t1 = clock()
        return t1 - t0, base, {'inertia': float(m.inertia_), 'nIter': int(m.n_iter_)}
    if task == 'gmm':
        X, _ = read_numeric(p['file'], p['rows'])
        base = reset_peak()
        t0 = clock()
        g = GaussianMixture(n_components=p['k'], covariance_type='full', random_state=0).fit(X)
        t1 = clock()
        return t1 - t0, base, {'meanLogLik': float(g.score(X)), 'nIter': int(g.n_iter_), 'converged': bool(g.converged_)}
    if task == 'silhouette':
        X, y = read_numeric(p['file'])
        base = reset_peak()
        t0 = clock()
        s = silhouette_score(X, y)
        t1 = clock()
        return t1 - t0, base, {'silhouette': float(s)}
    if task == 'mlp':
        X, y = read_numeric(p['train'])
        Xt, yt = read_numeric(p['test'])
        base = reset_peak()
        t0 = clock()
        with warnings.catch_warnings():
            warnings.simplefilter('ignore', ConvergenceWarning)
            m = mlp(p['batch'], p['epochs']).fit(X, y)
        t1 = clock()
        return t1 - t0, base, {'accuracy': float((m.predict(Xt) == yt).mean()), 'epochs': int(m.n_iter_)}
    if task == 'predict':
        X, y = read_numeric(p['train'])
        with warnings.catch_warnings():
            warnings.simplefilter('ignore', ConvergenceWarning)
            m = mlp(256, p['fitEpochs']).fit(X, y)
        Xp, _ = read_numeric(p['file'])
        del X, y
        base = reset_peak()
        t0 = clock()
        proba = m.predict_proba(Xp)
        t1 = clock()
        return t1 - t0, base, {'rowsPerSecond': len(Xp) / (t1 - t0), 'rows': int(proba.shape[0])}
    raise SystemExit(f'unknown task {task}')


def main():
    spec = json.loads(sys.argv[1])
    if spec['task'] == 'versions':
        from threadpoolctl import threadpool_info
        print('BENCH_RESULT ' + json.dumps({
            'python': sys.version.split()[0], 'sklearn': sklearn.__version__, 'numpy': np.__version__,
            'pandas': pd.__version__, 'executable': sys.executable,
            'threadpools': [{k: i.get(k) for k in ('user_api', 'internal_api', 'num_threads')} for i in threadpool_info()],
        }))
        return
    seconds, base, quality = run(spec)
    print('BENCH_RESULT ' + json.dumps({'seconds': seconds, 'peakMB': peak_mb(), 'baseMB': base,
                                        'quality': quality, 'cpuSeconds': CPU[0], 'rssMethod': 'VmHWM'}))


if __name__ == '__main__':
    main()
