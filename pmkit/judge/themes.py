"""Citizen voice: code feedback with an editable codebook, propose new themes, score sentiment,
summarise themes for a period; quotes are redacted by `pmkit.io.redaction` (re-exported here).

The codebook (``params/codebook.yaml``) lists themes and sub-themes with the words, phrases and
regular expressions that assign them; its header explains the format. Coding is transparent: a
comment gets a theme when one of the theme's terms occurs in it and none of its exclusions does.

>>> book = load_codebook({"themes": {"waste": {"label": "Waste and bins", "keywords": ["bin"]}}})
>>> code(pd.DataFrame({"text": ["My bins were missed again", "Lovely library"]}), book)["themes"].tolist()
[['waste'], []]
>>> redact("Call Mrs Patel on 07700 900123")
'Call Mrs [name] on [phone]'
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import yaml

from pmkit.errors import PmkitError
from pmkit.io import periods
from pmkit.io.redaction import DETAILS, KINDS, PersonalData, find_personal_data, redact
from pmkit.io.schema import AUDIENCES

__all__ = [
    "KINDS",
    "DETAILS",
    "PersonalData",
    "find_personal_data",
    "redact",
    "load_codebook",
    "code",
    "sentiment",
    "suggest",
    "write_draft",
    "summarise",
    "ThemeSummary",
    "CodebookError",
]

DEFAULT_CODEBOOK = Path("params/codebook.yaml")
SMALL_COUNT = 5  # public outputs show any count below this as "<5"
SUPPRESSED = f"<{SMALL_COUNT}"
WITHHELD = "*"  # a larger count withheld so that a suppressed one cannot be worked out from a total
UNCODED = "uncoded"
OTHER = "other"
NEAR_DUPLICATE = 0.5  # TF-IDF cosine above which a quote is too like one already chosen
_RESERVED_LABELS = {UNCODED: "Not matched to a theme", OTHER: f"Other themes (fewer than {SMALL_COUNT} comments each)"}
SENTIMENTS = ("positive", "neutral", "negative")


class CodebookError(PmkitError):
    """A codebook that cannot be used; the message names the file and every entry at fault."""


# --------------------------------------------------------------------------------------------
# Codebook
# --------------------------------------------------------------------------------------------

_RULE_KEYS = ("keywords", "phrases", "patterns", "exclude", "exclude_patterns")
_THEME_KEYS = {"label", "description", "subthemes", *_RULE_KEYS}
_TOP_KEYS = {"version", "description", "themes", "directorates", "ignore"}
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)*")


@dataclass(frozen=True)
class Rule:
    """The terms that assign one theme or sub-theme, to every directorate's feedback or one's."""

    target: str
    directorate: str | None
    terms: tuple[tuple[str, ...], ...]
    patterns: tuple[str, ...]
    exclude: tuple[tuple[str, ...], ...]
    exclude_patterns: tuple[str, ...]


@dataclass(frozen=True)
class Codebook:
    """Themes and sub-themes (id -> label, in codebook order) and the rules that assign them.

    >>> load_codebook({"themes": {"parking": {"keywords": ["parking"]}}}).labels
    {'parking': 'Parking'}
    """

    labels: dict[str, str]
    parents: dict[str, str]
    rules: tuple[Rule, ...]
    origin: str = "<dict>"
    ignore: tuple[tuple[str, ...], ...] = ()  # phrases whose words never count for any theme

    @property
    def themes(self) -> list[str]:
        return [t for t in self.labels if t not in self.parents]

    @property
    def subthemes(self) -> list[str]:
        return list(self.parents)


def load_codebook(source: str | os.PathLike | Mapping | Codebook = DEFAULT_CODEBOOK) -> Codebook:
    """Read a codebook from a YAML file or an already-parsed mapping, checking every entry.

    >>> load_codebook({"themes": {"noise": {"label": "Noise", "keywords": ["noise", "loud"]}}}).themes
    ['noise']
    """
    if isinstance(source, Codebook):
        return source
    if isinstance(source, Mapping):
        return _CodebookReader("codebook").read(source)
    path = Path(source)
    if not path.is_file():
        raise CodebookError(f"{path}: no such codebook file")
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except yaml.YAMLError as exc:
        raise CodebookError(f"{path}: not valid YAML ({exc})") from None
    return _CodebookReader(str(path)).read(document)


def directorate_key(name: object) -> str:
    """How directorate names are compared: case, spaces and punctuation ignored.

    >>> directorate_key("Adults' Services") == directorate_key("adults services")
    True
    """
    return re.sub(r"[^a-z0-9]+", "", str(name).lower())


def _normalise(text: str) -> str:
    return " ".join(text.lower().translate(_APOSTROPHES).split())


class _CodebookReader:
    """Turns a parsed codebook document into a `Codebook`, collecting every problem."""

    def __init__(self, origin: str):
        self.origin = origin
        self.problems: list[str] = []
        self.labels: dict[str, str] = {}
        self.parents: dict[str, str] = {}
        self.rules: list[Rule] = []

    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{self.origin}: {where}: {message}")

    def read(self, document: object) -> Codebook:
        if not isinstance(document, Mapping) or not isinstance(document.get("themes"), Mapping):
            raise CodebookError(f"{self.origin}: expected a mapping with a 'themes:' section")
        for key in set(document) - _TOP_KEYS:
            self.problem(str(key), f"unknown section; expected one of {sorted(_TOP_KEYS)}")
        for theme_id, spec in document["themes"].items():
            self.theme(str(theme_id), spec, f"themes.{theme_id}", None, None)
        directorates = document.get("directorates") or {}
        if not isinstance(directorates, Mapping):
            self.problem("directorates", "expected a mapping of directorate name to 'themes:'")
            directorates = {}
        for name, extension in directorates.items():
            where = f"directorates.{name}"
            if not isinstance(extension, Mapping) or not isinstance(extension.get("themes"), Mapping):
                self.problem(where, "expected a 'themes:' mapping")
                continue
            for theme_id, spec in extension["themes"].items():
                self.theme(str(theme_id), spec, f"{where}.themes.{theme_id}", None, directorate_key(name))
        ignore = tuple(
            t for value in self.strings(document.get("ignore"), "ignore") if (t := self.term(value, "ignore"))
        )
        if self.problems:
            raise CodebookError("\n".join(self.problems))
        return Codebook(dict(self.labels), dict(self.parents), tuple(self.rules), self.origin, ignore)

    def theme(self, theme_id: str, spec: object, where: str, parent: str | None, directorate: str | None) -> None:
        if not _ID.match(theme_id) or theme_id in (UNCODED, OTHER):
            self.problem(
                where, f"'{theme_id}' is not a usable id: use lower-case letters, digits and _ (not uncoded/other)"
            )
            return
        if not isinstance(spec, Mapping):
            self.problem(where, "expected a mapping with a label and keywords, phrases or patterns")
            return
        for key in set(spec) - _THEME_KEYS:
            self.problem(f"{where}.{key}", f"unknown key; expected one of {sorted(_THEME_KEYS)}")
        if theme_id in self.labels and self.parents.get(theme_id) != parent:
            self.problem(where, f"'{theme_id}' is already used for a different theme or sub-theme")
            return
        if theme_id not in self.labels:
            self.labels[theme_id] = str(spec.get("label") or theme_id.replace("_", " ").capitalize())
            if parent:
                self.parents[theme_id] = parent
        lists = {key: self.strings(spec.get(key), f"{where}.{key}") for key in _RULE_KEYS}
        self.rules.append(
            Rule(
                theme_id,
                directorate,
                tuple(t for value in lists["keywords"] + lists["phrases"] if (t := self.term(value, where))),
                tuple(p for p in lists["patterns"] if self.pattern(p, f"{where}.patterns")),
                tuple(t for value in lists["exclude"] if (t := self.term(value, where))),
                tuple(p for p in lists["exclude_patterns"] if self.pattern(p, f"{where}.exclude_patterns")),
            )
        )
        subthemes = spec.get("subthemes") or {}
        if subthemes and parent:
            self.problem(f"{where}.subthemes", "sub-themes cannot have sub-themes of their own")
        elif not isinstance(subthemes, Mapping):
            self.problem(f"{where}.subthemes", "expected a mapping of sub-theme id to its terms")
        else:
            for sub_id, sub_spec in subthemes.items():
                self.theme(str(sub_id), sub_spec, f"{where}.subthemes.{sub_id}", theme_id, directorate)

    def strings(self, value: object, where: str) -> list[str]:
        if value is None:
            return []
        if isinstance(value, str) or not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
            self.problem(where, "expected a list of text entries, e.g. [bin, bins]")
            return []
        return [str(v) for v in value]

    def term(self, value: str, where: str) -> tuple[str, ...] | None:
        wildcard = value.strip().endswith("*")
        words = tuple(_WORD.findall(_normalise(value.strip().rstrip("*"))))
        if not words:
            self.problem(where, f"'{value}' has no words to match")
            return None
        if wildcard and len(words) > 1:
            self.problem(where, f"'{value}': a * wildcard is only allowed on a single word; use patterns")
            return None
        return (words[0] + "*",) if wildcard else words

    def pattern(self, value: str, where: str) -> bool:
        try:
            re.compile(value)
        except re.error as exc:
            self.problem(where, f"'{value}' is not a valid regular expression ({exc})")
            return False
        return True


class _Matcher:
    """Finds every rule's terms in texts in one pass per text (word, phrase and prefix lookups)."""

    def __init__(self, rules: Sequence[Rule]):
        self.n_rules = len(rules)
        self.words: dict[str, set[int]] = {}
        self.prefixes: dict[str, set[int]] = {}
        self.phrases: dict[tuple[str, ...], set[int]] = {}
        self.patterns: list[tuple[re.Pattern, int]] = []
        for index, rule in enumerate(rules):
            for slot, terms, patterns in (
                (2 * index, rule.terms, rule.patterns),
                (2 * index + 1, rule.exclude, rule.exclude_patterns),
            ):
                for term in terms:
                    if term[-1].endswith("*"):
                        self.prefixes.setdefault(term[-1][:-1], set()).add(slot)
                    elif len(term) == 1:
                        self.words.setdefault(term[0], set()).add(slot)
                    else:
                        self.phrases.setdefault(term, set()).add(slot)
                if patterns:
                    self.patterns.append((re.compile("|".join(f"(?:{p})" for p in patterns), re.I), slot))
        self.vocabulary = set(self.words) | {w for phrase in self.phrases for w in phrase}
        self.phrase_starts: dict[str, set[int]] = {}
        for phrase in self.phrases:
            self.phrase_starts.setdefault(phrase[0], set()).add(len(phrase))

    def token_entry(self, token: str) -> tuple[set[int], str, tuple[int, ...]]:
        """For one distinct token: the slots its word and prefix terms hit, its form in phrases,
        and the lengths of the phrases that can start with it."""
        forms = [token]
        for ending in ("'s", "es", "s"):  # bins -> bin, buses -> bus, council's -> council
            if token.endswith(ending) and len(token) > len(ending) + 1:
                forms.append(token[: -len(ending)])
        slots: set[int] = set()
        for form in forms:
            slots |= self.words.get(form, set())
        for prefix, prefix_slots in self.prefixes.items():
            if token.startswith(prefix):
                slots |= prefix_slots
        base = next((f for f in forms if f in self.vocabulary), token)
        return slots, base, tuple(sorted(self.phrase_starts.get(base, ())))

    def match(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Boolean (text x rule) arrays: a rule's terms found, and its exclusions found."""
        entries: dict[str, tuple[set[int], str, tuple[int, ...]]] = {}
        rows: list[int] = []
        cols: list[int] = []
        for i, text in enumerate(texts):
            found = []
            for token in _WORD.findall(text):
                entry = entries.get(token)
                if entry is None:
                    entry = entries[token] = self.token_entry(token)
                found.append(entry)
            hits: set[int] = set()
            for j, (slots, _, lengths) in enumerate(found):
                hits |= slots
                for length in lengths:
                    phrase = tuple(e[1] for e in found[j : j + length])
                    hits |= self.phrases.get(phrase, set())
            for pattern, slot in self.patterns:
                if slot not in hits and pattern.search(text):
                    hits.add(slot)
            rows.extend([i] * len(hits))
            cols.extend(hits)
        matrix = np.zeros((len(texts), 2 * self.n_rules), dtype=bool)
        matrix[rows, cols] = True
        return matrix[:, 0::2], matrix[:, 1::2]


@functools.lru_cache(maxsize=16)
def _matcher(rules: tuple[Rule, ...]) -> _Matcher:
    return _Matcher(rules)


@functools.lru_cache(maxsize=16)
def _ignored(phrases: tuple[tuple[str, ...], ...]) -> re.Pattern | None:
    """One pattern for the codebook's figures of speech ("just a quick note", "kind regards")."""
    if not phrases:
        return None
    alternatives = sorted(
        (r"\W+".join(re.escape(w.rstrip("*")) + (r"\w*" if w.endswith("*") else "") for w in p) for p in phrases),
        key=len,
        reverse=True,
    )
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b")


def _theme_hits(feedback: pd.DataFrame, book: Codebook) -> pd.DataFrame:
    """One boolean column per theme and sub-theme id, aligned with ``feedback``."""
    texts = feedback["text"].fillna("").astype(str).map(_normalise)
    if (pattern := _ignored(book.ignore)) is not None:
        texts = texts.str.replace(pattern, " ", regex=True)
    codes, unique = pd.factorize(texts)
    found, excluded = _matcher(book.rules).match(list(unique))
    found, excluded = found[codes], excluded[codes]
    if any(rule.directorate for rule in book.rules):
        keys = (
            feedback["directorate"].fillna("").map(directorate_key).to_numpy()
            if "directorate" in feedback
            else np.full(len(feedback), "")
        )
        for r, rule in enumerate(book.rules):
            if rule.directorate:
                applies = keys == rule.directorate
                found[:, r] &= applies
                excluded[:, r] &= applies
    targets = np.array([rule.target for rule in book.rules])

    def any_of(matrix: np.ndarray, theme_id: str) -> np.ndarray:
        return matrix[:, targets == theme_id].any(axis=1)

    hits: dict[str, np.ndarray] = {}
    for sub, parent in book.parents.items():
        hits[sub] = any_of(found, sub) & ~any_of(excluded, sub) & ~any_of(excluded, parent)
    for theme in book.themes:
        from_subthemes = [hits[s] for s, p in book.parents.items() if p == theme]
        assigned = any_of(found, theme) | np.logical_or.reduce(from_subthemes + [np.zeros(len(feedback), bool)])
        hits[theme] = assigned & ~any_of(excluded, theme)
    return pd.DataFrame({key: hits[key] for key in book.labels}, index=feedback.index)


def _id_lists(matrix: np.ndarray, ids: Sequence[str]) -> list[list[str]]:
    rows, cols = np.nonzero(matrix)
    names = np.asarray(ids, dtype=object)[cols]
    return [list(part) for part in np.split(names, np.searchsorted(rows, np.arange(1, len(matrix))))]


def code(feedback: pd.DataFrame, codebook: str | os.PathLike | Mapping | Codebook = DEFAULT_CODEBOOK) -> pd.DataFrame:
    """Code each comment: the feedback with ``themes`` and ``subthemes`` (lists of ids) and ``coded``.

    Comments that match no theme keep an empty list and ``coded`` False: they are counted, never
    dropped. Rules under ``directorates:`` apply only to that directorate's feedback.

    >>> book = {"themes": {"roads": {"keywords": ["pothole"]}, "thanks": {"keywords": ["thank*"]}}}
    >>> coded = code(pd.DataFrame({"text": ["Thanks for fixing the potholes", "Hello"]}), book)
    >>> coded["themes"].tolist(), coded["coded"].tolist()
    ([['roads', 'thanks'], []], [True, False])
    """
    book = load_codebook(codebook)
    hits = _theme_hits(feedback, book)
    out = feedback.copy()
    out["themes"] = _id_lists(hits[book.themes].to_numpy(), book.themes)
    out["subthemes"] = _id_lists(hits[book.subthemes].to_numpy(), book.subthemes)
    out["coded"] = hits[book.themes].to_numpy().any(axis=1)
    return out


# --------------------------------------------------------------------------------------------
# Sentiment
# --------------------------------------------------------------------------------------------


class _SentimentModel(NamedTuple):
    analyzer: object
    ignore: re.Pattern
    any_phrase: re.Pattern
    phrases: list[tuple[re.Pattern, float]]
    request: re.Pattern
    request_valence: float


@functools.cache
def _sentiment_model() -> _SentimentModel:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    spec = yaml.safe_load(resources.files("pmkit").joinpath("data", "sentiment.yaml").read_text(encoding="utf-8"))
    analyzer = SentimentIntensityAnalyzer()
    analyzer.lexicon.update({str(word): float(value) for word, value in spec["words"].items()})
    phrases = [(re.compile(pattern, re.I), float(value)) for pattern, value in spec["phrases"].items()]
    return _SentimentModel(
        analyzer,
        _alternatives(spec["ignore"]),
        _alternatives(list(spec["phrases"])),
        phrases,
        _alternatives(spec["requests"]["patterns"]),
        float(spec["requests"]["valence"]),
    )


def _alternatives(patterns: Sequence[str]) -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.I)


