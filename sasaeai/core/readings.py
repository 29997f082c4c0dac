"""Japanese words and their readings, made offline by SudachiPy with sudachidict-core: the one
tokenizer of the process, for every caller (search readings, a person's interests, matching).

- `words`: the text cut into words (split mode C), each with its surface, its katakana reading,
  its normalised form (歌っ → 歌う) and its part of speech;
- `reading`: the katakana reading of a whole text (桜堤 → サクラヅツミ), for search and sort;
- `reading_words`: the same reading as a sequence of words (介護予防体操 → カイゴ|ヨボウ|タイソウ),
  and `in_whole_words`, which finds a term only where it starts and ends at word boundaries
  (「ウタ」 is not in カイゴ|ヨボウ|タイソウ, it is in ウタ|ノ|カイ).

The dictionary is loaded on first use, once per process. A SudachiPy tokenizer refuses to be
used by two threads at once, so calls take a lock: each call is short (a name or a phrase, at
most MAX_CHARS characters).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from .text import search_key

# Longer texts are cut: a reading is made for names, places and short phrases.
MAX_CHARS = 500
# SudachiPy reads spaces and most symbols as キゴウ ("symbol"); they keep their spelling.
_SYMBOL_CLASSES = frozenset({"補助記号", "空白"})

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
