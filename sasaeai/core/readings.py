"""Japanese words and their readings, made offline by SudachiPy with sudachidict-core: the one
tokenizer of the process, for every caller (search readings, a person's interests, matching).

- `words`: the text cut into words (split mode C), each with its surface, its katakana reading,
  its normalised form (歌っ → 歌う) and its part of speech;
- `reading`: the katakana reading of a whole text (桜堤 → サクラヅツミ), for search and sort;
- `reading_words`: the same reading as a sequence of words (介護予防体操 → カイゴ|ヨボウ|タイソウ),
  and `in_whole_words`, which finds a term only where it starts and ends at word boundaries
  (「ウタ」 is not in カイゴ|ヨボウ|タイソウ, it is in ウタ|ノ|カイ);
- `bounded` / `bounded_reading` / `bounded_kana`: a reading as it is stored in a search text, so
  that a plain substring search respects its word boundaries: in hiragana (a folded query is
  always katakana, so it never meets a reading inside a word), each word and each run of up to
  MAX_SPAN_WORDS words (and the whole reading) between BOUNDARY marks:
  介護予防体操 → 「ゖかいごゖよぼうゖたいそうゖ ゖかいごよぼうゖ ゖよぼうたいそうゖ ゖかいごよぼうたいそうゖ」;
  `bounded_term` gives a katakana query term's form (タイソウ → 「ゖたいそうゖ」, ウタ → 「ゖうたゖ」,
  found only where a reading has that word or run of words).

The dictionary is loaded on first use, once per process. A SudachiPy tokenizer refuses to be
used by two threads at once, so calls take a lock: each call is short (a name or a phrase, at
most MAX_CHARS characters).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

import jaconv

from .text import search_key

# Longer texts are cut: a reading is made for names, places and short phrases.
MAX_CHARS = 500
# SudachiPy reads spaces and most symbols as キゴウ ("symbol"); they keep their spelling.
_SYMBOL_CLASSES = frozenset({"補助記号", "空白"})

# The mark around the words of a stored reading: a hiragana letter (so the search indexes keep it
# inside their tokens) that folding never leaves in a text (search_key turns ゖ into ケ).
BOUNDARY = "ゖ"
MAX_SPAN_WORDS = 4
_KATAKANA_TERM = re.compile(r"[ァ-ヴー]+")

_lock = threading.Lock()
_tokenizer = None


@dataclass(frozen=True)
class Word:
    surface: str
    reading: str  # katakana; a symbol keeps its spelling, a space reads as nothing
    normalized: str  # the dictionary form: 歌っ → 歌う, 麻雀 → マージャン
    part_of_speech: tuple[str, ...]

    @property
    def is_symbol(self) -> bool:
        return self.part_of_speech[0] in _SYMBOL_CLASSES


def _loaded_tokenizer():
    global _tokenizer
    if _tokenizer is None:
        from sudachipy import Dictionary, SplitMode

        _tokenizer = Dictionary(dict="core").tokenizer(mode=SplitMode.C)
    return _tokenizer


def _word(morpheme) -> Word:
    surface = morpheme.surface()
    part_of_speech = tuple(morpheme.part_of_speech())
    if part_of_speech[0] == "空白":
        reading = ""
    elif part_of_speech[0] in _SYMBOL_CLASSES:
        reading = surface
    else:
        reading = morpheme.reading_form() or surface
    return Word(surface, reading, morpheme.normalized_form(), part_of_speech)


def words(text: str) -> list[Word]:
    """The words of a text (its first MAX_CHARS characters). Raises what SudachiPy raises:
    callers decide what a failure means for them (saving a record must never fail on it)."""
    text = (text or "")[:MAX_CHARS]
    if not text.strip():
        return []
    with _lock:
        return [_word(m) for m in _loaded_tokenizer().tokenize(text)]


def reading(text: str) -> str:
    """The katakana reading of a Japanese text (桜堤 → サクラヅツミ); words the dictionary does
    not know and symbols keep their spelling, spaces are left out; "" if SudachiPy fails."""
    try:
        found = words((text or "").strip())
    except Exception:  # a tokenizer failure must never block saving a record
        return ""
    return "".join(w.reading for w in found).replace(" ", "")


def reading_words(text: str) -> list[str]:
    """The reading as a sequence of words, symbols and spaces left out:
    「介護予防体操」→ ["カイゴ", "ヨボウ", "タイソウ"]; [] if SudachiPy fails."""
    try:
        found = words((text or "").strip())
    except Exception:
        return []
    return [w.reading for w in found if w.reading and not w.is_symbol]


def in_whole_words(term: str, sequence: list[str]) -> bool:
    """Whether a term is found in a sequence of words starting and ending at word boundaries
    (one word or several in a row), both folded with search_key:
    ウタ in ["ウタ", "ノ", "カイ"] but not in ["カイゴ", "ヨボウ", "タイソウ"]."""
    term = search_key(term).replace(" ", "")
    if not term:
        return False
    folded = [search_key(w) for w in sequence]
    for start in range(len(folded)):
        joined = ""
        for word in folded[start:]:
            joined += word
            if joined == term:
                return True
            if len(joined) >= len(term) or not term.startswith(joined):
                break
    return False


def bounded(sequence: list[str]) -> str:
    """Reading words in the bounded form stored in search texts (see the module docstring);
    "" for no words."""
    folded = [jaconv.kata2hira(search_key(w).replace(" ", "")) for w in sequence]
    folded = [w for w in folded if w]
    if not folded:
        return ""
    spans = [BOUNDARY + BOUNDARY.join(folded) + BOUNDARY]
    count = len(folded)
    for size in range(2, min(count, MAX_SPAN_WORDS) + 1):
        for start in range(count - size + 1):
            spans.append(BOUNDARY + "".join(folded[start : start + size]) + BOUNDARY)
    if count > MAX_SPAN_WORDS:
        spans.append(BOUNDARY + "".join(folded) + BOUNDARY)
    return " ".join(dict.fromkeys(spans))


def bounded_reading(text: str) -> str:
    """The reading of a text in the bounded form ("" if SudachiPy fails or finds none)."""
    return bounded(reading_words(text))


def bounded_kana(kana: str, text: str = "") -> str:
    """A reading typed by a person (ふりがな) in the bounded form. Its words are those of the
    text it reads when the two agree (ロウジンクラブカラオケテイレイカイ for 老人クラブ
    カラオケ定例会 → ロウジン|クラブ|カラオケ|テイレイ|カイ); otherwise the words it was typed
    with (separated by spaces), each whole. A "kana" with other letters (エ5セy) is no reading:
    it is kept folded, as typed."""
    folded = search_key(kana)
    if not folded:
        return ""
    if not _KATAKANA_TERM.fullmatch(folded.replace(" ", "")):
        return folded  # not a reading in kana (letters, digits): kept as typed, folded
    if text:
        sequence = reading_words(text)
        if "".join(search_key(w) for w in sequence) == folded.replace(" ", ""):
            return bounded(sequence)
    return bounded(folded.split(" "))


def bounded_term(term: str) -> str | None:
    """A folded katakana term as it is found in bounded readings (ウタ → 「ゖうたゖ」); None for a
    term that is not all katakana (kanji and letters are matched as typed)."""
    if not _KATAKANA_TERM.fullmatch(term or ""):
        return None
    return BOUNDARY + jaconv.kata2hira(term) + BOUNDARY
