"""The checks every write to cases shares: who may write a case's records, and what day it is.

The case services, the case stories and the data-subject requests all call these through this
module (`checks.today()`), so that a test that fixes the day patches one place.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from sasaeai.accounts import policy
from sasaeai.accounts.models import User
from sasaeai.accounts.policy import Capability


def require_case_write(*, user: User, municipality_id: int | None, area_id: int | None) -> None:
    policy.require(user, Capability.EDIT_CASES)
    if not policy.can_write_area(user, area_id, municipality_id):
        raise PermissionDenied("担当圏域の外のケースは登録・変更できません。")


def today() -> dt.date:
    return timezone.localdate()
