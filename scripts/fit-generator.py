#!/usr/bin/python3
"""Fit the parameters of moodscape's synthetic-catalogue generator from the real catalogues.

Run once, by hand, with Debian's python (it needs pandas + scikit-learn):

    cd /work/main && /usr/bin/python3 scripts/fit-generator.py [--data ../shared/data]

Writes src/core/generator/catalogue-params.json: a small file of figures only (no rows, ids,
titles or artists of the real data), read by src/core/generator/generate.ts.

Model (all in a transformed space where every continuous feature is unbounded):
  * logit for valence, danceability, energy, acousticness, liveness, speechiness
    (values clipped to [1e-4, 1 - 1e-4] first), log for duration_ms, tempo and loudness as is.
    Rows with tempo < 30 (Spotify's "no beat detected", e.g. white noise) are left out of the fit.
  * A Gaussian mixture with full covariance over those 9 dimensions.
  * instrumentalness is zero-inflated (~2/3 of tracks are below 0.01), so it is not a mixture
    dimension: per component, P(instrumentalness < 0.01) plus, for the rest, a linear-Gaussian
    regression of logit(instrumentalness) on the 9 dimensions (so it stays correlated with
    acousticness, energy ...). The small values themselves follow a global law: exactly 0 with
    probability p_exact_zero, otherwise log10(x) ~ N(m, s) truncated below 0.01.
  * key (12-way categorical), mode (Bernoulli), time_signature (categorical) and popularity
    (mean/std, clipped to 0..100) per component, from hard component assignments; each only
    from the sources that carry the column.
  * genre per component: the distribution of playlist genres (tidytuesday, popularity_2024,
    mapped to one small vocabulary) among the component's rows, plus a hand-readable label.
  * Class-conditional parameters from mood_labelled/data_moods.csv: per mood, a 1- or
    2-component Gaussian mixture (chosen by BIC) in the same space, the same per-class extras,
    and the class priors. data_moods has no `mode` column, so mode comes from the catalogue rows
    sharing track ids with data_moods where there are any, else the catalogue-wide rate.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys

import numpy as np
import pandas as pd
import sklearn
from sklearn.mixture import GaussianMixture

SEED = 20240601
N_COMPONENTS = 10
LOGIT_FEATURES = ["valence", "danceability", "energy", "acousticness", "liveness", "speechiness"]
DIMS = LOGIT_FEATURES + ["tempo", "loudness", "duration_ms"]  # mixture dimensions, in order
ALL_FEATURES = [
    "valence", "danceability", "energy", "acousticness", "tempo", "loudness", "speechiness",
    "instrumentalness", "liveness", "mode", "key", "duration_ms", "time_signature", "popularity",
]
EPS = 1e-4
INSTR_SMALL = 0.01
TIME_SIGNATURES = [0, 1, 3, 4, 5]
MOODS = ["Happy", "Sad", "Energetic", "Calm"]

# Readable labels for the mixture components, assigned by hand after reading each component's
# summary and genre mix in the fit log (random_state is fixed, so the order is stable). If the
# fit is changed, re-read the log and update these; the generated `genre` column does not use
# them (it is drawn from each component's fitted genre distribution).
COMPONENT_LABELS = {
    0: "soft rock / singer-songwriter", 1: "hip-hop / trap", 2: "upbeat pop-rock", 3: "rock / hard rock",
    4: "ambient / classical", 5: "edm / dance", 6: "mellow pop / r&b", 7: "retro soul / r&b",
    8: "alternative / experimental", 9: "hip-hop / reggaeton",
}

# One small genre vocabulary over tidytuesday's 6 playlist genres and popularity_2024's 35.
GENRE_MAP = {
    "edm": "electronic", "electronic": "electronic", "rap": "hip-hop", "hip-hop": "hip-hop",
    "pop": "pop", "r&b": "r&b", "soul": "r&b", "funk": "r&b", "gospel": "r&b", "latin": "latin",
    "brazilian": "latin", "reggae": "latin", "soca": "latin", "rock": "rock", "punk": "rock",
    "metal": "rock", "indie": "rock", "blues": "rock", "ambient": "ambient", "wellness": "ambient",
    "lofi": "lofi", "gaming": "soundtrack", "classical": "classical", "jazz": "jazz",
    "folk": "folk", "country": "folk", "world": "world", "arabic": "world", "turkish": "world",
    "indian": "world", "afrobeats": "world", "korean": "k-pop", "k-pop": "k-pop", "j-pop": "pop",
    "cantopop": "pop", "mandopop": "pop", "disco": "pop",
}


def sig(x: float, digits: int = 5) -> float:
    if x == 0 or not np.isfinite(x):
        return 0.0 if not np.isfinite(x) else float(x)
    return float(f"{x:.{digits}g}")


def rnd(a, digits: int = 5):
    if isinstance(a, (list, tuple, np.ndarray)):
        return [rnd(v, digits) for v in a]
    return sig(float(a), digits)


def load_catalogues(root: str) -> tuple[pd.DataFrame, list[dict]]:
    """The track-level catalogues, columns renamed to canonical names, deduped by track id."""
    frames: list[pd.DataFrame] = []
    provenance: list[dict] = []

    def add(rel: str, df: pd.DataFrame, rename: dict, source: str) -> None:
        df = df.rename(columns=rename)
        if "genre" in df:
            df["genre"] = df["genre"].map(lambda g: GENRE_MAP.get(str(g).strip().lower(), None))
        df["source"] = source
        keep = [c for c in ["id", "genre", "source", *ALL_FEATURES] if c in df.columns]
        frames.append(df[keep])
        provenance.append({"file": rel, "rows": int(len(df))})

    rel = "catalogues/tidytuesday_spotify_songs.csv"
    add(rel, pd.read_csv(os.path.join(root, rel)),
        {"track_id": "id", "track_popularity": "popularity", "playlist_genre": "genre"}, "tidytuesday")
    for dec in ["60s", "70s", "80s", "90s", "00s", "10s"]:
        rel = f"catalogues/hit_predictor/dataset-of-{dec}.csv"
        df = pd.read_csv(os.path.join(root, rel))
        df["uri"] = df["uri"].str.replace("spotify:track:", "", regex=False)
        add(rel, df, {"uri": "id"}, "hit_predictor")
    rel = "catalogues/spotify_1921_2020_tracks_2000_2020_subset.csv"
    add(rel, pd.read_csv(os.path.join(root, rel)), {}, "spotify_1921_2020")
    for part in ["high", "low"]:
        rel = f"catalogues/spotify_popularity_2024_{part}.csv"
        df = pd.read_csv(os.path.join(root, rel)).drop(columns=["id"])
        add(rel, df, {"track_id": "id", "track_popularity": "popularity", "playlist_genre": "genre"},
            "popularity_2024")

    all_rows = pd.concat(frames, ignore_index=True)
    # Dedupe by id, keeping the first occurrence but filling columns it lacks from later ones
    # (e.g. a tidytuesday row has no time_signature; the hit_predictor copy of it does).
    dedup = all_rows.groupby("id", sort=False).first().reset_index()
    dedup = dedup.dropna(subset=[f for f in DIMS + ["instrumentalness", "key", "mode"]])
    return dedup, provenance


def transform(df: pd.DataFrame) -> np.ndarray:
    cols = []
    for f in LOGIT_FEATURES:
        p = df[f].to_numpy(float).clip(EPS, 1 - EPS)
        cols.append(np.log(p / (1 - p)))
    cols.append(df["tempo"].to_numpy(float))
    cols.append(df["loudness"].to_numpy(float))
    cols.append(np.log(df["duration_ms"].to_numpy(float).clip(1000, None)))
    return np.column_stack(cols)


def logit(p: np.ndarray) -> np.ndarray:
    p = p.clip(EPS, 1 - EPS)
    return np.log(p / (1 - p))


def extras(df: pd.DataFrame, X: np.ndarray, fallback: dict | None = None) -> dict:
    """Per-group parameters for everything that is not a mixture dimension."""
    out: dict = {}
    instr = df["instrumentalness"].to_numpy(float)
    big = instr >= INSTR_SMALL
    out["instr_p_small"] = sig(1 - big.mean()) if len(df) else 0.5
    if big.sum() >= 30:
        # linear-Gaussian regression of logit(instrumentalness) on the mixture dimensions
        Xb = X[big]
        mu = Xb.mean(axis=0)
        A = np.column_stack([np.ones(big.sum()), Xb - mu])
        y = logit(instr[big])
        coef, *_ = np.linalg.lstsq(A, y, rcond=None)
        resid = y - A @ coef
        out["instr_logit"] = {"intercept": sig(coef[0]), "x_mean": rnd(mu), "coef": rnd(coef[1:]),
                              "resid_sd": sig(resid.std(ddof=A.shape[1]))}
    elif big.sum() >= 3:
        y = logit(instr[big])
        out["instr_logit"] = {"intercept": sig(y.mean()), "x_mean": rnd(np.zeros(len(DIMS))),
                              "coef": [0.0] * len(DIMS), "resid_sd": sig(max(y.std(), 0.3))}
    else:
        out["instr_logit"] = (fallback or {}).get("instr_logit") or {
            "intercept": -2.0, "x_mean": [0.0] * len(DIMS), "coef": [0.0] * len(DIMS), "resid_sd": 1.5}
    key = df["key"].dropna().astype(int)
    kc = np.bincount(key[(key >= 0) & (key <= 11)], minlength=12) + 1.0  # Laplace smoothing
    out["key_probs"] = rnd(kc / kc.sum(), 4)
    m = df["mode"].dropna() if "mode" in df else pd.Series(dtype=float)
    out["mode_p_major"] = sig(m.mean()) if len(m) >= 10 else (fallback or {}).get("mode_p_major", 0.62)
    ts = df["time_signature"].dropna().astype(int) if "time_signature" in df else pd.Series(dtype=int)
    if len(ts) >= 10:
        tc = np.array([(ts == t).sum() for t in TIME_SIGNATURES], float) + 0.1
        out["time_signature_probs"] = rnd(tc / tc.sum(), 4)
    else:
        out["time_signature_probs"] = (fallback or {})["time_signature_probs"]
    pop = df["popularity"].dropna() if "popularity" in df else pd.Series(dtype=float)
    if len(pop) >= 10:
        out["popularity"] = {"p_zero": sig((pop == 0).mean()), "mean": sig(pop[pop > 0].mean()),
                             "sd": sig(pop[pop > 0].std())}
    else:
        out["popularity"] = (fallback or {})["popularity"]
    return out


def marginals(df: pd.DataFrame) -> dict:
    out = {}
    for f in ALL_FEATURES:
        v = df[f].dropna().to_numpy(float)
        out[f] = {"mean": sig(v.mean()), "sd": sig(v.std()), "min": sig(v.min()), "max": sig(v.max()),
                  "n": int(len(v))}
    return out


def correlations(df: pd.DataFrame) -> dict:
    feats = [f for f in ALL_FEATURES if f not in ("key", "time_signature")]
    c = df[feats].corr().to_numpy()
    return {"features": feats, "matrix": [rnd(row, 3) for row in c]}


def main() -> None:
    ap = argparse.ArgumentParser()
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--data", default=os.path.join(here, "..", "..", "shared", "data"))
    ap.add_argument("--out", default=os.path.join(here, "..", "src", "core", "generator", "catalogue-params.json"))
    ap.add_argument("--components", type=int, default=N_COMPONENTS)
    args = ap.parse_args()
    root = os.path.abspath(args.data)

    cat, provenance = load_catalogues(root)
    n_dedup = len(cat)
    fit_rows = cat[cat["tempo"] >= 30].reset_index(drop=True)
    X = transform(fit_rows)
    print(f"catalogue: {n_dedup} unique tracks, {len(fit_rows)} used in the fit", file=sys.stderr)

    gmm = GaussianMixture(n_components=args.components, covariance_type="full", random_state=SEED,
                          n_init=2, max_iter=500, reg_covar=1e-4)
    gmm.fit(X)
    labels = gmm.predict(X)
    print(f"GMM converged={gmm.converged_} avg loglik={gmm.score(X):.4f} bic={gmm.bic(X):.1f}", file=sys.stderr)

    global_extras = extras(fit_rows, X)
    genre_vocab = sorted(set(GENRE_MAP.values()))
    components = []
    for k in range(args.components):
        sel = labels == k
        sub = fit_rows[sel]
        ex = extras(sub, X[sel], fallback=global_extras)
        g = sub["genre"].dropna()
        gc = g.value_counts(normalize=True)
        top = gc[gc >= 0.04].head(6)
        genres = {str(name): sig(p / top.sum(), 4) for name, p in top.items()} if len(top) else {"pop": 1.0}
        # summarise in original units, for reading the JSON and labelling
        summary = {f: sig(sub[f].mean(), 3) for f in ["valence", "danceability", "energy", "acousticness",
                                                        "speechiness", "instrumentalness", "tempo", "loudness"]}
        components.append({
            "label": COMPONENT_LABELS.get(k, f"component {k}") if args.components == N_COMPONENTS else f"component {k}",
            "weight": sig(gmm.weights_[k]),
            "mean": rnd(gmm.means_[k]),
            "cov": [rnd(row) for row in gmm.covariances_[k]],
            **ex,
            "genres": genres,
            "n_rows": int(sel.sum()),
            "n_genre_rows": int(len(g)),
            "summary": summary,
        })
        print(f"comp {k}: w={gmm.weights_[k]:.3f} n={sel.sum()} genres={dict(list(genres.items())[:4])} "
              f"summary={summary}", file=sys.stderr)

    # small values of instrumentalness (< 0.01): exact zeros, else log10-normal
    instr = fit_rows["instrumentalness"].to_numpy(float)
    small = instr[instr < INSTR_SMALL]
    pos = small[small > 0]
    instr_small = {"p_exact_zero": sig((small == 0).mean()), "log10_mean": sig(np.log10(pos).mean()),
                   "log10_sd": sig(np.log10(pos).std())}

    # ---- class-conditional params from data_moods.csv
    rel = "mood_labelled/data_moods.csv"
    moods = pd.read_csv(os.path.join(root, rel)).rename(columns={"length": "duration_ms"})
    mode_by_id = cat.set_index("id")["mode"]
    moods["mode"] = moods["id"].map(mode_by_id)
    Xm = transform(moods)
    comp_of_mood_row = gmm.predict_proba(Xm)
    classes = []
    for ci, mood in enumerate(MOODS):
        sel = (moods["mood"] == mood).to_numpy()
        Xc = Xm[sel]
        best = None
        for nc in (1, 2):
            gm = GaussianMixture(n_components=nc, covariance_type="full", random_state=SEED, n_init=3,
                                 reg_covar=1e-3).fit(Xc)
            b = gm.bic(Xc)
            if best is None or b < best[0]:
                best = (b, gm)
        gm = best[1]
        sub = moods[sel]
        ex = extras(sub, Xc, fallback=global_extras)
        n_mode = int(sub["mode"].notna().sum())
        if n_mode < 10:
            ex["mode_p_major"] = global_extras["mode_p_major"]
        # genre: the catalogue components these tracks fall into, averaged
        gmix: dict[str, float] = {}
        for k, w in enumerate(comp_of_mood_row[sel].mean(axis=0)):
            for g, p in components[k]["genres"].items():
                gmix[g] = gmix.get(g, 0.0) + w * p
        gtop = dict(sorted(gmix.items(), key=lambda kv: -kv[1])[:6])
        s = sum(gtop.values())
        classes.append({
            "mood": mood,
            "prior": sig(sel.mean()),
            "n_rows": int(sel.sum()),
            "components": [{"weight": sig(gm.weights_[j]), "mean": rnd(gm.means_[j]),
                            "cov": [rnd(row) for row in gm.covariances_[j]]} for j in range(gm.n_components)],
            **ex,
            "mode_rows": n_mode,
            "genres": {g: sig(p / s, 4) for g, p in gtop.items()},
            "marginal_means": {f: sig(sub[f].mean()) for f in ALL_FEATURES if f != "mode"},
        })
        print(f"class {mood}: n={sel.sum()} components={gm.n_components} mode_rows={n_mode}", file=sys.stderr)

    params = {
        "format": "moodscape-generator-params/1",
        "provenance": {
            "script": "scripts/fit-generator.py",
            "fitted": dt.date.today().isoformat(),
            "python": sys.version.split()[0],
            "sklearn": sklearn.__version__,
            "numpy": np.__version__,
            "pandas": pd.__version__,
            "random_state": SEED,
            "catalogue_sources": provenance,
            "catalogue_rows_total": int(sum(p["rows"] for p in provenance)),
            "catalogue_unique_ids": int(n_dedup),
            "catalogue_rows_fitted": int(len(fit_rows)),
            "labelled_source": {"file": rel, "rows": int(len(moods))},
            "note": "Figures only: no rows, ids, titles or artists of the source data are stored.",
        },
        "transform": {
            "dims": DIMS,
            "logit": LOGIT_FEATURES,
            "logit_eps": EPS,
            "log": ["duration_ms"],
            "identity": ["tempo", "loudness"],
            "instr_small_threshold": INSTR_SMALL,
        },
        "time_signatures": TIME_SIGNATURES,
        "genre_vocabulary": genre_vocab,
        "instr_small": instr_small,
        "marginals": marginals(fit_rows),
        "correlations": correlations(fit_rows),
        "catalogue": {"components": components, "gmm_avg_loglik": sig(gmm.score(X))},
        "labelled": {"classes": classes, "marginals": marginals(moods.assign(mode=moods["mode"]))},
    }
    with open(args.out, "w") as fh:
        json.dump(params, fh, separators=(",", ":"))
        fh.write("\n")
    print(f"wrote {args.out} ({os.path.getsize(args.out)} bytes)", file=sys.stderr)


if __name__ == "__main__":
    main()
