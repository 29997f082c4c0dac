"""A person's interests and wishes, read from free Japanese text, as weighted search terms.

「歌うこと」「カラオケ」「昔は合唱団にいた」 are cut into words by core.readings (SudachiPy, the one
tokenizer the resource search also makes its readings with) and taken in their normalised forms
(歌っ → 歌う, 麻雀 → マージャン). Each word then gets its alternatives, each with a weight:
- the word itself, and the words of its synonym group in the resource search (1.0);
- words of the interest vocabulary found inside a longer word (合唱団 → 合唱, 0.9);
- semantically near words (歌う → 歌, カラオケ, 合唱) from related_words.json, a table derived
  from the chiVe word vectors shipped in the ja-ginza package (see data/build_related_words.py),
  weighted by their cosine similarity (scaled by SEMANTIC_FACTOR so that a real match of the
  word always outranks a near one).
Needs in plain words (「話し相手がほしい」「体を動かしたい」) are read with the needs vocabulary
(data/needs_vocabulary.txt): a phrase that says a need becomes a term whose alternatives are the
activities that meet it (おしゃべり, 傾聴, 茶話会, サロン), weighted NEED_WEIGHT, in the interests
and, a little weaker (NOTES_WEIGHT), in the person's own words (notes).
Every alternative is folded with the same `search_key` as the services' search text, so a term
matches a service when it is a substring of the service's `search_text`; a katakana alternative
is found in the stored readings only at word boundaries (core.readings.bounded_term: ウタ is
not in カイゴ|ヨボウ|タイソウ).
"""

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from sasaeai.core import readings
from sasaeai.core.readings import bounded_term
from sasaeai.core.text import search_key

DATA = Path(__file__).resolve().parent / "data"
SEMANTIC_FACTOR = 0.8
SEMANTIC_MIN = 0.50
# One-character words are substrings of too much (話 in 茶話会, 本 in 本町): only these pass.
SHORT_WORDS_ALLOWED = frozenset({"歌", "絵", "畑", "碁", "花"})
# Sections of the vocabulary that are wishes (company, role, care), not interests.
NON_INTEREST_SECTIONS = frozenset({"交流・居場所", "役割・担い手", "介護・家族"})
CONTAINED_WEIGHT = 0.9
NEED_WEIGHT = 0.9
NOTES_WEIGHT = 0.8
# A word found only in a service's category names (カラオケ in 「カラオケ・音楽」 of a choir).
CATEGORY_ONLY_FACTOR = 0.6
MAX_INTEREST_TERMS = 8
MAX_NEED_TERMS = 4
MAX_ALTERNATIVES = 16

_KATAKANA = re.compile(r"[ァ-ヶー]+")
_PHRASE_SPLIT = re.compile(r"[,、，;；/／|｜\n・･\s]+")

# Words too general to say what a person likes (they would match almost anything).
GENERIC = frozenset(
    {
        "こと",
        "もの",
        "物",
        "事",
        "人",
        "方",
        "好き",
        "興味",
        "関心",
        "趣味",
        "昔",
        "以前",
        "今",
        "近く",
        "近所",
        "自宅",
        "家",
        "場所",
        "所",
        "場",
        "参加",
        "活動",
        "時間",
        "日",
        "週",
        "毎週",
        "程度",
        "本人",
        "地域",
        "支援",
        "相談",
        "健康",
        "交流",
        "作業",
        "話",
        "会",
        "教室",
        "サロン",
        "居場所",
        "集まり",
        "仲間",
        "ため",
        "よう",
        "感じ",
        "気",
        "自分",
        "他",
        "ほか",
        "色々",
        "いろいろ",
        "たくさん",
        "少し",
        "相手",
    }
)


