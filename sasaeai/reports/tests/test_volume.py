"""The report at a city's volume: a fiscal year of a whole city's records (the benchmark's
one-city size: about 1,300 visits to 200 places, 2,700 consultations over every topic, 400
meetings, the same trainings recorded by each coordinator who attended) gives a main PDF of
at most 8 A4 pages, with the roll-ups counted from the records and the full lists in the
appendix download."""

import datetime as dt
import io
import random
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from sasaeai.accounts.models import User
from sasaeai.activities.models import (
    Consultation,
    ConsultationTopic,
    ConsulterType,
    Meeting,
    MeetingType,
    OtherActivity,
    OtherActivityKind,
    Visit,
)
from sasaeai.core.periods import fiscal_year
from sasaeai.reports.document import (
    ITEMS_LISTED,
    PLACES_ROLLED_UP,
    appendix_build,
    document_build,
)
from sasaeai.reports.render import pdf
from sasaeai.reports.selection import scope_parse
from sasaeai.reports.selectors import report_figures

FY = fiscal_year(2019)  # 令和元年度
PLACES = 206
VISITS = 1_300
CONSULTATIONS = 2_700
MEETINGS = 390
TRAININGS = [
    "生活支援コーディネーター養成研修",
    "地域づくり実践セミナー",
    "認知症地域支援推進員研修",
]


def _days(rng: random.Random, n: int) -> list[dt.date]:
    workdays = [
        FY.start + dt.timedelta(days=i)
        for i in range((FY.end - FY.start).days + 1)
        if (FY.start + dt.timedelta(days=i)).weekday() < 5
    ]
    return [rng.choice(workdays) for _ in range(n)]


@pytest.fixture
def city(musashino):
    """A city's fiscal year, written in bulk (the shape of bench/generators/activities.py)."""
    rng = random.Random(20190401)
    coordinators = list(User.objects.filter(municipality=musashino, role__in=["tier1", "tier2"]))
    areas = {u.pk: list(u.areas.all()) for u in coordinators}

    def common(day: dt.date) -> dict:
        user = rng.choice(coordinators)
        return {
            "municipality": musashino,
            "coordinator": user,
            "tier": 1 if user.role == "tier1" else 2,
            "area": rng.choice(areas[user.pk]) if areas[user.pk] else None,
            "date": day,
            "start_time": dt.time(10),
            "end_time": dt.time(11, 30),
        }

    names = [f"サロン{i:03d}" for i in range(PLACES)]
    Visit.objects.bulk_create(
        Visit(**common(day), place_name=names[min(int(rng.paretovariate(1.2)) - 1, PLACES - 1)])
        if i >= PLACES
        else Visit(**common(day), place_name=names[i])
        for i, day in enumerate(_days(rng, VISITS))
    )
    consultations = Consultation.objects.bulk_create(
        Consultation(
            **common(day),
            consulter_type=rng.choice(ConsulterType.values),
            channel=rng.choice(["walk_in", "phone", "on_site", "mail_fax"]),
            referral=rng.choice(["none", "none", "none", "home_care_center", "support_center"]),
        )
        for day in _days(rng, CONSULTATIONS)
    )
    topics = list(ConsultationTopic.objects.values_list("pk", flat=True))
    through = Consultation.topics.through
    through.objects.bulk_create(
        through(consultation_id=c.pk, consultationtopic_id=t)
        for c in consultations
        for t in rng.sample(topics, 2)
    )
    types = [t for t in MeetingType.values if t != MeetingType.INTERNAL]
    Meeting.objects.bulk_create(
        Meeting(
            **common(day),
            meeting_type=MeetingType.INTERNAL if i % 10 == 0 else rng.choice(types),
            title=f"{'事業検討会議' if i % 10 == 0 else '地域の話し合い'}{i % 37}",
        )
        for i, day in enumerate(_days(rng, MEETINGS))
    )
    others = []
    # Each training day attended by one to three coordinators, each recording it.
    for day in _days(rng, 25):
        title = rng.choice(TRAININGS)
        for _ in range(rng.randint(1, 3)):
            others.append(
                OtherActivity(
                    **common(day),
                    kind=OtherActivityKind.TRAINING_ATTENDED,
                    title=title,
                    counterpart="東京都",
                )
            )
    for i, day in enumerate(_days(rng, 41)):
        others.append(
            OtherActivity(
                **common(day),
                kind=OtherActivityKind.LECTURE_GIVEN,
                title="地域の支え合いについての講演",
                counterpart=["民生委員協議会", "老人クラブ連合会"][i % 2],
                head_count=20 + i,
            )
        )
    for i, day in enumerate(_days(rng, 50)):
        others.append(
            OtherActivity(
                **common(day),
                kind=OtherActivityKind.VISITORS_HOSTED,
                title="視察対応",
                counterpart=["三鷹市", "調布市", "西東京市", "国分寺市", "狛江市"][i % 5],
                head_count=2 + i % 4,
            )
        )
    for i, day in enumerate(_days(rng, 45)):
        others.append(
            OtherActivity(
                **common(day),
                kind=OtherActivityKind.STUDY_SESSION,
                title=["第2層コーディネーター勉強会", "社会資源の把握についての勉強会"][i % 2],
                head_count=10 + i,
            )
        )
    for i, day in enumerate(_days(rng, 50)):
        others.append(
            OtherActivity(
                **common(day),
                kind=OtherActivityKind.PUBLICATION,
                title=f"安心・安全ニュース 第{i + 1}号",
                copies=500,
            )
        )
    OtherActivity.objects.bulk_create(others)
    return musashino


