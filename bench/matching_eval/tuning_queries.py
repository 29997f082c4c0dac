"""Search queries, tuning half (issue #25), written blind (see SET.md).

`relevant`: places a resident typing the query would want to find. `wrong`: places a resident
would call wrong if among the first five results. Judged over the demo places and the tuning
half's places (tuning_places.toml); places in neither list are neutral.
"""

KARAOKE = ["rojin-karaoke", "rojin-karaoke-taikai", "ev-karaoke-yoru"]
EXERCISE_CLASSES = [
    "prevention-class",
    "kyonan-taiso",
    "ev-karada-taiso",
    "ev-yobou-taiso-sakai",
    "ev-suwatte-taiso",
    "hyakusai-hachiman",
    "hyakusai-kitamachi",
    "hyakusai-nishikubo",
]
SINGING = [
    "minami-utagoe",
    "showa-songs",
    "tanpopo",
    "music-therapy",
    *KARAOKE,
]

QUERIES: list[dict] = [
    {"id": "tq-karaoke", "query": "カラオケ", "relevant": KARAOKE, "wrong": EXERCISE_CLASSES},
    {"id": "tq-karaoke-halfwidth", "query": "ｶﾗｵｹ", "relevant": KARAOKE, "wrong": EXERCISE_CLASSES},
    {
        "id": "tq-karaoke-hiragana",
        "query": "からおけ",
        "relevant": KARAOKE,
        "wrong": EXERCISE_CLASSES,
    },
    {"id": "tq-uta-kanji", "query": "歌", "relevant": SINGING, "wrong": EXERCISE_CLASSES},
    {"id": "tq-uta-hiragana", "query": "うた", "relevant": SINGING, "wrong": EXERCISE_CLASSES},
    {
        "id": "tq-karaoke-evening",
        "query": "カラオケ 夜",
        "relevant": ["ev-karaoke-yoru"],
        "wrong": [*EXERCISE_CLASSES, "ev-carer-yoru"],
    },
    {
        "id": "tq-hanashiaite",
        "query": "話し相手がほしい",
        "relevant": [
            "ev-houmon-ohanashi",
            "ev-denwa-moshimoshi",
            "watch-volunteer",
            "makiba",
            "midori-osyaberi",
            "tanpopo",
            "gotenyama-tsudoi",
        ],
        "wrong": ["ev-keicho-boshu", "listening"],
    },
    {
        "id": "tq-taiso",
        "query": "体操",
        "relevant": [*EXERCISE_CLASSES, "sakura-club", "hachiman-radio"],
        "wrong": ["ev-isu-yoga-paused", "rojin-karaoke", "ev-karaoke-yoru"],
    },
    {
        "id": "tq-shokuji",
        "query": "食事",
        "relevant": [
            "yoriai",
            "ev-nichiyo-shokudo",
            "kids-kitchen",
            "meal-delivery",
            "fureai-room",
            "ten-million-1",
            "ten-million-2",
            "ten-million-3",
            "ten-million-4",
            "ten-million-5",
            "ten-million-6",
            "ten-million-7",
        ],
        "wrong": ["ev-sekimae-cafe-closed"],
    },
    {
        "id": "tq-dansei",
        "query": "男性",
        "relevant": [
            "ev-oyaji-ibasho",
            "kita-shogi-cafe",
            "sakura-cooking",
            "kyonan-cooking",
            "center-tsudoi",
            "craft-house",
            "gotenyama-igo",
        ],
        "wrong": ["ev-josei-salon"],
    },
    {
        "id": "tq-kazoku-kaigo",
        "query": "家族の介護",
        "relevant": [
            "carer-salon",
            "carer-salon-pm",
            "ev-carer-yoru",
            "orange-cafe",
            "hidamari-cafe",
            "soudan-east",
            "soudan-hachiman",
            "ev-monowasure-soudan",
        ],
        "wrong": ["prevention-class", "ev-yobou-taiso-sakai"],
    },
    {
        "id": "tq-monowasure",
        "query": "もの忘れ",
        "relevant": [
            "ev-monowasure-soudan",
            "brain-class",
            "sekimae-brain",
            "orange-cafe",
            "hidamari-cafe",
            "fumanet",
        ],
        "wrong": [],
    },
    {
        "id": "tq-bento",
        "query": "お弁当を届けてほしい",
        "relevant": ["meal-delivery"],
        "wrong": ["kids-kitchen", "ev-nichiyo-shokudo", "ev-haishoku-boshu"],
    },
    {
        "id": "tq-volunteer-boshu",
        "query": "ボランティア募集",
        "relevant": [
            "ev-haishoku-boshu",
            "ev-keicho-boshu",
            "ev-mimamori-tai",
            "ev-yomikikase-boshu",
            "flowerbed",
            "reading",
        ],
        "wrong": [],
    },
]
