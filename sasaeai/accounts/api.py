"""API: who am I, and (for administrators) the users of my municipality."""

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from sasaeai.api.pagination import PageNumberPagination

from . import policy, selectors

router = Router(tags=["利用者"])


class AreaRef(Schema):
    id: int
    name: str


class UserOut(Schema):
    id: int
    username: str
    name: str
    role: str
    role_label: str
    municipality_id: int | None
    areas: list[AreaRef]

    @staticmethod
    def resolve_role_label(obj) -> str:
        return str(obj.get_role_display())

    @staticmethod
    def resolve_areas(obj) -> list[dict]:
        return [{"id": a.id, "name": a.name} for a in obj.areas.all()]


class MeOut(UserOut):
    capabilities: list[str]

    @staticmethod
    def resolve_capabilities(obj) -> list[str]:
        return sorted(str(c) for c in policy.capabilities(obj))


@router.get("/me", response=MeOut, summary="ログイン中の利用者")
def me(request: HttpRequest):
    return request.user


@router.get("/users", response=list[UserOut], summary="利用者の一覧（管理者）")
@paginate(PageNumberPagination)
def user_list(request: HttpRequest):
    policy.require(request.user, policy.Capability.MANAGE_USERS)
    return selectors.user_list_manageable_by(user=request.user)


@router.get("/users/{user_id}", response=UserOut, summary="利用者（管理者）")
def user_detail(request: HttpRequest, user_id: int):
    policy.require(request.user, policy.Capability.MANAGE_USERS)
    return policy.get_in_scope(selectors.user_list_manageable_by(user=request.user), user_id)
