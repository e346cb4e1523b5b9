from __future__ import annotations

from ninja import Router, Schema

from gongkai.orgs.models import Agency

router = Router(tags=["机关"])


class AgencyOut(Schema):
    code: str
    name: str
    parent: str | None


class AgencyList(Schema):
    results: list[AgencyOut]


@router.get("/agencies", response=AgencyList, summary="机关列表")
def list_agencies(request):
    """All agencies with the code of their parent agency (null for the root)."""
    rows = Agency.objects.select_related("parent").order_by("order", "id")
    return {"results": [{"code": a.code, "name": a.name, "parent": a.parent.code if a.parent else None}
                        for a in rows]}
