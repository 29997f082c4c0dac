"""Pages of the activity records and the calendar: quick entry of a visit with its
consultations, the other record forms, the filtered list with its Excel export, record pages
with their history, the week/month calendar, the team week, the private iCalendar URL, and the
consultation topics the administrator manages."""

import datetime as dt
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from sasaeai.accounts import policy
from sasaeai.accounts.policy import Capability
from sasaeai.audit.services import audit_record
from sasaeai.core.datebounds import parse_bounded_date
from sasaeai.core.eras import era_date, era_year
from sasaeai.core.exports import export_view
from sasaeai.core.recurrence import holiday_name
from sasaeai.core.text import parse_id

from . import selectors, services
from .display import detail_rows
from .forms import (
    CalendarEntryForm,
    ConsultationForm,
    FilterForm,
    MeetingForm,
    OtherActivityForm,
    TopicForm,
    VisitForm,
)
from .models import (
    CalendarEntry,
    CalendarFeed,
    Channel,
    Consultation,
    ConsultationTopic,
    EntryKind,
    Meeting,
    OtherActivity,
    Visit,
)
from .recurrence import recurrence_text

PAGE_SIZE = 30
WEEKDAYS = "月火水木金土日"


def _parse_date(value: str | None) -> dt.date | None:
    return parse_bounded_date(value)


# --- the list and the export ------------------------------------------------------------------


