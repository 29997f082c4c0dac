"""Demo population and participation for Musashino, labelled as demo data.

The population is invented but plausible: about 3,300 residents per 丁目 (the city has some
148,000 in 13 towns), spread over 5-year bands in the shape of an ageing suburb (65+ about 22 %),
varied per 丁目 by a hash of its name so that the gap map has something to rank. It is stored
with `is_demo` and named 「デモ用の架空の人口」 wherever it is shown. A few weekly places get
three months of participation. Loading twice changes nothing."""

import datetime as dt
import hashlib

from sasaeai.accounts.models import User
from sasaeai.org.models import Municipality, Town
from sasaeai.resources.models import Service

from . import services
from .frequency import WEEKLY, frequency_bin
from .models import ParticipationRecord, PopulationDataset
from .population import Band, PopulationReading

AS_OF = dt.date(2026, 1, 1)
SOURCE = "デモ用の架空の人口（武蔵野市の町丁に合わせた仮の数字）"
# Share of residents per 5-year band from 0-4 to 95-99, then 100+ (sums to 1).
SHARES = [
    0.038,
    0.040,
    0.040,
    0.042,
    0.060,
    0.070,
    0.066,
    0.066,
    0.072,
    0.078,
    0.070,
    0.060,
    0.052,
    0.050,
    0.052,
    0.050,
    0.040,
    0.028,
    0.015,
    0.005,
    0.006,
]


def _variation(name: str) -> tuple[float, float]:
    digest = hashlib.sha256(name.encode()).digest()
    size = 0.55 + digest[0] / 255 * 0.9  # 0.55 … 1.45 of the typical 丁目
    ageing = 0.7 + digest[1] / 255 * 0.7  # older or younger than the city
    return size, ageing


def _reading(municipality: Municipality) -> PopulationReading:
    reading = PopulationReading(layout="wide", sheet="デモ")
    for town in Town.objects.filter(municipality=municipality).prefetch_related("blocks"):
        units = [(b.pk, str(b)) for b in town.blocks.all()] or [(None, town.name)]
        for block_id, name in units:
            size, ageing = _variation(name)
            reading.names[(town.pk, block_id)] = name
            for index, share in enumerate(SHARES):
                age_from = index * 5
                weight = share * (ageing if age_from >= 65 else 1.0)
                band = Band(age_from, age_from + 4 if index < 20 else None)
                reading.counts[(town.pk, block_id, band)] = round(3300 * size * weight)
    return reading


def _participation(municipality: Municipality, user: User) -> None:
    today = dt.date.today().replace(day=1)
    months = []
    month = today
    for _ in range(3):
        month = (month - dt.timedelta(days=1)).replace(day=1)
        months.append(month)
    candidates = (
        Service.objects.filter(municipality=municipality, status=Service.Status.ACTIVE)
        .prefetch_related("schedules")
        .order_by("pk")
    )
    chosen = [s for s in candidates if frequency_bin(s.schedules.all()) == WEEKLY][:8]
    for service in chosen:
        digest = hashlib.sha256(service.name.encode()).digest()
        base = 8 + digest[0] % 25
        for month in months:
            if ParticipationRecord.objects.filter(service=service, month=month).exists():
                continue
            participants = base + month.month % 3
            services.record_participation(
                service=service,
                month=month,
                sessions=4,
                participants=participants,
                attendances=participants * 3,
                aged_65_plus=participants - 1,
                men=participants // 4,
                support_needed=participants // 6,
                volunteers=3,
                user=user,
            )


def load(municipality: Municipality) -> None:
    user = User.objects.filter(municipality=municipality, username="tier1").first()
    if not PopulationDataset.objects.filter(municipality=municipality, as_of=AS_OF).exists():
        services.population_import(
            municipality=municipality,
            as_of=AS_OF,
            reading=_reading(municipality),
            source_name=SOURCE,
            user=None,
            is_demo=True,
            via="デモ",
        )
    if user is not None:
        _participation(municipality, user)