_VADER_ALPHA = 15.0  # VADER's normalisation constant: compound = s / sqrt(s^2 + alpha)
CHANNEL_POLARITY = {"compliment": "positive", "complaint": "negative"}  # channels that say how the resident felt
STRONG = 0.75  # |compound| from which the text overrides its channel: "Not happy at all" in a compliment


def sentiment(texts: pd.Series | Iterable[str], channels: pd.Series | Iterable[str] | None = None) -> pd.DataFrame:
    """Score each comment: ``compound`` in [-1, 1] and ``sentiment`` positive / neutral / negative.

    VADER (with its own lexicon) scores each distinct text once; service-feedback adjustments from
    ``pmkit/data/sentiment.yaml`` are then applied to whole columns at once. With ``channels``, the
    channel gives the polarity: a compliment is positive and a complaint negative unless the text's
    own score is strongly of the other sign (``compound`` at or beyond ``STRONG``, 0.75); only comments
    from channels without a polarity (survey, comment) are labelled by their score alone.
    ``compound`` is always the text's own score.

    >>> sentiment(["The crew were brilliant and arrived quickly", "Waited 3 hours, nobody came"])["sentiment"].tolist()
    ['positive', 'negative']
    >>> sentiment(["Green bin not emptied, missed bin again"], ["complaint"])["sentiment"].tolist()
    ['negative']
    """
    series = texts if isinstance(texts, pd.Series) else pd.Series(list(texts), dtype=object)
    strings = series.fillna("").astype(str)
    codes, unique = pd.factorize(strings)
    model = _sentiment_model()
    compound = np.array(
        [model.analyzer.polarity_scores(model.ignore.sub(" ", t))["compound"] for t in unique], dtype=float
    )
    compound = np.clip(compound, -0.9999, 0.9999)
    total = compound * np.sqrt(_VADER_ALPHA / (1 - compound**2))  # back to VADER's summed valence
    distinct = pd.Series(unique, dtype=object)
    with_phrases = distinct[distinct.str.contains(model.any_phrase).to_numpy(dtype=bool)]
    for pattern, valence in model.phrases:
        total[with_phrases.index[with_phrases.str.contains(pattern).to_numpy(dtype=bool)]] += valence
    total += model.request_valence * distinct.str.contains(model.request).to_numpy(dtype=bool)
    scores = (total / np.sqrt(total**2 + _VADER_ALPHA))[codes] if len(unique) else np.zeros(0)
    labels = np.select([scores >= 0.05, scores <= -0.05], ["positive", "negative"], "neutral")
    if channels is not None:
        given = pd.Series(list(channels), dtype=object).fillna("").astype(str).str.strip().str.lower()
        if len(given) != len(labels):
            raise ValueError(f"{len(given)} channels for {len(labels)} comments")
        polarity = given.map(CHANNEL_POLARITY).to_numpy(dtype=object)
        positive, negative = polarity == "positive", polarity == "negative"
        labels = np.where(positive & (scores > -STRONG), "positive", labels)
        labels = np.where(negative & (scores < STRONG), "negative", labels)
    return pd.DataFrame({"compound": scores, "sentiment": labels}, index=series.index)