@login_required
def record_list(request: HttpRequest) -> HttpResponse:
    """My records (or, for tier 1 and officials, everyone's), filtered, newest first."""
    policy.require(request.user, Capability.VIEW_ACTIVITIES)
    form = FilterForm(request.GET or None, user=request.user)
    filters = form.filters()
    page = Paginator(selectors.timeline(user=request.user, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "activities/list.html",
        {
            "form": form,
            "filters": filters,
            "page": page,
            "rows": selectors.timeline_rows(page.object_list, user=request.user),
            "query": query.urlencode(),
            "can_edit": policy.has(request.user, Capability.EDIT_ACTIVITIES),
            "picked_service": form.cleaned_data.get("service")
            if form.is_bound and form.is_valid()
            else None,
        },
    )


@login_required
@export_view(name="活動記録（Excel）", formats=("xlsx",), allow=Capability.VIEW_ACTIVITIES)
def record_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as an Excel workbook (audited)."""
    from .exports import records_workbook

    policy.require(request.user, Capability.VIEW_ACTIVITIES)
    form = FilterForm(request.GET or None, user=request.user)
    filters = form.filters()
    content, count = records_workbook(user=request.user, filters=filters)
    audit_record(
        action="export",
        request=request,
        target_type="activities.record",
        summary=f"活動記録をExcelで出力（{filters.period.label if filters.period else '全期間'}・{count}件）",
    )
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = (
        f"attachment; filename=\"activities-{stamp}.xlsx\"; filename*=UTF-8''%E6%B4%BB%E5%8B%95%E8%A8%98%E9%8C%B2-{stamp}.xlsx"
    )
    return response


# --- record pages -----------------------------------------------------------------------------

KIND_VIEWS = {
    "visit": (Visit, VisitForm, "訪問"),
    "consultation": (Consultation, ConsultationForm, "相談"),
    "meeting": (Meeting, MeetingForm, "会議"),
    "other": (OtherActivity, OtherActivityForm, "その他の活動"),
}


def _detail(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    policy.require(request.user, Capability.VIEW_ACTIVITIES)
    model, _, label = KIND_VIEWS[kind]
    record = selectors.record_get_visible(user=request.user, model=model, pk=pk)
    audit_record(action="view", request=request, target=record, summary=f"{label}の記録を閲覧")
    context = {
        "record": record,
        "kind": kind,
        "label": label,
        "rows": detail_rows(record),
        "history": selectors.record_history(record),
        "can_edit": policy.can_edit_record(request.user, record),
        "can_attach": kind in services.ATTACHABLE_KINDS
        and policy.can_attach_evidence(request.user, record),
    }
    if kind == "visit":
        context["consultations"] = list(
            record.consultations.select_related("area").prefetch_related("topics").order_by("id")
        )
    return render(request, "activities/detail.html", context)


@login_required
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, "visit", pk)


@login_required
def consultation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, "consultation", pk)


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, "meeting", pk)


@login_required
def other_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, "other", pk)


def _calendar_prefill(request: HttpRequest, kind: str) -> dict:
    """Initial values from a calendar entry (?entry=ID&date=YYYY-MM-DD): the one click from a
    past calendar entry to its record."""
    entry_id = request.GET.get("entry")
    if not entry_id:
        return {}
    entry = policy.get_in_scope(
        selectors.calendar_entries_visible_to(user=request.user).filter(coordinator=request.user),
        entry_id,
    )
    day = _parse_date(request.GET.get("date")) or entry.date
    initial = {
        "calendar_entry": entry.pk,
        "occurrence_date": day,
        "date": day,
        "start_time": entry.start_time,
        "end_time": entry.end_time,
    }
    if entry.area_id:
        initial["area"] = entry.area_id
    if kind == "visit":
        if entry.service_id:
            initial["service"] = entry.service_id
        else:
            initial["place_name"] = entry.venue or entry.title
    elif kind == "meeting":
        initial.update(title=entry.title, venue=entry.venue, meeting_type=entry.meeting_type)
    elif kind == "other":
        initial.update(title=entry.title, venue=entry.venue)
    elif kind == "consultation":
        initial.update(summary="")
    return initial


def _initial(request: HttpRequest, kind: str) -> dict:
    user = request.user
    today = timezone.localdate()
    initial: dict = {"date": today}
    area = services.default_area(user)
    if area is not None:
        initial["area"] = area.pk
    if kind == "visit":
        last = selectors.last_visited_service(user=user)
        if last is not None:
            initial["service"] = last.pk
            hinted = services.default_area(user, hint=last.area if last.area_id else None)
            if hinted is not None:
                initial["area"] = hinted.pk
    if kind == "consultation":
        initial["channel"] = Channel.PHONE
    initial.update(_calendar_prefill(request, kind))
    return initial


def _save(form, kind: str, request: HttpRequest, record=None):
    user = request.user
    fields = form.record_fields()
    if kind == "visit":
        if record is None:
            return services.visit_record(user=user, fields=fields, request=request)
        return services.visit_update(user=user, visit=record, fields=fields, request=request)
    if kind == "consultation":
        if record is None:
            return services.consultation_record(
                user=user, fields=fields, topics=form.topics(), request=request
            )
        return services.consultation_update(
            user=user, consultation=record, fields=fields, topics=form.topics(), request=request
        )
    if kind == "meeting":
        if record is None:
            return services.meeting_record(user=user, fields=fields, request=request)
        return services.meeting_update(user=user, meeting=record, fields=fields, request=request)
    if record is None:
        return services.other_activity_record(user=user, fields=fields, request=request)
    return services.other_activity_update(
        user=user, activity=record, fields=fields, request=request
    )


def _form_page(request: HttpRequest, kind: str, record=None) -> HttpResponse:
    policy.require(request.user, Capability.EDIT_ACTIVITIES)
    _, form_class, label = KIND_VIEWS[kind]
    if record is not None and not policy.can_edit_record(request.user, record):
        raise PermissionDenied("この記録を変更する権限がありません。")
    visit = None
    initial = {} if record is not None else _initial(request, kind)
    if kind == "consultation" and record is None and request.GET.get("visit"):
        visit = policy.get_in_scope(
            selectors.records_visible_to(user=request.user, model=Visit).select_related(
                "service", "area"
            ),
            request.GET["visit"],
        )
        initial.update(visit=visit.pk, date=visit.date, channel=Channel.ON_SITE)
        initial["area"] = visit.area_id
    form = form_class(request.POST or None, user=request.user, instance=record, initial=initial)
    submission_key = _submission_key(request, kind, record)
    if request.method == "POST" and submission_key:
        try:
            earlier = services.sent_before(user=request.user, key=submission_key, kind=kind)
        except ValidationError:  # the key's record was deleted since: this send is new
            earlier, submission_key = None, ""
        if earlier is not None:
            # A second tap (or a resend after a slow answer) of a form already recorded.
            messages.info(
                request, f"この{label}は記録済みです。二重に送信された分は記録していません。"
            )
            return redirect(f"activities:{kind}_detail", pk=earlier.pk)
    if request.method == "POST" and form.is_valid():
        try:
            if submission_key:
                saved, _ = services.record_once(
                    user=request.user,
                    key=submission_key,
                    kind=kind,
                    create=lambda: _save(form, kind, request, record),
                )
            else:
                saved = _save(form, kind, request, record)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            verb = "変更しました" if record is not None else "記録しました"
            messages.success(request, f"{label}を{verb}。")
            then = request.POST.get("then")
            if kind == "visit" and then == "consultation":
                return redirect(f"{reverse('activities:consultation_create')}?visit={saved.pk}")
            if kind == "consultation" and saved.visit_id:
                if then == "another":
                    return redirect(
                        f"{reverse('activities:consultation_create')}?visit={saved.visit_id}"
                    )
                return redirect("activities:visit_detail", pk=saved.visit_id)
            return redirect(f"activities:{kind}_detail", pk=saved.pk)
    if kind == "consultation" and visit is None:
        visit_id = form["visit"].value()
        if visit_id:
            visit = (
                selectors.records_visible_to(user=request.user, model=Visit)
                .select_related("service")
                .filter(pk=parse_id(visit_id))
                .first()
            )
    picked = _picked_services(form, request.user)
    return render(
        request,
        f"activities/{kind}_form.html",
        {
            "form": form,
            "kind": kind,
            "label": label,
            "record": record,
            "visit": visit,
            "picked": picked,
            "title": f"{label}の記録を変更" if record is not None else f"{label}を記録",
            "submission_key": submission_key or (uuid.uuid4().hex if record is None else ""),
        },
        status=400 if form.errors else 200,
    )


# Forms whose new records are written once per page however often it is sent (a double tap, a
# resend after a slow answer): the page carries a key (offline.js makes a fresh one each time
# the page is shown, as a page kept by the service worker would otherwise repeat its key).
ONCE_KINDS = ("visit", "consultation")


def _submission_key(request: HttpRequest, kind: str, record) -> str:
    """The key the posted page carries, when it is a well-formed one of a new record's form."""
    if record is not None or kind not in ONCE_KINDS or request.method != "POST":
        return ""
    key = request.POST.get("submission_key", "")
    return key if services.SUBMISSION_KEY_PATTERN.match(key) else ""


def _picked_services(form, user) -> dict:
    """The resource each picker shows as chosen (the typed or default value)."""
    from sasaeai.resources.selectors import service_list_visible_to

    picked = {}
    for name in ("service", "referral_service"):
        if name not in form.fields:
            continue
        value = form[name].value()
        if parse_id(value) is not None:
            service = (
                service_list_visible_to(user=user).select_related("town").filter(pk=value).first()
            )
            if service is not None:
                picked[name] = service
    return picked


@login_required
def visit_create(request: HttpRequest) -> HttpResponse:
    return _form_page(request, "visit")


@login_required
def consultation_create(request: HttpRequest) -> HttpResponse:
    return _form_page(request, "consultation")


@login_required
def meeting_create(request: HttpRequest) -> HttpResponse:
    return _form_page(request, "meeting")


@login_required
def other_create(request: HttpRequest) -> HttpResponse:
    return _form_page(request, "other")


def _edit(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    policy.require(request.user, Capability.EDIT_ACTIVITIES)
    record = selectors.record_get_visible(user=request.user, model=KIND_VIEWS[kind][0], pk=pk)
    return _form_page(request, kind, record)


@login_required
def visit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _edit(request, "visit", pk)


@login_required
def consultation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _edit(request, "consultation", pk)


@login_required
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _edit(request, "meeting", pk)


@login_required
def other_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _edit(request, "other", pk)


@login_required
def resource_picker(request: HttpRequest) -> HttpResponse:
    """The search-as-you-type results of a resource picker (an htmx fragment of radio
    buttons). Without a query it offers the resources the user visited last."""
    from sasaeai.resources.selectors import service_list_visible_to, service_search

    policy.require(request.user, Capability.VIEW_ACTIVITIES)
    field = request.GET.get("field", "service")
    if field not in ("service", "referral_service"):
        raise Http404("見つかりません。")
    text = (request.GET.get(f"{field}_q") or request.GET.get("q") or "").strip()[:100]
    if text:
        services_found = list(
            service_search(user=request.user, text=text).queryset.select_related("town")[:10]
        )
    else:
        recent_ids = list(
            Visit.objects.filter(coordinator=request.user, service__isnull=False)
            .order_by("-date", "-id")
            .values_list("service_id", flat=True)[:30]
        )
        ordered = list(dict.fromkeys(recent_ids))[:8]
        found = {
            s.pk: s
            for s in service_list_visible_to(user=request.user)
            .select_related("town")
            .filter(pk__in=ordered)
        }
        services_found = [found[pk] for pk in ordered if pk in found]
    return render(
        request,
        "activities/_picker_results.html",
        {
            "field": field,
            "services": services_found,
            "text": text,
            "selected": request.GET.get(field, ""),
        },
    )


# --- the calendar -----------------------------------------------------------------------------


def _week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    """A coordinator's week (default) or month, as in the seed's schedules, with holidays
    marked and a record button on each past entry."""
    policy.require(request.user, Capability.VIEW_ACTIVITIES)
    user = request.user
    view = "month" if request.GET.get("view") == "month" else "week"
    day = _parse_date(request.GET.get("date")) or timezone.localdate()
    whose = user
    coordinator_id = request.GET.get("coordinator")
    if coordinator_id and str(coordinator_id) != str(user.pk):
        whose = policy.get_in_scope(selectors.coordinators_of(user=user), coordinator_id)
    if view == "week":
        start = _week_start(day)
        end = start + dt.timedelta(days=6)
        previous, following = start - dt.timedelta(days=7), start + dt.timedelta(days=7)
        title = f"{era_date(start, full_width=True)}からの週"
    else:
        start = day.replace(day=1)
        following = (start + dt.timedelta(days=32)).replace(day=1)
        end = following - dt.timedelta(days=1)
        previous = (start - dt.timedelta(days=1)).replace(day=1)
        title = f"{era_year(start)}{start.month}月"
    days = selectors.calendar_days(user=user, coordinators=[whose.pk], start=start, end=end)[
        whose.pk
    ]
    weeks = []
    if view == "month":
        grid_start = _week_start(start)
        leading = (start - grid_start).days
        cells = [None] * leading + days
        cells += [None] * (-len(cells) % 7)
        weeks = [cells[i : i + 7] for i in range(0, len(cells), 7)]
    return render(
        request,
        "activities/calendar.html",
        {
            "view": view,
            "days": days,
            "weeks": weeks,
            "weekdays": WEEKDAYS,
            "title": title,
            "start": start,
            "previous": previous,
            "following": following,
            "today": timezone.localdate(),
            "whose": whose,
            "is_own": whose.pk == user.pk,
            "can_edit": policy.has(user, Capability.EDIT_ACTIVITIES) and whose.pk == user.pk,
            "can_team": True,
        },
    )


@login_required
def calendar_team(request: HttpRequest) -> HttpResponse:
    """Every coordinator's week side by side: tier 1 and officials see the whole municipality,
    a tier-2 coordinator the colleagues of its areas."""
    policy.require(request.user, Capability.VIEW_ACTIVITIES)
    day = _parse_date(request.GET.get("date")) or timezone.localdate()
    start = _week_start(day)
    end = start + dt.timedelta(days=6)
    people = list(selectors.coordinators_of(user=request.user).prefetch_related("areas"))
    days = selectors.calendar_days(
        user=request.user, coordinators=[p.pk for p in people], start=start, end=end
    )
    header = [
        {
            "date": start + dt.timedelta(days=i),
            "holiday": holiday_name(start + dt.timedelta(days=i)),
        }
        for i in range(7)
    ]
    return render(
        request,
        "activities/calendar_team.html",
        {
            "rows": [{"person": p, "days": days[p.pk]} for p in people],
            "header": header,
            "weekdays": WEEKDAYS,
            "start": start,
            "previous": start - dt.timedelta(days=7),
            "following": start + dt.timedelta(days=7),
            "today": timezone.localdate(),
        },
    )


def _own_entry(request: HttpRequest, pk: int) -> CalendarEntry:
    return policy.get_in_scope(CalendarEntry.objects.filter(coordinator=request.user), pk)


def _entry_form_page(request: HttpRequest, entry: CalendarEntry | None) -> HttpResponse:
    policy.require(request.user, Capability.EDIT_ACTIVITIES)
    initial = {}
    if entry is None:
        day = _parse_date(request.GET.get("date")) or timezone.localdate()
        initial = {"date": day, "kind": EntryKind.VISIT}
        area = services.default_area(request.user)
        if area is not None:
            initial["area"] = area.pk
    form = CalendarEntryForm(
        request.POST or None, instance=entry, initial=initial, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.calendar_entry_save(
                user=request.user, fields=form.entry_fields(), entry=entry, request=request
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, f"予定「{saved.title}」を保存しました。")
            return redirect(f"{reverse('activities:calendar')}?date={saved.date.isoformat()}")
    return render(
        request,
        "activities/entry_form.html",
        {
            "form": form,
            "entry": entry,
            "picked": _picked_services(form, request.user),
            "recurrence": recurrence_text(entry) if entry is not None else "",
            "title": "予定を変更" if entry is not None else "予定を追加",
        },
        status=400 if form.errors else 200,
    )


@login_required
def entry_create(request: HttpRequest) -> HttpResponse:
    return _entry_form_page(request, None)


@login_required
def entry_edit(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, Capability.EDIT_ACTIVITIES)
    return _entry_form_page(request, _own_entry(request, pk))


@login_required
@require_POST
def entry_delete(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, Capability.EDIT_ACTIVITIES)
    entry = _own_entry(request, pk)
    services.calendar_entry_delete(user=request.user, entry=entry, request=request)
    messages.success(request, f"予定「{entry.title}」を削除しました。")
    return redirect("activities:calendar")


@login_required
@require_POST
def entry_skip(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, Capability.EDIT_ACTIVITIES)
    entry = _own_entry(request, pk)
    day = _parse_date(request.POST.get("date"))
    if day is None:
        messages.error(request, "休みにする日を指定してください。")
        return redirect("activities:calendar")
    try:
        services.calendar_occurrence_skip(user=request.user, entry=entry, date=day, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{day.month}月{day.day}日の「{entry.title}」を休みにしました。")
    return redirect(f"{reverse('activities:calendar')}?date={day.isoformat()}")


@login_required
def entry_record(request: HttpRequest, pk: int) -> HttpResponse:
    """One click from a past calendar entry: the matching record form, pre-filled (or the
    record already made from that date)."""
    policy.require(request.user, Capability.EDIT_ACTIVITIES)
    entry = _own_entry(request, pk)
    day = _parse_date(request.GET.get("date")) or entry.date
    kind = selectors.entry_kind_for_record(entry.kind) or "other"
    model = KIND_VIEWS[kind][0]
    existing = model.objects.filter(calendar_entry=entry, occurrence_date=day).first()
    if existing is not None:
        return redirect(f"activities:{kind}_detail", pk=existing.pk)
    return redirect(
        f"{reverse(f'activities:{kind}_create')}?entry={entry.pk}&date={day.isoformat()}"
    )


# --- the iCalendar feed -----------------------------------------------------------------------


@login_required
def feed_manage(request: HttpRequest) -> HttpResponse:
    """Issue, re-issue or revoke the private subscription URL."""
    policy.require(request.user, Capability.VIEW_ACTIVITIES)
    url = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            count = services.calendar_feed_revoke_all(user=request.user, request=request)
            messages.success(
                request,
                "購読URLを無効にしました。" if count else "有効な購読URLはありませんでした。",
            )
            return redirect("activities:feed_manage")
        _, token = services.calendar_feed_create(user=request.user, request=request)
        url = request.build_absolute_uri(reverse("activities:feed", kwargs={"token": token}))
    active = CalendarFeed.objects.filter(user=request.user, revoked_at__isnull=True).first()
    return render(request, "activities/feed_manage.html", {"url": url, "active": active})


def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The iCalendar document behind a private URL: no login (calendar programs cannot log
    in); a wrong or revoked secret answers 404."""
    from .feeds import calendar_ics

    feed_row = services.calendar_feed_open(token=token)
    if feed_row is None:
        raise Http404("見つかりません。")
    response = HttpResponse(
        calendar_ics(user=feed_row.user, host=request.get_host().split(":")[0]),
        content_type="text/calendar; charset=utf-8",
    )
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    return response


# --- consultation topics (administrators) -----------------------------------------------------


@login_required
def topic_list(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, Capability.MANAGE_ORG)
    from django.db.models import Q

    topics = ConsultationTopic.objects.filter(
        Q(municipality__isnull=True) | Q(municipality_id=request.user.municipality_id)
    ).order_by("order", "id")
    return render(request, "activities/topic_list.html", {"topics": topics})


def _topic_form_page(request: HttpRequest, topic: ConsultationTopic | None) -> HttpResponse:
    initial = (
        {"name": topic.name, "order": topic.order, "is_active": topic.is_active} if topic else None
    )
    form = TopicForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.topic_save(
                user=request.user, fields=form.cleaned_data, topic=topic, request=request
            )
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(request, f"相談内容「{form.cleaned_data['name']}」を保存しました。")
            return redirect("activities:topic_list")
    return render(
        request,
        "activities/topic_form.html",
        {"form": form, "topic": topic},
        status=400 if form.errors else 200,
    )


@login_required
def topic_create(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, Capability.MANAGE_ORG)
    return _topic_form_page(request, None)


@login_required
def topic_edit(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, Capability.MANAGE_ORG)
    topic = policy.get_in_scope(
        ConsultationTopic.objects.filter(municipality_id=request.user.municipality_id), pk
    )
    return _topic_form_page(request, topic)
