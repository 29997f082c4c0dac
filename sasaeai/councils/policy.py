"""Who may change which regional issue, council and meeting: the councils app's part of the
access policy (sasaeai.accounts.policy decides roles and capabilities; this module applies
them to issues, whose areas are many, and to councils and meetings). The services, views and
API ask here."""

from django.core.exceptions import PermissionDenied

from sasaeai.accounts import policy
from sasaeai.accounts.models import Role, User

from .models import Council, RegionalIssue


def _require_edit(user: User) -> None:
    policy.require(user, policy.Capability.EDIT_COUNCILS)


def can_edit_issue(user: User, issue: RegionalIssue) -> bool:
    if not policy.has(user, policy.Capability.EDIT_COUNCILS):
        return False
    if issue.municipality_id != user.municipality_id:
        return False
    if user.role == Role.TIER1:
        return True
    issue_areas = {a.id for a in issue.areas.all()}
    return bool(issue_areas) and issue_areas <= policy.area_ids(user)


def require_issue_edit(user: User, issue: RegionalIssue) -> None:
    if not can_edit_issue(user, issue):
        raise PermissionDenied("この地域課題を変更する権限がありません。")


def require_council_edit(user: User, council: Council) -> None:
    _require_edit(user)
    if council.municipality_id != user.municipality_id:
        raise PermissionDenied("ほかの市区町村の協議体です。")
    if user.role == Role.TIER2 and council.area_id not in policy.area_ids(user):
        raise PermissionDenied("担当圏域の協議体だけを編集できます。")


def require_meeting_edit(user: User, meeting) -> None:
    _require_edit(user)
    if meeting.municipality_id != user.municipality_id:
        raise PermissionDenied("ほかの市区町村の会議です。")
    if user.role == Role.TIER2 and meeting.area_id not in policy.area_ids(user):
        raise PermissionDenied("担当圏域の会議だけを編集できます。")