# --------------------------------------------------------------------------------------------
# Theme discovery
# --------------------------------------------------------------------------------------------

_DISCOVERY_STOP_WORDS = {  # words that say how people felt or filled a sentence, not what about
    "council",
    "service",
    "services",
    "please",
    "would",
    "could",
    "get",
    "got",
    "also",
    "still",
    "just",
    "really",
    "one",
    "even",
    "us",
    "dont",
    "don't",
    "didn't",
    "can't",
    "couldn't",
    "im",
    "i'm",
    "ive",
    "i've",
    "thing",
    "things",
    "good",
    "better",
    "best",
    "great",
    "nice",
    "bad",
    "poor",
    "think",
    "thought",
    "know",
    "like",
    "lot",
    "bit",
    "way",
    "able",
    "make",
    "made",
    "ok",
    "okay",
    "quite",
    "satisfied",
}
SUGGESTION_COLUMNS = ["topic", "label", "terms", "comments", "share", "examples"]


def suggest(
    feedback: pd.DataFrame,
    codebook: str | os.PathLike | Mapping | Codebook = DEFAULT_CODEBOOK,
    n_topics: int = 8,
    n_terms: int = 8,
    n_examples: int = 3,
    random_state: int = 0,
) -> pd.DataFrame:
    """Propose themes for what the codebook misses: TF-IDF and NMF over the uncoded comments.

    One row per proposed theme, largest first: ``topic`` (a draft id), ``label``, ``terms`` (its top
    words and two-word phrases), ``comments`` (uncoded comments it best describes), ``share`` of the
    uncoded comments and ``examples`` (redacted). Pass the result to `write_draft`.

    >>> rows = suggest(src.feedback(), "params/codebook.yaml", n_topics=5)   # doctest: +SKIP
    >>> rows[["label", "comments"]].head(2)                                    # doctest: +SKIP
    """
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

    coded = code(feedback, codebook)
    texts = coded.loc[~coded["coded"], "text"].fillna("").astype(str).str.strip()
    texts = texts[texts.str.len() > 0]
    codes, unique = pd.factorize(texts.map(_normalise))
    weights = np.bincount(codes, minlength=len(unique)) if len(unique) else np.zeros(0, int)
    originals = texts.groupby(codes).first().to_numpy() if len(unique) else np.array([], dtype=object)
    n_topics = min(n_topics, len(unique) // 3)
    if n_topics < 1:
        return pd.DataFrame(columns=SUGGESTION_COLUMNS)
    vectorizer = TfidfVectorizer(
        stop_words=sorted(ENGLISH_STOP_WORDS | _DISCOVERY_STOP_WORDS),
        token_pattern=r"(?u)\b[a-z][a-z']+\b",
        ngram_range=(1, 2),
        min_df=2 if len(unique) >= 20 else 1,
        max_df=0.9,
        sublinear_tf=True,
    )
    try:
        matrix = vectorizer.fit_transform(unique)
    except ValueError:  # every word is a stop word or too rare
        return pd.DataFrame(columns=SUGGESTION_COLUMNS)
    n_topics = min(n_topics, matrix.shape[1])
    model = NMF(n_components=n_topics, init="nndsvda", random_state=random_state, max_iter=500)
    doc_topic = model.fit_transform(matrix)
    vocabulary = vectorizer.get_feature_names_out()
    best = np.where(doc_topic.max(axis=1) > 0, doc_topic.argmax(axis=1), -1)
    rows = []
    for topic in range(n_topics):
        members = np.flatnonzero(best == topic)
        if not len(members):
            continue
        terms = [str(vocabulary[i]) for i in np.argsort(-model.components_[topic])[:n_terms]]
        ranked = members[np.argsort(-doc_topic[members, topic], kind="stable")]
        informative = [i for i in ranked if len(str(originals[i]).split()) >= 5]
        examples = [redact(str(originals[i])) for i in (informative or list(ranked))[:n_examples]]
        rows.append(
            {
                "label": " / ".join(terms[:3]),
                "terms": terms,
                "comments": int(weights[members].sum()),
                "share": float(weights[members].sum() / len(texts)),
                "examples": examples,
            }
        )
    frame = pd.DataFrame(rows, columns=SUGGESTION_COLUMNS[1:]).sort_values("comments", ascending=False, kind="stable")
    frame.insert(
        0, "topic", [f"draft_{i + 1:02d}_{re.sub(r'[^a-z0-9]+', '_', t[0])}" for i, t in enumerate(frame["terms"])]
    )
    return frame.reset_index(drop=True)


def write_draft(suggestions: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Write proposed themes as a draft codebook (YAML) for an analyst to edit and merge.

    Each theme keeps its terms as ``keywords`` and ``phrases`` and shows its examples as comments;
    the file loads with `load_codebook` as it stands.

    >>> write_draft(suggest(src.feedback()), "draft.yaml")   # doctest: +SKIP
    PosixPath('draft.yaml')
    """
    lines = [
        "# Draft codebook: themes proposed by topic modelling (TF-IDF + NMF) over comments that the",
        "# codebook left uncoded. For each theme: rename it and its label, keep the words that define",
        "# it, delete the rest, then move it into params/codebook.yaml. Delete themes that are noise.",
        "themes:",
    ]
    for row in suggestions.itertuples(index=False):
        terms = list(row.terms)
        lines.append(f"  {row.topic}:")
        lines.append(f"    label: {json.dumps('Draft: ' + row.label)}")
        lines.append(f"    # {row.comments} uncoded comments ({row.share:.0%}), for example:")
        lines.extend(f"    #   - {' '.join(str(example).split())[:200]}" for example in row.examples)
        keywords = [t for t in terms if " " not in t]
        phrases = [t for t in terms if " " in t]
        if keywords:
            lines.append(f"    keywords: {json.dumps(keywords)}")
        if phrases:
            lines.append(f"    phrases: {json.dumps(phrases)}")
    if suggestions.empty:
        lines[-1] = "themes: {}  # nothing to propose: every comment was coded"
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


# --------------------------------------------------------------------------------------------
# Summary
# --------------------------------------------------------------------------------------------

THEME_COLUMNS = [
    "theme",
    "label",
    "count",
    "share",
    "previous",
    "change",
    "change_pct",
    "positive",
    "neutral",
    "negative",
    "balance",
    "sentiment",
    "quotes",
]


@dataclass(frozen=True)
class ThemeSummary:
    """What `summarise` returns for one period and audience.

    ``themes``: one row per theme (then ``other`` in public summaries, then ``uncoded``) with the
    columns in ``THEME_COLUMNS``; ``subthemes``: counts per sub-theme; ``breakdowns``: theme counts
    by each ``by`` column (rows: theme labels). In a public summary counts are text, any count
    below 5 reads ``<5``, a breakdown cell that would reveal one reads ``*``, and the sentiment
    counts and balance are left empty (the ``sentiment`` words remain).
    """

    themes: pd.DataFrame
    subthemes: pd.DataFrame
    breakdowns: dict[str, pd.DataFrame]
    total: int | str
    period: str | None
    previous_period: str | None
    audience: str
    split: tuple[str, ...] = ()  # labels of themes so large that they are shown by their sub-themes


def balance_word(balance: float) -> str:
    """The sentiment balance ((positive - negative) / comments) in words.

    >>> balance_word(0.6), balance_word(-0.2), balance_word(0.0)
    ('mostly positive', 'more negative than positive', 'mixed')
    """
    if pd.isna(balance):
        return ""
    if balance >= 0.5:
        return "mostly positive"
    if balance >= 0.15:
        return "more positive than negative"
    if balance > -0.15:
        return "mixed"
    if balance > -0.5:
        return "more negative than positive"
    return "mostly negative"


def summarise(
    feedback: pd.DataFrame,
    codebook: str | os.PathLike | Mapping | Codebook = DEFAULT_CODEBOOK,
    period: str | periods.Period | None = None,
    audience: str = "internal",
    by: str | Sequence[str] | None = None,
    quotes: int = 3,
    split_share: float = 0.5,
) -> ThemeSummary:
    """Themes in the feedback of one period: volumes, share, change, sentiment, breakdowns, quotes.

    ``period`` (a label such as ``2025/26 Q2``) selects comments dated within it and compares each
    theme with the previous period of the same length; without it every comment is summarised and
    nothing is compared. ``by`` names the columns to break counts down by (default service and
    channel). Quotes are the comments closest to their theme's centre in TF-IDF space, at most
    ``quotes`` per theme, de-duplicated and redacted (a public quote also loses health conditions,
    family members and ages: `redact`). Sentiment is `sentiment`'s, with each comment's
    channel (a compliment is positive, a complaint negative, unless the text strongly says otherwise). For ``audience="public"`` themes with fewer
    than 5 comments are merged into "Other" (which gets no quotes) and every count below 5 reads
    ``<5``. A theme holding more than ``split_share`` of the period's comments says little on its
    own, so it is shown by its sub-themes where two or more have comments (with "<theme>: other"
    for the rest). A comment is
    quoted under one theme at most.

    >>> s = summarise(src.feedback(), "params/codebook.yaml", period="2025/26 Q2")   # doctest: +SKIP
    >>> s.themes[["label", "count", "change", "sentiment"]].head(3)                 # doctest: +SKIP
    """
    if audience not in AUDIENCES:
        raise PmkitError(f"audience '{audience}' is not one of {', '.join(AUDIENCES)}")
    book = load_codebook(codebook)
    by = ["service", "channel"] if by is None else [by] if isinstance(by, str) else list(by)
    data = feedback.reset_index(drop=True)
    current = np.ones(len(data), dtype=bool)
    previous = np.zeros(len(data), dtype=bool)
    period_label = previous_label = None
    if period is not None:
        this = periods.parse(period)
        dates = pd.to_datetime(data["date"])
        current, previous = _within(dates, this), _within(dates, this.shift(-1))
        period_label, previous_label = this.label, this.shift(-1).label
        data = data[current | previous].reset_index(drop=True)
        current, previous = current[current | previous], previous[current | previous]
    hits = _theme_hits(data, book)
    columns, labels, split = _theme_columns(hits, book, current, audience, split_share)
    now = data[current].reset_index(drop=True)
    now_columns = {key: mask[current] for key, mask in columns.items()}
    moods = sentiment(now["text"], now["channel"] if "channel" in now else None)["sentiment"].to_numpy()
    table = _theme_table(labels, now_columns, {k: m[previous] for k, m in columns.items()}, moods, period_label)
    named = {k: mask for k, mask in now_columns.items() if k not in (OTHER, UNCODED)}
    chosen = _representative_quotes(now["text"], named, quotes, audience)
    table["quotes"] = [chosen.get(theme, []) for theme in table["theme"]]
    subtable = _subtheme_table(book, hits, current, previous, period_label, set(now_columns))
    breakdowns = {
        column: _breakdown(now[column].fillna("").astype(str), now_columns, table.set_index("theme")["label"])
        for column in by
        if column in now
    }
    total: int | str = int(current.sum())
    if audience == "public":
        table = _suppress(table, ["count", "previous"])
        subtable = _suppress(subtable, ["count", "previous"])
        breakdowns = {k: _suppress_rows(v) for k, v in breakdowns.items()}
        total = _suppress_value(total)
    return ThemeSummary(table, subtable, breakdowns, total, period_label, previous_label, audience, split)


def _within(dates: pd.Series, period: periods.Period) -> np.ndarray:
    start = pd.Timestamp(period.start_date)
    end = pd.Timestamp(period.shift(1).start_date)
    return ((dates >= start) & (dates < end)).to_numpy(dtype=bool)


def _theme_columns(
    hits: pd.DataFrame, book: Codebook, current: np.ndarray, audience: str, split_share: float = 0.5
) -> tuple[dict[str, np.ndarray], dict[str, str], tuple[str, ...]]:
    """The boolean column per reported theme, their labels, and the themes split into sub-themes.

    A theme holding more than ``split_share`` of the current comments, with comments in two or more
    of its sub-themes, is replaced by those sub-themes and "<theme>: other"; public summaries then
    merge small themes into ``other``.
    """
    labels = {**book.labels, **_RESERVED_LABELS}
    total = max(int(current.sum()), 1)
    columns: dict[str, np.ndarray] = {}
    split = []
    for theme in book.themes:
        mask = hits[theme].to_numpy()
        subs = [s for s, parent in book.parents.items() if parent == theme and hits[s].to_numpy()[current].any()]
        if mask[current].sum() / total <= split_share or len(subs) < 2:
            columns[theme] = mask
            continue
        split.append(book.labels[theme])
        for sub in subs:
            columns[sub] = hits[sub].to_numpy()
            labels[sub] = f"{book.labels[theme]}: {book.labels[sub]}"
        rest = mask & ~np.logical_or.reduce([hits[s].to_numpy() for s in subs])
        if rest.any():
            columns[f"{theme}:other"] = rest
            labels[f"{theme}:other"] = f"{book.labels[theme]}: other"
    active = {t: m for t, m in columns.items() if m.any()}
    if audience == "public":
        small = [t for t, m in active.items() if m[current].sum() < SMALL_COUNT]
        if small:
            active = {t: m for t, m in active.items() if t not in small}
            active[OTHER] = np.logical_or.reduce([columns[t] for t in small])
    active[UNCODED] = ~np.logical_or.reduce([hits[t].to_numpy() for t in book.themes] + [np.zeros(len(hits), bool)])
    return active, labels, tuple(split)


def _theme_table(
    labels: dict[str, str],
    now: dict[str, np.ndarray],
    before: dict[str, np.ndarray],
    moods: np.ndarray,
    period_label: str | None,
) -> pd.DataFrame:
    keys = list(now)
    matrix = np.column_stack([now[k] for k in keys]) if keys else np.zeros((len(moods), 0), bool)
    counts = matrix.sum(axis=0)
    table = pd.DataFrame({"theme": keys, "label": [labels[k] for k in keys]})
    table["count"] = counts
    table["share"] = counts / max(len(moods), 1)
    if period_label is None:
        table["previous"] = pd.array([pd.NA] * len(keys), dtype="Int64")
    else:
        table["previous"] = pd.array([int(before[k].sum()) for k in keys], dtype="Int64")
    table["change"] = table["count"] - table["previous"]
    table["change_pct"] = (table["change"] / table["previous"].where(table["previous"] > 0)).astype("Float64")
    for mood in SENTIMENTS:
        table[mood] = matrix[moods == mood].sum(axis=0)
    table["balance"] = ((table["positive"] - table["negative"]) / table["count"].where(table["count"] > 0)).astype(
        "Float64"
    )
    table["sentiment"] = table["balance"].map(balance_word)
    table = table[(table["count"] > 0) | (table["previous"].fillna(0) > 0) | (table["theme"] == UNCODED)]
    order = table["theme"].map({OTHER: 1, UNCODED: 2}).fillna(0)
    table = table.assign(_order=order).sort_values(["_order", "count"], ascending=[True, False], kind="stable")
    return table.drop(columns="_order").reset_index(drop=True)


def _subtheme_table(
    book: Codebook,
    hits: pd.DataFrame,
    current: np.ndarray,
    previous: np.ndarray,
    period_label: str | None,
    shown: set[str],
) -> pd.DataFrame:
    rows = [
        {
            "theme": parent,
            "subtheme": sub,
            "label": book.labels[sub],
            "count": int(hits[sub].to_numpy()[current].sum()),
            "previous": pd.NA if period_label is None else int(hits[sub].to_numpy()[previous].sum()),
        }
        for sub, parent in book.parents.items()
        if parent in shown
    ]
    frame = pd.DataFrame(rows, columns=["theme", "subtheme", "label", "count", "previous"])
    frame["previous"] = frame["previous"].astype("Int64")
    frame = frame[(frame["count"] > 0) | (frame["previous"].fillna(0) > 0)]
    return frame.sort_values(["theme", "count"], ascending=[True, False], kind="stable").reset_index(drop=True)


def _breakdown(values: pd.Series, columns: dict[str, np.ndarray], labels: pd.Series) -> pd.DataFrame:
    categories = sorted(v for v in values.unique() if v)
    values = values.to_numpy()
    frame = pd.DataFrame(
        {c: [int(mask[values == c].sum()) for mask in columns.values()] for c in categories},
        index=pd.Index([labels.get(k, k) for k in columns], name="theme"),
    )
    return frame[frame.sum(axis=1) > 0] if categories else frame


def _suppress_value(value: object) -> object:
    if pd.isna(value):
        return pd.NA
    return SUPPRESSED if int(value) < SMALL_COUNT else str(int(value))


def _suppress(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Counts as text, values below 5 as ``<5``; figures that could reveal them are left empty.

    Change is blanked where either count is small; the sentiment counts and balance are left empty
    (with the theme's total they would reveal small numbers), so the sentiment is given in words.
    """
    out = frame.copy()
    small = {c: out[c].map(lambda v: not pd.isna(v) and int(v) < SMALL_COUNT).astype(bool) for c in columns}
    for column in columns:
        out[column] = out[column].map(_suppress_value).astype("string")
    if "change" in out:
        hidden = small["count"] | small["previous"]
        out["change"] = out["change"].mask(hidden)
        out["change_pct"] = out["change_pct"].mask(hidden)
        out["share"] = out["share"].mask(small["count"])
        for column in SENTIMENTS:
            out[column] = pd.array([pd.NA] * len(out), dtype="string")
        out["balance"] = pd.array([pd.NA] * len(out), dtype="Float64")
    return out


def _suppress_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """A breakdown for the public: cells below 5 read ``<5``; where a row has just one, its
    smallest other cell reads ``*`` too, so the small one cannot be worked out from the theme's total."""
    values = frame.to_numpy(dtype=float)
    small = values < SMALL_COUNT
    withheld = np.zeros_like(small)
    single = np.flatnonzero((small.sum(axis=1) == 1) & (values.shape[1] > 1))
    if len(single):
        withheld[single, np.where(small[single], np.inf, values[single]).argmin(axis=1)] = True
    text = frame.astype(int).astype(str).mask(small, SUPPRESSED).mask(withheld, WITHHELD)
    return text.astype("string")


def _representative_quotes(
    texts: pd.Series, columns: dict[str, np.ndarray], k: int, audience: str = "internal"
) -> dict[str, list[str]]:
    """Per theme, up to ``k`` typical comments, each quoted under one theme at most, redacted for ``audience``.

    A comment's typicality for a theme is its TF-IDF cosine with the theme's centroid. Each comment
    belongs to the theme it is most typical of (its home); a theme quotes its own most typical
    comments first, then, if it has too few, the most typical of its others that no theme has
    quoted. A comment too like one already quoted anywhere in the summary is skipped.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    if k <= 0 or texts.empty:
        return {}
    strings = texts.fillna("").astype(str)
    try:
        matrix = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(strings)
    except ValueError:  # no usable words at all
        return {}
    words = strings.str.split().str.len().to_numpy()
    typical_length = (words >= 5) & (words <= 60)
    normalised = strings.map(_normalise).to_numpy()
    closeness: dict[str, dict[int, float]] = {}
    for key, mask in columns.items():
        members = np.flatnonzero(mask & typical_length)
        if not len(members):
            members = np.flatnonzero(mask & (words >= 3))
        if len(members):
            rows = matrix[members]
            centroid = np.asarray(rows.mean(axis=0)).ravel()
            closeness[key] = dict(zip(members.tolist(), (rows @ centroid).tolist()))
    home: dict[int, str] = {}
    for key, close in closeness.items():
        for index, value in close.items():
            if index not in home or value > closeness[home[index]][index]:
                home[index] = key
    quoted: list[int] = []
    shown: set[str] = set()  # redacted quotes already chosen: two streets' comments can read alike once redacted
    quotes = {}
    for key, close in closeness.items():
        chosen: list[str] = []
        for index in sorted(close, key=lambda i: (home[i] != key, -close[i], i)):
            if any(
                normalised[index] == normalised[c] or (matrix[index] @ matrix[c].T).toarray()[0, 0] > NEAR_DUPLICATE
                for c in quoted
            ):
                continue
            quote = redact(strings.iloc[index], audience)
            if _normalise(quote) in shown:
                continue
            chosen.append(quote)
            quoted.append(index)
            shown.add(_normalise(quote))
            if len(chosen) == k:
                break
        quotes[key] = chosen
    return quotes
