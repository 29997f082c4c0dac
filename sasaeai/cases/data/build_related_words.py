"""Builds related_words.json: for each word of interest_vocabulary.txt, the other words of the
vocabulary whose chiVe word vectors are near (cosine similarity), as shipped inside the
`ja-ginza` package on PyPI (ja_ginza 5.3.0, vectors from chiVe, Apache License 2.0,
© Works Applications).

The application does not depend on spaCy or ja-ginza at run time (ja-ginza pins
SudachiPy < 0.7 and brings spaCy; the project uses SudachiPy 0.7): this script reads the
vectors straight from the wheel once, and the small table it writes is committed.

    pip download ja-ginza==5.3.0 --no-deps -d /tmp/ginza
    python sasaeai/cases/data/build_related_words.py /tmp/ginza/ja_ginza-5.3.0-py3-none-any.whl

Needs numpy only. Words missing from the vectors are reported and left out.
"""

import io
import json
import struct
import sys
import zipfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
MIN_SIMILARITY = 0.40
MAX_NEIGHBOURS = 12
VOCAB_DIR = "ja_ginza/ja_ginza-5.3.0/vocab/"


def murmurhash64a(data: bytes, seed: int = 1) -> int:
    """spaCy's string hash (MurmurHash64A, seed 1): the keys of the vectors table."""
    m, r, mask = 0xC6A4A7935BD1E995, 47, 0xFFFFFFFFFFFFFFFF
    h = (seed ^ (len(data) * m)) & mask
    blocks = len(data) // 8
    for i in range(blocks):
        k = int.from_bytes(data[i * 8 : i * 8 + 8], "little")
        k = (k * m) & mask
        k ^= k >> r
        k = (k * m) & mask
        h ^= k
        h = (h * m) & mask
    tail = data[blocks * 8 :]
    if tail:
        for i in range(len(tail) - 1, -1, -1):
            h ^= tail[i] << (8 * i)
        h = (h * m) & mask
    h ^= h >> r
    h = (h * m) & mask
    h ^= h >> r
    return h


def _read_uint(buffer: io.BytesIO) -> int:
    """One unsigned integer in msgpack encoding (the only type key2row holds)."""
    tag = buffer.read(1)[0]
    if tag <= 0x7F:
        return tag
    sizes = {0xCC: ">B", 0xCD: ">H", 0xCE: ">I", 0xCF: ">Q"}
    if tag not in sizes:
        raise ValueError(f"unexpected msgpack tag {tag:#x}")
    fmt = sizes[tag]
    return struct.unpack(fmt, buffer.read(struct.calcsize(fmt)))[0]


def read_key2row(raw: bytes) -> dict[int, int]:
    buffer = io.BytesIO(raw)
    tag = buffer.read(1)[0]
    if tag == 0xDF:
        count = struct.unpack(">I", buffer.read(4))[0]
    elif tag == 0xDE:
        count = struct.unpack(">H", buffer.read(2))[0]
    elif 0x80 <= tag <= 0x8F:
        count = tag & 0x0F
    else:
        raise ValueError("key2row is not a msgpack map")
    return {_read_uint(buffer): _read_uint(buffer) for _ in range(count)}


def vocabulary() -> list[str]:
    words = []
    for line in (HERE / "interest_vocabulary.txt").read_text(encoding="utf-8").splitlines():
        word = line.strip()
        if word and not word.startswith("#") and word not in words:
            words.append(word)
    return words


def main(wheel: str) -> None:
    with zipfile.ZipFile(wheel) as archive:
        vectors = np.load(io.BytesIO(archive.read(VOCAB_DIR + "vectors")), allow_pickle=False)
        key2row = read_key2row(archive.read(VOCAB_DIR + "key2row"))
    words, rows, missing = [], [], []
    for word in vocabulary():
        row = key2row.get(murmurhash64a(word.encode("utf-8")))
        if row is None:
            missing.append(word)
            continue
        words.append(word)
        rows.append(vectors[row])
    matrix = np.array(rows, dtype=np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    similarity = matrix @ matrix.T
    related: dict[str, list[list]] = {}
    for i, word in enumerate(words):
        order = np.argsort(-similarity[i])
        near = [
            [words[j], round(float(similarity[i, j]), 3)]
            for j in order
            if j != i and words[j] != word and similarity[i, j] >= MIN_SIMILARITY
        ][:MAX_NEIGHBOURS]
        if near:
            related[word] = near
    out = {
        "source": "chiVe word vectors as shipped in ja-ginza 5.3.0 (PyPI); chiVe © Works "
        "Applications, Apache License 2.0",
        "min_similarity": MIN_SIMILARITY,
        "related": related,
    }
    (HERE / "related_words.json").write_text(
        json.dumps(out, ensure_ascii=False, indent=0, sort_keys=True) + "\n", encoding="utf-8"
    )
    print(f"{len(words)} words with vectors, {len(related)} with neighbours")
    if missing:
        print("no vector:", "、".join(missing))


if __name__ == "__main__":
    main(sys.argv[1])
