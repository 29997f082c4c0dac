"""The live server the browser tests run against answers requests that arrive together the way
a real server does: a page, its fetches and the service worker's precache at once, each answered
in full, none of them failing because another was being answered (see conftest.py)."""

from django.contrib.auth import get_user_model

from sasaeai.audit.models import AuditEvent
from sasaeai.cases.models import Case

from .harness import login


def test_requests_that_arrive_together_are_all_answered(page, server_errors):
    login(page, "tier2-6")
    page.goto("/cases/")
    links = page.locator("a[href^='/cases/']").evaluate_all(
        "links => [...new Set(links.map(a => a.getAttribute('href'))"
        ".filter(h => /^\\/cases\\/\\d+\\/$/.test(h)))]"
    )
    assert len(links) >= 2, links
    # Each read of a case writes an audit record: every request below writes, in its own
    # transaction, at the same moment as the others.
    urls = [*(links * 8)[:16], "/", "/resources/", "/activities/visits/new/", "/sw.js"]
    statuses = page.evaluate(
        "urls => Promise.all(urls.map(u => fetch(u, {credentials: 'same-origin'})"
        ".then(r => r.status)))",
        urls,
    )
    assert statuses == [200] * len(urls), list(zip(urls, statuses, strict=True))
    assert server_errors == []
    # Every read was recorded once: none lost to another request's transaction.
    user = get_user_model().objects.get(username="tier2-6")
    case_ids = {int(link.strip("/").split("/")[-1]) for link in links}
    assert Case.objects.filter(pk__in=case_ids).count() == len(case_ids)
    reads = AuditEvent.objects.filter(
        user=user, action=AuditEvent.Action.VIEW, target_id__in=[str(i) for i in case_ids]
    )
    assert reads.count() >= 16
