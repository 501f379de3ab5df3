"""Decide whether a text sells certificates: a linear model over character n-grams.

Keywords alone flag every anti-fraud notice, so a classifier decides: logistic regression
(scikit-learn) over hashed character 1-3-grams of the normalised text (textnorm), plus a few
signals the n-grams cannot see — how many sales / product / contact keywords matched, whether
they stood inside quotation marks (notices quote the sellers), which deliberate evasions were
used (separators, homophones, pinyin, emoji: a notice needs none), and a mobile number.

The model is trained on generated data (adcorpus, fixed seed) the first time it is needed and
cached as plain arrays (.npz, no pickle) under the var directory, keyed by a fingerprint of the
keyword list, the training settings, scikit-learn's version and the source of the modules that
shape the data — so the same inputs give the same model and nothing binary is committed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
import sklearn
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.linear_model import LogisticRegression

from certguard.netwatch import adcorpus
from certguard.netwatch.keywords import KeywordList, default_keyword_list
from certguard.netwatch.textnorm import Normalised, Normaliser

MODEL_VERSION = 1
TRAIN_SEED, TRAIN_COUNT = 20240901, 8000
TEST_SEED, TEST_COUNT = 7, 4000
THRESHOLD = 0.5
N_FEATURES = 2**18
DELIBERATE = ("separator", "homophone", "pinyin", "initials", "emoji", "variant")
META = ("sales", "product", "contact", "quoted_share", "phone", *DELIBERATE)
_PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_SOURCES = ("adcorpus.py", "adclassifier.py", "textnorm.py")


@dataclass
class AdVerdict:
    verdict: str  # "selling" | "clean"
    score: int  # 0-100: the model's probability that the text sells certificates
    matched: list[str]
    normalised: str
    evasions: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"verdict": self.verdict, "score": self.score, "matched": self.matched,
                "normalised": self.normalised, "evasions": self.evasions}


@dataclass(frozen=True)
class AdModel:
    coef: np.ndarray  # float32, N_FEATURES + len(META)
    intercept: float
    fingerprint: str


def _vectorizer() -> HashingVectorizer:
    return HashingVectorizer(analyzer="char", ngram_range=(1, 3), n_features=N_FEATURES,
                             alternate_sign=False, norm="l2", lowercase=False)


def features(items: Sequence[Normalised]) -> sp.csr_matrix:
    text = _vectorizer().transform([n.text for n in items])
    meta = np.array([_meta(n) for n in items], dtype=np.float64).reshape(len(items), len(META))
    return sp.hstack([text, sp.csr_matrix(meta)], format="csr")


def _meta(n: Normalised) -> list[float]:
    counts = {"sales": 0, "product": 0, "contact": 0}
    for match in n.matches:
        counts[match.category] += 1
    sales = [m for m in n.matches if m.category == "sales"]
    quoted = sum(m.quoted for m in sales) / len(sales) if sales else 0.0
    return [min(counts["sales"], 4) / 4, min(counts["product"], 3) / 3,
            min(counts["contact"], 2) / 2, quoted, float(bool(_PHONE.search(n.text))),
            *(float(e in n.evasions) for e in DELIBERATE)]


def fingerprint(keywords: KeywordList, *, seed: int = TRAIN_SEED,
                count: int = TRAIN_COUNT) -> str:
    digest = hashlib.sha256()
    settings = {"version": MODEL_VERSION, "seed": seed, "count": count, "features": N_FEATURES,
                "meta": META, "sklearn": sklearn.__version__, "keywords": keywords.fingerprint()}
    digest.update(json.dumps(settings, sort_keys=True).encode())
    for name in _SOURCES:
        digest.update(Path(__file__).with_name(name).read_bytes())
    return digest.hexdigest()


def train_model(*, keywords: KeywordList, seed: int = TRAIN_SEED,
                count: int = TRAIN_COUNT) -> AdModel:
    samples = adcorpus.generate(family="train", count=count, seed=seed, keywords=keywords)
    normaliser = Normaliser(keywords)
    x = features([normaliser.normalise(s.text) for s in samples])
    y = np.array([s.selling for s in samples], dtype=np.int8)
    model = LogisticRegression(C=8.0, solver="liblinear", max_iter=200, random_state=0)
    model.fit(x, y)
    return AdModel(coef=model.coef_[0].astype(np.float32), intercept=float(model.intercept_[0]),
                   fingerprint=fingerprint(keywords, seed=seed, count=count))


def load_or_train(*, keywords: KeywordList, cache_dir: Path | None) -> AdModel:
    """The cached model for these keywords, trained and cached first if missing or damaged."""
    expected = fingerprint(keywords)
    path = cache_dir / f"ads-model-{expected[:16]}.npz" if cache_dir else None
    if path is not None and path.exists():
        try:
            with np.load(path, allow_pickle=False) as data:
                if str(data["fingerprint"]) == expected:
                    return AdModel(coef=data["coef"], intercept=float(data["intercept"]),
                                   fingerprint=expected)
        except (OSError, ValueError, KeyError):
            pass  # a damaged cache file is rebuilt below
    model = train_model(keywords=keywords)
    if path is not None:
        _save(model, path)
    return model


def _save(model: AdModel, path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=path.parent, suffix=".npz.tmp")
        with os.fdopen(handle, "wb") as out:
            np.savez(out, coef=model.coef, intercept=np.float64(model.intercept),
                     fingerprint=np.str_(model.fingerprint))
        os.replace(temp, path)  # concurrent first uses each write whole files
    except OSError:
        pass  # an unwritable var directory costs a retrain next time, not a failure


class AdClassifier:
    def __init__(self, *, keywords: KeywordList | None = None, cache_dir: Path | None = None,
                 model: AdModel | None = None) -> None:
        self.keywords = keywords or default_keyword_list()
        self.normaliser = Normaliser(self.keywords)
        self.model = model or load_or_train(keywords=self.keywords, cache_dir=cache_dir)

    def classify(self, text: str) -> AdVerdict:
        return self.classify_many([text])[0]

    def classify_many(self, texts: Iterable[str]) -> list[AdVerdict]:
        items = [self.normaliser.normalise(t) for t in texts]
        if not items:
            return []
        logits = features(items) @ self.model.coef + self.model.intercept
        probabilities = 1.0 / (1.0 + np.exp(-np.clip(logits, -30, 30)))
        return [AdVerdict(verdict="selling" if p >= THRESHOLD else "clean",
                          score=round(float(p) * 100), matched=n.keywords,
                          normalised=n.text, evasions=sorted(n.evasions))
                for n, p in zip(items, probabilities, strict=True)]


def evaluate(classifier: AdClassifier, *, seed: int = TEST_SEED,
             count: int = TEST_COUNT) -> dict[str, Any]:
    """Precision and recall on the test family (templates never seen in training), with the
    recall per planted evasion, false positives per clean kind, and examples of each miss."""
    samples = adcorpus.generate(family="test", count=count, seed=seed,
                                keywords=classifier.keywords)
    verdicts = classifier.classify_many(s.text for s in samples)
    tp = fp = fn = 0
    by_evasion: dict[str, list[int]] = {}
    false_positives: dict[str, int] = {}
    missed: list[dict[str, str]] = []
    flagged: list[dict[str, str]] = []
    for sample, verdict in zip(samples, verdicts, strict=True):
        hit = verdict.verdict == "selling"
        if sample.selling:
            counts = by_evasion.setdefault(sample.evasion or "none", [0, 0])
            counts[0] += hit
            counts[1] += 1
            tp += hit
            fn += not hit
            if not hit:
                missed.append({"evasion": sample.evasion or "none", "text": sample.text})
        elif hit:
            fp += 1
            false_positives[sample.kind] = false_positives.get(sample.kind, 0) + 1
            flagged.append({"kind": sample.kind, "text": sample.text})
    return {"samples": len(samples), "seed": seed, "precision": round(tp / max(tp + fp, 1), 4),
            "recall": round(tp / max(tp + fn, 1), 4),
            "recall_by_evasion": {k: round(v[0] / v[1], 4) for k, v in sorted(
                by_evasion.items())},
            "false_positives_by_kind": false_positives,
            "missed_examples": missed[:20], "false_positive_examples": flagged[:20]}
