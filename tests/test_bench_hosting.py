"""The benchmark's hosting sizes (issue 26): 300 real municipalities, and the growth check."""

import pytest

from bench.generate import dataset_key
from bench.generators.org import other_municipalities
from bench.report import cost_notes
from bench.sizes import SIZES
from bench.vocabulary import TOKYO_MUNICIPALITIES
from sasaeai.org import gazetteer


def test_national_sizes_host_300_real_municipalities():
    assert SIZES["national"].municipalities == 300
    assert SIZES["national"].services == 500_000
    assert SIZES["national"].activities == 5_000_000
    assert SIZES["national"].cases == 750_000
    others = other_municipalities(SIZES["national"].municipalities - 1)
    assert len(others) == 299
    codes = [code for code, *_ in others]
    assert len(set(codes)) == 299
    assert "13203" not in codes  # Musashino is the measured city, loaded by the demo
    # Tokyo's first, in their order; then the gazetteer's, each a real municipality (not a ward).
    assert others[: len(TOKYO_MUNICIPALITIES)] == TOKYO_MUNICIPALITIES
    for code, name, _kana, lat, lon, weight in others[len(TOKYO_MUNICIPALITIES) :]:
        entry = next(m for m in gazetteer._municipalities().values() if m.code[:5] == code)
        assert entry.name == name and not entry.is_ward
        assert 30 < lat < 38 and 138 < lon < 141.5 and weight >= 1


def test_prefecture_keeps_tokyo_only():
    assert other_municipalities(59) == TOKYO_MUNICIPALITIES[:59]


def test_a_new_size_keeps_the_other_sizes_datasets():
    """The key hashes a size's own figures, not the file that lists every size."""
    assert dataset_key("city", 1) != dataset_key("prefecture", 1)
    assert dataset_key("national", 1) != dataset_key("national_fifth", 1)


def _result(size: str, p50: float, cpu: float, key: str = "api_areas") -> dict:
    return {
        "backend": "postgresql",
        "size": size,
        "rows": [
            {
                "key": key,
                "label": key,
                "kind": "latency",
                "p50_ms": p50,
                "cpu_ms": cpu,
                "scope": "municipality",
            }
        ],
    }


def test_growth_over_the_hosting_limit_is_noted():
    growth, notes = cost_notes([_result("city", 10.0, 5.0), _result("national_fifth", 13.0, 6.5)])
    assert growth[("postgresql", "national_fifth", "api_areas")] == "×1.30"
    assert len(notes) == 1
    assert "api_areas (postgresql, national_fifth): p50 ×1.30, cpu ×1.30" in notes[0]
    assert "×1.2" in notes[0]


def test_growth_within_the_hosting_limit_is_not_noted():
    growth, notes = cost_notes([_result("city", 10.0, 5.0), _result("national_fifth", 11.5, 5.0)])
    assert growth[("postgresql", "national_fifth", "api_areas")] == "×1.15"
    assert notes == []


def test_a_run_without_the_city_size_compares_with_an_earlier_city_run():
    """make bench-postgres SIZES=national: the growth column comes from the last city run."""
    from bench.report import footnotes, table_rows

    city = {**_result("city", 10.0, 5.0), "loadavg": [1.0, 1.2]}
    national = _result("national", 12.5, 6.0)
    rows = table_rows([national], [city])
    assert [(r["size"], r["growth"]) for r in rows] == [("national", "×1.25")]
    notes = footnotes([national], [city])
    assert any("earlier run" in n for n in notes)
    assert any("api_areas (postgresql, national): p50 ×1.25" in n for n in notes)


def test_builds_running_at_once_keep_their_results_apart(monkeypatch, tmp_path):
    """Two builds of one size (SQLite and PostgreSQL side by side) each read their own result:
    a shared result file made the second build fail with FileNotFoundError. On a fresh clone
    the data folder does not exist yet."""
    import json
    import subprocess
    from pathlib import Path

    from bench import generate

    monkeypatch.setattr(generate, "DATA", tmp_path / "fresh" / "data")
    outs = []

    def fake_run(command, **kwargs):
        out = Path(command[command.index("--_out") + 1])
        outs.append(out)
        out.write_text(json.dumps({"url": kwargs["env"]["BENCH_DATABASE_URL"]}))

    monkeypatch.setattr(subprocess, "run", fake_run)
    first = generate._build_in_subprocess(
        url="sqlite:///a", size="prefecture", seed=1, key="k", progress=False
    )
    second = generate._build_in_subprocess(
        url="postgres:///b", size="prefecture", seed=1, key="k", progress=False
    )
    assert (first["url"], second["url"]) == ("sqlite:///a", "postgres:///b")
    assert outs[0] != outs[1]
    assert not outs[0].exists() and not outs[1].exists()


@pytest.mark.django_db
def test_a_bulk_build_leaves_the_narrow_search_rows_in_step(musashino):
    """The bench loader writes around the database's triggers (PostgreSQL's replica role,
    SQLite's triggers dropped while loading): its finish() fills the narrow search rows
    those triggers keep, so that a built dataset's prefecture-wide search finds what the
    services hold (a dataset built without it had no rows at all)."""
    from django.db import connection

    from bench.loader import BulkWriter
    from sasaeai.resources import search_rows
    from sasaeai.resources.models import SearchRow, Service
    from sasaeai.resources.tests.factories import ServiceFactory

    ServiceFactory(municipality=musashino)
    writer = BulkWriter()
    if connection.vendor == "postgresql":
        writer.prepare()  # the replica role (SQLite's part is file settings, refused in a test)
    try:
        template = Service.objects.values().first()
        first = writer.next_id(Service)
        rows = [
            {**template, "id": first + n, "name": f"一括の体操{n}", "search_name": f"一括の体操{n}"}
            for n in range(3)
        ]
        with writer.triggers_suspended(Service):
            assert writer.insert(Service, rows, progress=False) == 3
        assert set(search_rows.out_of_step()) >= {first, first + 1, first + 2}
        writer.finish()
        assert search_rows.out_of_step() == []
        assert SearchRow.objects.filter(name__startswith="一括の体操").count() == 3
    finally:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role TO DEFAULT")
