"""API: municipalities, areas, towns and support centres visible to the caller."""

from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from sasaeai.accounts import policy
from sasaeai.api.pagination import PageNumberPagination

from . import selectors

router = Router(tags=["組織"])


class MunicipalityOut(Schema):
    id: int
    code: str
    name: str
    prefecture: str


class TownOut(Schema):
    id: int
    name: str
    name_kana: str
    area_id: int | None
    postal_code: str
    latitude: Decimal | None
    longitude: Decimal | None


class AreaOut(Schema):
    id: int
    municipality_id: int
    name: str
    name_kana: str
    order: int
    towns: list[TownOut]

    @staticmethod
    def resolve_towns(obj) -> list:
        return list(obj.towns.all())


class SupportCenterOut(Schema):
    id: int
    municipality_id: int
    area_id: int | None
    kind: str
    name: str


def _require_org(request: HttpRequest) -> None:
    policy.require(request.user, policy.Capability.VIEW_ORG)


@router.get("/municipalities", response=list[MunicipalityOut], summary="市区町村の一覧")
@paginate(PageNumberPagination)
def municipality_list(request: HttpRequest):
    _require_org(request)
    return selectors.municipalities_visible_to(user=request.user)


@router.get("/areas", response=list[AreaOut], summary="日常生活圏域の一覧")
@paginate(PageNumberPagination)
def area_list(request: HttpRequest):
    _require_org(request)
    return selectors.area_list_visible_to(user=request.user)


@router.get("/areas/{area_id}", response=AreaOut, summary="日常生活圏域")
def area_detail(request: HttpRequest, area_id: int):
    _require_org(request)
    return policy.get_in_scope(selectors.area_list_visible_to(user=request.user), area_id)


@router.get("/towns", response=list[TownOut], summary="町の一覧")
@paginate(PageNumberPagination)
def town_list(request: HttpRequest):
    _require_org(request)
    return selectors.town_list_visible_to(user=request.user)


@router.get("/support-centers", response=list[SupportCenterOut], summary="支援センターの一覧")
@paginate(PageNumberPagination)
def support_center_list(request: HttpRequest):
    _require_org(request)
    return selectors.support_center_list_visible_to(user=request.user)


@router.get("/support-centers/{center_id}", response=SupportCenterOut, summary="支援センター")
def support_center_detail(request: HttpRequest, center_id: int):
    _require_org(request)
    return policy.get_in_scope(
        selectors.support_center_list_visible_to(user=request.user), center_id
    )