def _text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


@pytest.mark.django_db
def test_a_city_fiscal_year_fits_eight_pages_with_the_full_lists_in_the_appendix(city, client):
    scope = scope_parse("municipality", municipality=city)
    figures, _ = report_figures(user=None, period=FY, scope=scope)
    visits = Visit.objects.filter(municipality=city, date__range=(FY.start, FY.end))
    distinct = visits.values("place_name").distinct().count()
    assert figures.visits.distinct == distinct > 200
    main = pdf.render(document_build(figures))
    reader = PdfReader(io.BytesIO(main))
    assert len(reader.pages) <= 8, len(reader.pages)
    text = _text(main)
    # The visit table: the most visited places, then the rest in one line, counted.
    top = [p.name for p in figures.visits.places[:PLACES_ROLLED_UP]]
    rest_visits = visits.exclude(place_name__in=top).count()
    assert f"ほか{distinct - PLACES_ROLLED_UP}か所{rest_visits:,}" in text
    # Thousands separators in the text and in the tables' cells.
    assert f"延べ{visits.count():,}件(実{distinct}件)" in text
    assert f"合計{visits.count():,}" in text
    least = figures.visits.places[-1].name
    assert least not in text
    # Trainings: one line per training, its days and the coordinators' attendances.
    trainings = OtherActivity.objects.filter(
        municipality=city, kind=OtherActivityKind.TRAINING_ATTENDED
    )
    for title in TRAININGS:
        rows = trainings.filter(title=title)
        days = rows.values("date").distinct().count()
        if not days:
            continue
        line = f"{title}（{days}回"
        if rows.count() > days:
            line += f"、コーディネーター延べ{rows.count()}人"
        assert line in text, line
    # Every topic of a long row is in the appendix, not all in the main text.
    appendix = pdf.render(appendix_build(figures))
    appendix_text = _text(appendix)
    assert least in appendix_text
    assert all(p.name in appendix_text for p in figures.visits.places)
    assert "ほか" in text and "項目(" in text
    issues = OtherActivity.objects.filter(municipality=city, kind=OtherActivityKind.PUBLICATION)
    assert f"期間中{issues.count()}回、計{500 * issues.count():,}部" in text
    assert len(figures.others.lectures) > ITEMS_LISTED
    assert f"ほか{len(figures.others.trainings)}" not in text

    # The appendix is its own download beside the report's.
    client.force_login(User.objects.get(username="official"))
    query = "?fiscal_year=2019&scope=municipality"
    page = client.get(reverse("reports:show") + query).content.decode()
    assert reverse("reports:download", args=["appendix"]) in page
    response = client.get(reverse("reports:download", args=["appendix"]) + query)
    assert response["Content-Type"] == "application/pdf"
    assert "appendix.pdf" in response["Content-Disposition"]
    assert (
        "付録" in response["Content-Disposition"]
        or "%E4%BB%98%E9%8C%B2" in (response["Content-Disposition"])
    )
    assert "訪問先別の回数" in _text(response.content)


@pytest.mark.parametrize(
    ("title", "series"),
    [
        ("安心・安全ニュース 第7号", "安心・安全ニュース"),
        ("武蔵野安心・安全ニュース", "武蔵野安心・安全ニュース"),
        ("ささえあいだより No.12", "ささえあいだより"),
        ("かわら版（第3号）", "かわら版"),
        ("地域通信 5月号", "地域通信"),
        ("第2号", "第2号"),
    ],
)
def test_issues_of_a_publication_count_as_one_series(title, series):
    from sasaeai.reports.figures import series_title

    assert series_title(title) == series
