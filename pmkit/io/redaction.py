"""Redaction of personal data from free text before any quote reaches a report.

Finds e-mail addresses, UK phone numbers, postcodes, NHS numbers (with a valid check digit, or
with "NHS number" before them), National Insurance numbers, street addresses, named streets and
personal names where there is a cue (a title, "my carer Sarah", "spoke to Dave", a signature, a
first name from the shipped list), and replaces each with a bracketed label such as ``[name]`` or
``[phone]``. A public quote also loses what would tell a neighbour who wrote it even without a name:
a health condition, a family member and an age (``DETAILS``; their words are in
``pmkit/data/personal_details.yaml``).

Hand-written patterns rather than a PII library: the libraries that install offline (Presidio,
scrubadub) find names and places with spaCy or Stanford models that are downloaded separately, do
not know UK street types, and have no notion of a health condition, a relative or an age.

>>> redact("Call Mrs Patel on 07700 900123")
'Call Mrs [name] on [phone]'
>>> redact("Damp in our flat on Church Street, my daughter has asthma", audience="public")
'Damp in our flat on [street], my [family member] has [health condition]'
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from importlib import resources
from typing import NamedTuple


class PersonalData(NamedTuple):
    """A span of personal data found in a text: ``text[start:end]`` is of ``kind``."""

    start: int
    end: int
    kind: str


KINDS = ("email", "nhs_number", "ni_number", "phone", "postcode", "address", "street", "name")
DETAILS = ("health", "family", "age")  # removed from public quotes only
_PRIORITY = {kind: len(KINDS + DETAILS) - i for i, kind in enumerate(KINDS + DETAILS)}
PLACEHOLDERS = {"health": "health condition", "family": "family member"}  # otherwise the kind itself

_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_TEN_DIGITS = re.compile(r"(?<![\w+])\d{3}[ -]?\d{3}[ -]?\d{4}(?!\w)")
_NHS_CONTEXT = re.compile(r"nhs\s*(?:number|no\b|num\b|#)?[\s.:#-]*(?:is\s*)?$", re.I)
_NI = re.compile(r"(?<!\w)[A-Za-z]{2}[ -]?\d{2}[ -]?\d{2}[ -]?\d{2}[ -]?[A-Da-d](?!\w)")
_NI_SHORT = re.compile(r"(?<!\w)[A-Za-z]{2}[ -]?\d{2}[ -]?\d{2}[ -]?\d{2}(?!\w)")
_NI_CONTEXT = re.compile(r"(?:\bni|national\s+insurance)\s*(?:number|no\b)?[\s.:#-]*(?:is\s*)?$", re.I)
_PHONE = re.compile(r"(?<![\w+])(?:(?:\+|00)\s?44\s?(?:\(0\)\s?)?|\(0(?=\d{2,4}\))|0)\d(?:[\s.\-()]{0,2}\d){8,9}(?!\d)")
_POSTCODE = re.compile(r"(?<![\w])(?:[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?|GIR)\s*\d[ABD-HJLNP-UW-Z]{2}(?!\w)", re.I)
_STREET_TYPES = (
    "street|st|road|rd|avenue|ave|lane|ln|close|drive|dr|way|crescent|cres|grove|place|court|ct|gardens|gdns|"
    "terrace|walk|row|hill|park|view|square|sq|mews|rise|green|parade|boulevard|gate|wharf|yard|croft|chase|"
    "meadows?|vale|fields|end|approach|hollow|path|drove|nook|bank|mount|heights|ridge|dale|villas|quay|circle"
)
_ADDRESS_STOP = (
    "the|a|an|on|in|at|of|to|for|from|with|by|and|or|my|our|your|their|his|her|its|this|that|these|those|"
    "no|not|very|so|too|all|some|any|every|each|was|were|is|are|be|been|have|has|had|it|i|we|you|they|he|she|"
    "minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?|times?|miles?|metres?|yards?|feet|people|children|"
    "kids|cars?|vehicles?|houses?|homes?|flats?|bins?|bags?|potholes?|calls?|emails?|letters?|visits?|other|"
    "mph|kph|km|acres?|ft|percent|per|"
    "more|new|old|big|small|large|different|separate|extra|further|just|only|about|around|over|under|nearly"
)
_ADDRESS = re.compile(
    rf"(?<!\w)(?:(?:flat|apartment|apt|unit)\.?\s*\d+[a-z]?\s*,?\s+)?\d{{1,4}}[a-z]?\s*,?\s+"
    rf"(?:the\s+(?:{_STREET_TYPES})|(?:(?!(?:{_ADDRESS_STOP})\b)[a-z][a-z'\u2019.-]*\s+){{1,3}}(?:{_STREET_TYPES}))\b",
    re.I,
)

# A named street without a house number: capitalised words before a street type ("Church Street",
# "St Mary's Road"), or in lower case after "on", "in", "along"... ("on church street").
_STREET_LOWER = "street|road|avenue|lane|crescent|grove|terrace|gardens|mews|drive"
_NOT_STREET_NAMES = (
    "the|a|an|my|our|your|their|his|her|its|this|that|these|those|no|one|any|every|each|which|what|some|same|"
    "main|side|slip|ring|bus|cycle|busy|country|private|public|back|dual|whole|next|other|wrong|right|long|"
    "narrow|quiet|dark|on|in|at|of|to|for|from|and|or|by|with|along|down|up|off|near|into|onto|outside|opposite|"
    "i|we|you|they|he|she|it|is|was|are|were|be|been|all|residential|local|nearby|adopted|unadopted|"
    "cul|sac|car|mile|miles|service|access|toll|b|m|council|town|city|county|court|crown|opera|care|"
    "nursing|guest|open|full|dog|coffee|ice|hen"
)
_STREET = re.compile(
    rf"(?<![\w'\u2019])(?:(?!(?i:{_NOT_STREET_NAMES})\b)(?:[A-Z][a-z'\u2019-]+|St\.?)[ \t]+){{1,3}}"
    rf"(?:(?:Street|Road|Avenue|Lane|Close|Drive|Crescent|Grove|Place|Terrace|Gardens|Mews|Way|Walk|Row|Parade|"
    rf"Boulevard|Square|Rise|House|Lodge|Mansions|Tower|Towers)\b|(?:St|Rd|Ave)\b\.?(?![ \t]+[A-Z]))",
)
_STREET_LOWERCASE = re.compile(
    rf"\b(?:on|in|along|at|off|down|up|near|from|into|onto|outside|opposite|round|around|of)[ \t]+"
    rf"(?P<street>(?:(?!(?:{_NOT_STREET_NAMES})\b)[a-z][a-z'\u2019-]+[ \t]+){{1,2}}(?:{_STREET_LOWER}))\b"
)
_AGE = re.compile(
    r"(?P<age>\b\d{1,3}[- ]?(?:years?|yrs?)[- ]?old\b)"
    r"|\b(?:i\s*am|i'm|i\u2019m|im|he\s+is|she\s+is|he's|she's|who\s+is|aged?|age\s+of|turned|turning)[ \t]+"
    r"(?P<number>\d{1,3})(?!\d|[.,:/]\d)(?![ \t]*(?:%|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?|yrs?|"
    r"times?|miles?|metres?|meters?|yards?|feet|ft|km|pounds?|quid|p|pence|am|pm|o'clock|th|st|nd|rd|x|calls?|"
    r"emails?|letters?|visits?|bins?|bags?|of|out|people|kids|children|in|on|at|minute|hour|day|week|month)\b)"
    r"|\bin\s+(?:my|his|her|their|our)\s+(?P<decade>(?:(?:early|mid|late)[ -])?(?:\d0s|twenties|thirties|forties|"
    r"fifties|sixties|seventies|eighties|nineties))\b",
    re.I,
)


@functools.cache
def _detail_patterns() -> tuple[re.Pattern, re.Pattern, re.Pattern, re.Pattern]:
    """(health conditions, conditions said about someone, family members, family names such as Mum)
    from ``personal_details.yaml``."""
    import yaml

    spec = yaml.safe_load(
        resources.files("pmkit").joinpath("data", "personal_details.yaml").read_text(encoding="utf-8")
    )

    def words(entries: list[str]) -> str:
        terms = sorted({str(e).strip().lower() for e in entries}, key=len, reverse=True)
        return "|".join(
            r"[\s-]+".join(re.escape(w).replace("'", "['\u2019]?") for w in re.split(r"[\s-]+", t)) for t in terms
        )

    conditions = re.compile(rf"(?<![\w'\u2019])(?:{words(spec['conditions'])})(?![\w'\u2019])", re.I)
    about = re.compile(
        r"\b(?:am|is|are|was|were|be|being|been|i'm|i\u2019m|he's|she's|and|has|have|had|having|with|from|"
        r"registered|severely|profoundly|partially|suffers|suffer|suffering|diagnosed|my|his|her|their|our|your)"
        rf"[ \t]+(?:(?:from|with|severe|severely|bad|chronic|terrible|serious|profoundly|registered|partially)[ \t]+)?"
        rf"(?P<detail>{words(spec['about_someone'])})(?![\w'\u2019])(?![ \t]+(?:{words(spec['facilities'])})\b)",
        re.I,
    )
    family = re.compile(
        rf"\b(?:my|our|his|her|their|your)[ \t]+(?:[\w'\u2019-]+[ \t]+){{0,3}}?(?P<detail>{words(spec['relations'])})(?![\w-])",
        re.I,
    )
    kin = re.compile(r"\b(?:" + "|".join(re.escape(str(n)) for n in spec["kin_names"]) + r")\b(?!-)")
    return conditions, about, family, kin


def _details(text: str) -> list[PersonalData]:
    """Health conditions, family members and ages in ``text`` (for public quotes)."""
    conditions, about, family, kin = _detail_patterns()
    found = [PersonalData(m.start(), m.end(), "health") for m in conditions.finditer(text)]
    found += [PersonalData(m.start("detail"), m.end("detail"), "health") for m in about.finditer(text)]
    found += [PersonalData(m.start("detail"), m.end("detail"), "family") for m in family.finditer(text)]
    found += [PersonalData(m.start(), m.end(), "family") for m in kin.finditer(text)]
    for match in _AGE.finditer(text):
        group = next(g for g in ("age", "number", "decade") if match.group(g))
        found.append(PersonalData(match.start(group), match.end(group), "age"))
    return found


_TITLES = (
    r"(?:[Mm]rs|[Mm]r|[Mm]s|[Mm]x|[Dd]r|[Pp]rof|[Pp]rofessor|[Cc]llr|[Cc]ouncillor|[Rr]evd|[Rr]ev|Reverend|"
    r"Miss|Sir|Dame|Lady|Lord|PC|PCSO|Sgt)"
)
_TITLE = re.compile(rf"(?<![\w.]){_TITLES}\.?[ \t]+(?=\S)")
_ROLES = (
    "carer|care worker|support worker|social worker|key worker|keyworker|case worker|caseworker|worker|nurse|"
    "doctor|gp|consultant|surgeon|therapist|physio|physiotherapist|ot|counsellor|psychiatrist|psychologist|"
    "midwife|health visitor|advocate|officer|receptionist|advisor|adviser|call handler|handler|operator|driver|"
    "paramedic|manager|team leader|supervisor|inspector|engineer|plumber|electrician|contractor|builder|"
    "surveyor|warden|librarian|teacher|headteacher|head teacher|councillor|landlord|landlady|neighbour|"
    "neighbor|friend|son|daughter|husband|wife|partner|mum|mother|mom|dad|father|brother|sister|grandson|"
    "granddaughter|grandmother|grandfather|nan|nana|nanna|gran|grandma|grandad|granddad|uncle|aunt|auntie|aunty|"
    "niece|nephew|cousin|boyfriend|girlfriend|fiance|fiancee|lady|man|gentleman|guy|girl|boy|woman|chap|fella|"
    "bloke|colleague|child|baby|lad|lass|assistant|coordinator|co-ordinator|tenant|resident"
)
_ROLE_CUE = re.compile(rf"\b(?:{_ROLES})(?:\s*,\s*|\s+(?:called|named)\s+|[ \t]+)(?=\S)", re.I)
_STRONG_CUE = re.compile(r"\b(?:named|(?:my\s+)?name\s+is|name's)\s+(?=\S)", re.I)
_SPEECH_CUE = re.compile(
    r"\b(?:(?:spoke|speak|speaking|talked|talking|chatted|chatting)\s+(?:to|with)|dealt\s+with|seen\s+by|"
    r"visited\s+by|helped\s+by|supported\s+by|thanks\s+to|thank\s+you\s+to|thank\s+you|thank\s+u|thanks|"
    r"cheers|hi|hello|hiya|dear|called|ask\s+for|asked\s+for|asking\s+for)\s*,?\s*(?=\S)",
    re.I,
)
_SIGN_OFF = re.compile(
    r"\b(?:thanks|thank\s+you|many\s+thanks|thanks\s+again|regards|kind\s+regards|best\s+regards|warm\s+regards|"
    r"best\s+wishes|all\s+the\s+best|yours\s+sincerely|yours\s+faithfully|sincerely|cheers|signed)\s*[,.!:-]*"
    r"(?P<gap>\s*\n\s*|[ \t]+)(?P<name>(?:[A-Za-z][\w'\u2019.-]*[ \t]*){1,3}?)[ \t]*[.!]*\s*$",
    re.I,
)
_NAME_TOKEN = re.compile(r"[A-Za-z]+(?:['\u2019][A-Za-z]+)*(?:-[A-Za-z]+)*")
_CAPITALISED = re.compile(r"^(?:Mc|Mac|O'|O\u2019|D'|D\u2019)?[A-Z][a-z]+(?:-[A-Z][a-z]+)*$|^Mc[A-Z][a-z]+$")
_INITIAL = re.compile(r"[A-Z]\.?")
_NOT_NAMES = {
    "i",
    "i'm",
    "i've",
    "i'll",
    "i'd",
    "the",
    "a",
    "an",
    "and",
    "but",
    "or",
    "so",
    "then",
    "also",
    "was",
    "were",
    "is",
    "are",
    "has",
    "have",
    "had",
    "did",
    "do",
    "does",
    "he",
    "she",
    "they",
    "we",
    "you",
    "it",
    "its",
    "his",
    "her",
    "their",
    "our",
    "my",
    "your",
    "this",
    "that",
    "these",
    "those",
    "who",
    "which",
    "when",
    "where",
    "what",
    "why",
    "how",
    "if",
    "as",
    "at",
    "on",
    "in",
    "to",
    "for",
    "from",
    "with",
    "by",
    "of",
    "not",
    "no",
    "yes",
    "ok",
    "okay",
    "please",
    "thanks",
    "thank",
    "council",
    "team",
    "service",
    "services",
    "department",
    "dept",
    "office",
    "officer",
    "manager",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "july",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "sir",
    "madam",
    "christmas",
    "easter",
    "english",
    "british",
    "nhs",
    "gp",
    "covid",
    "all",
    "everyone",
    "everybody",
    "again",
    "very",
    "much",
    "lot",
    "lots",
    "help",
    "there",
    "here",
    "now",
    "today",
    "yesterday",
    "tomorrow",
    "someone",
    "somebody",
    "anyone",
    "nobody",
    "being",
    "been",
    "be",
    "would",
    "could",
    "should",
    "can",
    "just",
    "only",
    "about",
    "after",
    "before",
    "back",
    "up",
    "out",
    "over",
    "into",
    "customer",
    "housing",
    "social",
    "care",
    "adult",
    "adults",
    "children",
    "city",
    "county",
    "borough",
    "district",
    "parish",
    "town",
    "west",
    "east",
    "north",
    "south",
    "great",
    "brilliant",
    "lovely",
    "kind",
    "staff",
    "crew",
    "ambulance",
    "hospital",
    "library",
    "centre",
    "center",
    "ward",
    "unit",
    "police",
    "however",
    "although",
    "unfortunately",
    "thankfully",
    "luckily",
    "sadly",
    "overall",
    "otherwise",
    "eventually",
    "finally",
    "yet",
    "still",
    "because",
    "since",
    "while",
    "whilst",
}
_PLACE_WORDS = {
    "road",
    "rd",
    "street",
    "st",
    "avenue",
    "ave",
    "lane",
    "close",
    "drive",
    "way",
    "hospital",
    "park",
    "house",
    "centre",
    "center",
    "court",
    "library",
    "school",
    "academy",
    "college",
    "university",
    "ward",
    "unit",
    "surgery",
    "practice",
    "square",
    "station",
    "gardens",
    "place",
    "terrace",
    "crescent",
    "grove",
    "walk",
    "estate",
    "clinic",
    "building",
    "medical",
    "infirmary",
    "primary",
    "community",
    "leisure",
    "memorial",
    "trust",
    "tower",
    "towers",
    "island",
    "bay",
    "institute",
    "museum",
    "theatre",
    "arena",
    "stadium",
    "shopping",
    "health",
    "village",
    "mosque",
    "temple",
    "row",
    "mews",
    "rise",
    "parade",
    "quay",
    "dock",
    "market",
    "retail",
    "nursery",
    "city",
    "county",
    "town",
    "council",
}
_NOT_BEFORE_NAMES = {
    "st",
    "st.",
    "saint",
    "king",
    "queen",
    "prince",
    "princess",
    "port",
    "fort",
    "mount",
    "lake",
    "lady",
    "lord",
}


@functools.cache
def _first_names() -> tuple[frozenset[str], frozenset[str]]:
    """(names, ambiguous names) from ``pmkit/data/first_names.txt``."""
    text = resources.files("pmkit").joinpath("data", "first_names.txt").read_text(encoding="utf-8")
    entries = [line.split("#", 1)[0].strip().lower() for line in text.splitlines()]
    entries = [e for e in entries if e]
    names = frozenset(e for e in entries if not e.endswith("?"))
    ambiguous = frozenset(e[:-1] for e in entries if e.endswith("?"))
    return names, ambiguous


def _bare(word: str) -> str:
    return re.sub(r"['\u2019]s$", "", word)


def _name_at(text: str, start: int, cue: str) -> PersonalData | None:
    """The name that starts at ``start`` after a cue of kind ``cue``, if there is one.

    Cues: ``title`` (Mrs, Dr: any capitalised word, or any word after a lower-case title),
    ``role`` (my carer, the driver: a capitalised word or a known first name), ``strong`` (named,
    my name is), ``speech`` (spoke to, thanks: a known first name, ambiguous ones included when
    capitalised), ``none`` (a capitalised, unambiguous first name on its own) and ``pair`` (an
    ambiguous first name such as Mark or Grace, only when a capitalised surname follows).
    """
    names, ambiguous = _first_names()
    tokens = []
    position = start
    while len(tokens) < 3:
        match = _NAME_TOKEN.match(text, position)
        if not match:
            break
        tokens.append(match)
        initial = len(match.group()) == 1
        gap = re.match(r"\.?[ \t]*(?=[A-Z])" if initial else r"[ \t]+", text[match.end() :])
        if not gap:
            break
        position = match.end() + gap.end()
    if not tokens:
        return None
    first = _bare(tokens[0].group())
    lower = first.lower()
    capitalised = bool(_CAPITALISED.match(first))
    initial = bool(_INITIAL.fullmatch(first)) and len(tokens) > 1 and bool(_CAPITALISED.match(_bare(tokens[1].group())))
    known = lower in names
    if not initial and (lower in _NOT_NAMES or (lower in _PLACE_WORDS and not known and not cue.startswith("title"))):
        return None
    if cue == "title":
        ok = capitalised or initial
    elif cue == "title_lower":
        ok = capitalised or initial or first.islower()
    elif cue == "role":
        ok = capitalised or (known and first.islower())
    elif cue == "strong":
        ok = capitalised
    elif cue == "speech":
        ok = (capitalised and (known or lower in ambiguous)) or (known and first.islower())
    elif cue == "pair":
        ok = capitalised and lower in ambiguous
    else:
        ok = capitalised and known
    if not ok:
        return None
    surnames = tokens[2:] if initial else tokens[1:]
    end = (tokens[1] if initial else tokens[0]).start() + len(_bare((tokens[1] if initial else tokens[0]).group()))
    for token in surnames:
        word = _bare(token.group())
        if not _CAPITALISED.match(word) or word.lower() in _NOT_NAMES or word.lower() in _PLACE_WORDS:
            break
        end = token.start() + len(word)
    if cue == "pair" and end == tokens[0].start() + len(first):
        return None
    if cue in ("none", "pair"):
        following = re.match(r"[ \t]+([A-Za-z]+)", text[end:])
        if following and following.group(1).lower() in _PLACE_WORDS:
            return None
    return PersonalData(start, end, "name")


def _names(text: str) -> list[PersonalData]:
    found = []
    cues = (("title", _TITLE), ("role", _ROLE_CUE), ("strong", _STRONG_CUE), ("speech", _SPEECH_CUE))
    for cue, pattern in cues:
        for match in pattern.finditer(text):
            kind = "title_lower" if cue == "title" and match.group()[0].islower() else cue
            span = _name_at(text, match.end(), kind)
            if span:
                found.append(span)
    names, ambiguous = _first_names()
    for match in _NAME_TOKEN.finditer(text):
        word = _bare(match.group())
        if word.lower() not in names | ambiguous or not _CAPITALISED.match(word):
            continue
        before = text[max(0, match.start() - 12) : match.start()].split()
        if before and before[-1].lower() in _NOT_BEFORE_NAMES:
            continue
        span = _name_at(text, match.start(), "pair" if word.lower() in ambiguous else "none")
        if span:
            found.append(span)
    sign_off = _SIGN_OFF.search(text)
    if sign_off:
        span = _signature(sign_off)
        if span:
            found.append(span)
    return found


def _signature(match: re.Match) -> PersonalData | None:
    """A name that ends the text after a sign-off: "Thanks, John", "Regards\\nJane Smith"."""
    names, ambiguous = _first_names()
    words = match.group("name").split()
    first = _bare(words[0].rstrip(".,"))
    on_own_line = "\n" in match.group("gap")
    if re.fullmatch(_TITLES + r"\.?", words[0]):
        return None
    plausible = all(_CAPITALISED.match(_bare(w.rstrip(".,"))) or _INITIAL.fullmatch(w) for w in words)
    if any(_bare(w.rstrip(".,")).lower() in _NOT_NAMES | _PLACE_WORDS for w in words):
        return None
    if first.lower() in names | ambiguous or _INITIAL.fullmatch(words[0]) or (on_own_line and plausible):
        start = match.start("name")
        name_text = match.group("name").rstrip()
        return PersonalData(start, start + len(name_text.rstrip(".")), "name")
    return None


def _nhs_check_digit_ok(digits: str) -> bool:
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1)))
    check = 11 - total % 11
    return check != 10 and (check % 11) == int(digits[9])


def find_personal_data(text: str, kinds: Iterable[str] = KINDS) -> list[PersonalData]:
    """Every span of personal data of ``kinds`` in ``text``, left to right, without overlaps.

    Kinds: e-mail, NHS number (with "NHS" before it, or a valid check digit and no leading 0),
    NI number, UK phone number, postcode, street address with a house number, a named street
    ("Church Street", "on mill lane"), and personal names (after a title, a role such as "my carer",
    "spoke to", a sign-off, or a known first name); with ``DETAILS`` in ``kinds`` also a health
    condition, a family member after my/our/his/her and an age ("I am 84", "84-year-old").

    >>> [(s.kind, "Email jo@example.org or ring 0121 496 0000"[s.start:s.end]) for s in find_personal_data("Email jo@example.org or ring 0121 496 0000")]
    [('email', 'jo@example.org'), ('phone', '0121 496 0000')]
    """
    candidates: list[PersonalData] = [PersonalData(m.start(), m.end(), "email") for m in _EMAIL.finditer(text)]
    for match in _TEN_DIGITS.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        context = bool(_NHS_CONTEXT.search(text[max(0, match.start() - 30) : match.start()]))
        if context or (digits[0] != "0" and _nhs_check_digit_ok(digits)):
            candidates.append(PersonalData(match.start(), match.end(), "nhs_number"))
    candidates += [PersonalData(m.start(), m.end(), "ni_number") for m in _NI.finditer(text)]
    for match in _NI_SHORT.finditer(text):
        if _NI_CONTEXT.search(text[max(0, match.start() - 30) : match.start()]):
            candidates.append(PersonalData(match.start(), match.end(), "ni_number"))
    candidates += [PersonalData(m.start(), m.end(), "phone") for m in _PHONE.finditer(text)]
    candidates += [PersonalData(m.start(), m.end(), "postcode") for m in _POSTCODE.finditer(text)]
    candidates += [PersonalData(m.start(), m.end(), "address") for m in _ADDRESS.finditer(text)]
    candidates += [PersonalData(m.start(), m.end(), "street") for m in _STREET.finditer(text)]
    candidates += [PersonalData(m.start("street"), m.end("street"), "street") for m in _STREET_LOWERCASE.finditer(text)]
    candidates += _names(text)
    wanted = set(kinds)
    if wanted & set(DETAILS):
        candidates += _details(text)
    candidates = [c for c in candidates if c.kind in wanted]
    accepted: list[PersonalData] = []
    for span in sorted(candidates, key=lambda s: (-_PRIORITY[s.kind], s.start, -(s.end - s.start))):
        overlapping = [a for a in accepted if a.start < span.end and span.start < a.end]
        if not overlapping:
            accepted.append(span)
        elif span.kind == "name" and all(a.kind == "name" for a in overlapping):
            merged = PersonalData(
                min([span.start] + [a.start for a in overlapping]),
                max([span.end] + [a.end for a in overlapping]),
                "name",
            )
            accepted = [a for a in accepted if a not in overlapping] + [merged]
    return sorted(accepted)


def redact(text: str, audience: str = "internal") -> str:
    """Replace personal data with ``[email]``, ``[phone]``, ``[postcode]``, ``[nhs_number]``,
    ``[ni_number]``, ``[address]``, ``[street]`` and ``[name]`` (titles and roles stay: "Mrs [name]");
    for the ``public`` audience also health conditions, family members and ages with ``[health condition]``,
    ``[family member]`` and ``[age]``.

    >>> redact("Call Mrs Patel on 07700 900123")
    'Call Mrs [name] on [phone]'
    >>> redact("Thank you, the bins in Coventry were collected")
    'Thank you, the bins in Coventry were collected'
    >>> redact("I am 84 and disabled, my son has autism", audience="public")
    'I am [age] and [health condition], my [family member] has [health condition]'
    """
    if not isinstance(text, str) or not text:
        return text
    kinds = KINDS + DETAILS if audience == "public" else KINDS
    pieces = []
    position = 0
    for span in find_personal_data(text, kinds):
        pieces.append(text[position : span.start])
        pieces.append(f"[{PLACEHOLDERS.get(span.kind, span.kind)}]")
        position = span.end
    pieces.append(text[position:])
    return "".join(pieces)
