"""The review queue in the API: GET /api/v1/resource-changes?status=open."""

import datetime as dt

from django.http import HttpRequest
from ninja import Query, Router, Schema

from sasaeai.accounts import policy
from sasaeai.accounts.policy import Capability

from . import selectors
from .models import Proposal

router = Router(tags=["情報提供"])

MAX_ITEMS = 500


class ChangeOut(Schema):
    field: str
    label: str
    old: str
    new: str


class ProposalOut(Schema):
    id: int
    kind: str
    kind_label: str
    status: str
    resource_id: int | None
    resource: str
    area: str
    proposer: str
    proposer_label: str
    created_at: dt.datetime
    message: str
    changes: list[ChangeOut]


class ProposalList(Schema):
    items: list[ProposalOut]
    count: int


class ProposalQuery(Schema):
    status: Proposal.Status | None = None


@router.get("/resource-changes", response=ProposalList, summary="情報提供（変更の提案）の一覧")
def resource_changes(request: HttpRequest, query: Query[ProposalQuery]):
    """呼び出した人の担当範囲の情報提供（第2層は担当圏域、第1層は市区町村全体）。
    `status=open` で未対応のものだけ。各項目は社会資源、提案した人（organiser / resident /
    staff）、日時、項目ごとの変更（old → new）を持ちます。新しい順に最大500件。"""
    policy.require(request.user, Capability.EDIT_RESOURCES)
    queryset = selectors.proposal_queue(
        user=request.user, status=query.status.value if query.status else ""
    ).select_related("service__location")
    count = queryset.count()
    items = [selectors.proposal_for_api(p) for p in queryset[:MAX_ITEMS]]
    return {"items": items, "count": count}
