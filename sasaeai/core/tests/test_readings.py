"""Readings made by the one SudachiPy tokenizer (core.readings): whole readings, readings as
words with their boundaries, and the tokenizer shared safely by threads."""

import threading

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sasaeai.core import readings
from sasaeai.core.readings import in_whole_words, reading, reading_words, words


def test_reading_of_place_names():
    assert reading("桜堤") == "サクラヅツミ"
    assert reading("吉祥寺北町") == "キチジョウジキタマチ"


def test_spaces_and_brackets_are_not_read_as_kigou():
    """SudachiPy reads a space or a bracket as キゴウ ("symbol"): a name with brackets must not
    be found by キゴウ, nor sorted under キ."""
    assert reading("ふれあいサロン（桜堤）") == "フレアイサロン（サクラヅツミ）"
    assert reading("桜堤 サロン") == "サクラヅツミサロン"
    assert "キゴウ" not in reading("〒180-0001 桜堤\n2丁目")


def test_reading_as_words_keeps_the_boundaries():
    assert reading_words("介護予防体操") == ["カイゴ", "ヨボウ", "タイソウ"]
    assert reading_words("歌の会") == ["ウタ", "ノ", "カイ"]
    assert reading_words("ふれあいサロン（桜堤）") == ["フレアイ", "サロン", "サクラヅツミ"]


def test_a_term_matches_only_whole_words():
    """「うた」 is a substring of カイゴヨボウタイソウ, but not a word of it (issue #25)."""
    exercise = reading_words("介護予防体操")
    assert "ウタ" in "".join(exercise)
    assert not in_whole_words("うた", exercise)
    assert not in_whole_words("ボウタイ", exercise)
    assert in_whole_words("たいそう", exercise)
    assert in_whole_words("ヨボウタイソウ", exercise)  # two words in a row
    assert in_whole_words("うた", reading_words("歌の会"))
    assert not in_whole_words("", exercise)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.text(
        alphabet=st.one_of(
            st.characters(min_codepoint=0x3041, max_codepoint=0x3093),  # hiragana
            st.characters(min_codepoint=0x30A1, max_codepoint=0x30F3),  # katakana
            st.sampled_from("桜堤介護予防体操歌会食堂吉祥寺北町集会所山田宅番号丁目"),
        ),
        min_size=1,
        max_size=20,
    ),
    st.data(),
)
def test_every_run_of_whole_words_is_found_and_the_words_make_the_reading(text, data):
    found = words(text)
    sequence = reading_words(text)
    # The reading is the words' readings in a row; the sequence leaves the symbols out.
    assert reading(text) == "".join(w.reading for w in found)
    assert sequence == [w.reading for w in found if w.reading and not w.is_symbol]
    if sequence:
        start = data.draw(st.integers(0, len(sequence) - 1))
        end = data.draw(st.integers(start + 1, len(sequence)))
        assert in_whole_words("".join(sequence[start:end]), sequence)


def test_words_carry_what_interest_reading_needs():
    found = words("昔は合唱団で歌っていた")
    sung = next(w for w in found if w.surface == "歌っ")
    assert sung.normalized == "歌う" and sung.part_of_speech[0] == "動詞"


def test_one_tokenizer_shared_safely_by_threads():
    """A SudachiPy tokenizer refuses two threads at once ("Tokenizer is already in use"): the
    one tokenizer of the process is used under a lock, and gives every thread its readings."""
    texts = [f"介護予防体操と歌の会{i}" for i in range(40)]
    expected = [reading(t) for t in texts]
    assert readings._loaded_tokenizer() is readings._loaded_tokenizer()
    results: dict[int, list[str]] = {}
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            results[n] = [reading(t) for t in texts]
            for t in texts:
                words(t)  # raises when the tokenizer is used by two threads at once
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert all(result == expected for result in results.values())
