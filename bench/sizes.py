"""The data sizes the benchmarks run at.

The measured city is always Musashino (the demo city, with its real towns and the demo logins).
At the prefecture size it keeps the one-city figures and 59 other municipalities of Tokyo share
the rest in proportion to their population, so that a page of one city shows the cost of the
other cities' data in the same database. The stress size is ten times the prefecture, Musashino
included.

The `national` size is a large host's installation (issue 26): 300 municipalities (Tokyo's 61
and the neighbouring prefectures' from the gazetteer), about 500,000 services, 5,000,000
activity records and 750,000 cases, on PostgreSQL. `national_fifth` hosts the same 300
municipalities with the prefecture's totals (a fifth of the national rows): measured beside
the prefecture it shows what the *number* of hosted municipalities costs a city, with the
volume of data held equal, and it builds in minutes where the national size takes much longer.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Size:
    name: str
    label: str
    municipalities: int
    services: int
    activities: int
    cases: int
    # Musashino's own share.
    home_services: int
    home_activities: int
    home_cases: int


SIZES: dict[str, Size] = {
    "city": Size("city", "1市", 1, 2_000, 50_000, 3_000, 2_000, 50_000, 3_000),
    "prefecture": Size(
        "prefecture", "都道府県", 60, 100_000, 1_000_000, 150_000, 2_000, 50_000, 3_000
    ),
    "national": Size(
        "national", "全国規模", 300, 500_000, 5_000_000, 750_000, 2_000, 50_000, 3_000
    ),
    "national_fifth": Size(
        "national_fifth", "300市区町村", 300, 100_000, 1_000_000, 150_000, 2_000, 50_000, 3_000
    ),
    "stress": Size("stress", "10倍", 60, 1_000_000, 10_000_000, 1_500_000, 20_000, 500_000, 30_000),
}

DEFAULT_SIZES = ("city", "prefecture")
HOME_CODE = "132039"  # 武蔵野市