def _vocabulary_sections() -> dict[str, str]:
    """word → the section (# heading) of interest_vocabulary.txt it is listed under."""
    sections: dict[str, str] = {}
    section = ""
    for line in (DATA / "interest_vocabulary.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("# "):
            section = line[2:].strip()
        elif line and not line.startswith("#"):
            sections.setdefault(line, section)
    return sections


@lru_cache(maxsize=1)
def vocabulary() -> frozenset[str]:
    return frozenset(_vocabulary_sections())


@lru_cache(maxsize=1)
def interest_vocabulary() -> frozenset[str]:
    """The words that name an interest (歌, 手芸, 将棋), not a wish (友達, 手伝い, 介護)."""
    return frozenset(
        word
        for word, section in _vocabulary_sections().items()
        if section not in NON_INTEREST_SECTIONS
    )


@lru_cache(maxsize=1)
def related_table() -> dict[str, list[tuple[str, float]]]:
    raw = json.loads((DATA / "related_words.json").read_text(encoding="utf-8"))
    return {
        word: [(other, float(sim)) for other, sim in near if float(sim) >= SEMANTIC_MIN]
        for word, near in raw["related"].items()
    }


def related_words(word: str) -> list[tuple[str, float]]:
    """Semantically near words of the vocabulary with their cosine similarity (short words
    only when they are distinctive)."""
    return [
        (other, sim)
        for other, sim in related_table().get(word, [])
        if len(other) > 1 or other in SHORT_WORDS_ALLOWED
    ]


@dataclass
class Alternative:
    text: str  # as shown in a reason
    folded: str  # as matched against search_text
    weight: float
    kind: str  # exact / synonym / contained / semantic / need
    forms: tuple[str, ...] = ()  # what is looked for: folded, and its bounded reading form

    def __post_init__(self) -> None:
        if not self.forms:
            bounded = bounded_term(self.folded)
            self.forms = (self.folded, bounded) if bounded else (self.folded,)

    def found_in(self, text: str) -> bool:
        return any(form in text for form in self.forms)


@dataclass
class InterestTerm:
    """One thing the person likes, with the words that would show it in a resource."""

    label: str
    alternatives: list[Alternative] = field(default_factory=list)
    weight: float = 1.0  # below 1 for words taken from notes rather than the interests

    def add(self, text: str, weight: float, kind: str) -> None:
        folded = search_key(text)
        if not folded or len(self.alternatives) >= MAX_ALTERNATIVES:
            return
        if kind != "exact" and len(folded) <= 2 and _KATAKANA.fullmatch(folded):
            # ウタ is a substring of readings (タイソウタイム); the kanji form stays.
            return
        for alternative in self.alternatives:
            if alternative.folded == folded:
                if weight > alternative.weight:
                    alternative.weight, alternative.kind = weight, kind
                return
        self.alternatives.append(Alternative(text, folded, weight, kind))

    def best_in(self, text: str, category_text: str = "") -> tuple[Alternative, float] | None:
        """The best alternative found in a service's own text (full weight) or only in its
        category names (CATEGORY_ONLY_FACTOR), with the weight it earns."""
        best: tuple[Alternative, float] | None = None
        for alternative in self.alternatives:
            if alternative.found_in(text):
                weight = alternative.weight
            elif category_text and alternative.found_in(category_text):
                weight = alternative.weight * CATEGORY_ONLY_FACTOR
            else:
                continue
            if best is None or weight > best[1]:
                best = (alternative, weight)
        return best


def _content_words(text: str) -> list[str]:
    """Nouns and verbs of a text in their normalised form, general words left out. Verbs are
    kept only when they are interest words themselves (歌う, 歩く), not 行く or 思う."""
    words: list[str] = []
    try:
        found = readings.words(text)
    except Exception:  # a tokenizer failure leaves the phrase as typed
        return [text.strip()] if text.strip() else []
    vocab = vocabulary()
    for word in found:
        pos = word.part_of_speech
        form = word.normalized
        surface = word.surface
        if pos[0] == "名詞" and pos[1] in ("普通名詞", "固有名詞"):
            if form in GENERIC or surface in GENERIC:
                continue
            if len(form) < 2 and form not in vocab:
                continue
            words.append(form if form in vocab or surface not in vocab else surface)
        elif pos[0] == "動詞" and form in vocab:
            words.append(form)
    return words


def _term_for(word: str, *, synonym_groups: list[frozenset[str]], weight: float) -> InterestTerm:
    term = InterestTerm(label=word, weight=weight)
    term.add(word, 1.0, "exact")
    folded = search_key(word)
    for group in synonym_groups:
        if folded in group:
            for other in sorted(group):
                term.add(other, 1.0, "synonym")
    vocab = vocabulary()
    if word not in vocab:
        for inner in sorted(vocab, key=len, reverse=True):
            if inner != word and inner in word and (len(inner) >= 2 or len(word) <= 3):
                term.add(inner, CONTAINED_WEIGHT, "contained")
                for other, sim in related_words(inner):
                    term.add(other, round(sim * SEMANTIC_FACTOR * CONTAINED_WEIGHT, 3), "semantic")
    for other, sim in related_words(word):
        term.add(other, round(sim * SEMANTIC_FACTOR, 3), "semantic")
    # Near words of the word's synonyms (カラオケ → 歌 → 合唱), a little weaker.
    for synonym in [a.text for a in term.alternatives if a.kind == "synonym"]:
        for other, sim in related_words(synonym):
            term.add(other, round(sim * SEMANTIC_FACTOR * 0.9, 3), "semantic")
    return term


@lru_cache(maxsize=1)
def needs_vocabulary() -> list[tuple[re.Pattern, str, tuple[str, ...]]]:
    """(pattern of the need in plain words, its label, the activities that meet it) of
    data/needs_vocabulary.txt, in file order."""
    needs = []
    for line in (DATA / "needs_vocabulary.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        label, _, rest = line.partition(":")
        pattern, _, words = rest.partition("=")
        needs.append(
            (
                re.compile(pattern.strip()),
                label.strip(),
                tuple(w.strip() for w in words.split(",") if w.strip()),
            )
        )
    return needs


def need_terms(text: str, *, weight: float = 1.0) -> list[InterestTerm]:
    """The needs a text says in plain words (「話し相手がほしい」), each as a term whose
    alternatives are the activities that meet it."""
    terms = []
    for pattern, label, words in needs_vocabulary():
        if pattern.search(text or ""):
            term = InterestTerm(label=label, weight=weight)
            for word in words:
                term.add(word, NEED_WEIGHT, "need")
            terms.append(term)
    return terms


def interest_terms(
    interests: str,
    *,
    synonym_groups: list[frozenset[str]] | None = None,
    notes: str = "",
) -> list[InterestTerm]:
    """The person's interests as terms with weighted alternatives, and the needs said in plain
    words in the interests and (weaker) in the notes. (The notes' other words feed the wishes,
    not the interests: 「2キロ歩ける」 says what they can do, not what they like.)"""
    groups = synonym_groups or []
    terms: list[InterestTerm] = []
    seen: set[str] = set()

    def push(word: str, weight: float) -> None:
        key = search_key(word)
        if not key or key in seen or len(terms) >= MAX_INTEREST_TERMS:
            return
        seen.add(key)
        terms.append(_term_for(word, synonym_groups=groups, weight=weight))

    for phrase in _PHRASE_SPLIT.split(interests or ""):
        phrase = phrase.strip()
        if not phrase or need_terms(phrase):
            continue  # a need said in plain words is read as the activities that meet it
        words = _content_words(phrase)
        # A short phrase that is one word stays whole (健康麻雀), else its words count.
        if len(words) <= 1 and len(phrase) <= 8 and phrase not in GENERIC:
            push(words[0] if words and words[0] in vocabulary() else phrase, 1.0)
        for word in words:
            push(word, 1.0)
    # Then the needs said in plain words, in the interests and (weaker) in the notes.
    needs = 0
    for term in need_terms(interests) + need_terms(notes, weight=NOTES_WEIGHT):
        if term.label not in seen and needs < MAX_NEED_TERMS:
            seen.add(term.label)
            terms.append(term)
            needs += 1
    return terms


# --- wishes in the person's own words -----------------------------------------------------------

WISH_PATTERNS: dict[str, re.Pattern] = {
    "company": re.compile(
        r"交流|人と(話|会|関わ|つなが)|話(し相手|がしたい|したい)|おしゃべり|仲間|友(達|人)|知り合い|寂し|さみし|孤立|こもりがち"
    ),
    "role": re.compile(r"役に立|役割|手伝|ボランティア|世話|面倒見|担い手"),
    "exercise": re.compile(
        r"運動|体操|体を動か|体力(を|づくり|作り)|筋力|散歩|ウォーキング|リハビリ"
    ),
    "meals": re.compile(r"食事|昼食|ごはん|ご飯|食堂|会食|ランチ|弁当"),
    "learning": re.compile(r"学び|学ぶ|学習|勉強|講座|教わ|覚えたい"),
    "carer_support": re.compile(r"介護している|介護者|介護疲れ|家族の介護|看病"),
    "quiet": re.compile(
        r"少人数|こぢんまり|こじんまり|静か|落ち着い|大勢(は|が|の)?(苦手|嫌|疲れ)|"
        r"人(混み|ごみ)|(にぎやか|賑やか|騒がし)[^。、]{0,6}(苦手|嫌|疲れ)"
    ),
}


def wishes_in(text: str) -> set[str]:
    """The structured wishes a free text speaks of (「人と話したい」→ company)."""
    found = set()
    for wish, pattern in WISH_PATTERNS.items():
        if pattern.search(text or ""):
            found.add(wish)
    return found
