"""Staff pages of the catalogue: an agency's guide, catalogue, negative list and ledger, for its disclosure
office (or an office above it granted over subordinates) and superusers — the reach of the disclosure pages."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from gongkai.catalog import forms, queries, rules, services, xlsx
from gongkai.catalog.models import CatalogItem, Guide, LedgerEntry, NegativeListEntry
from gongkai.catalog.states import REVIEW
from gongkai.core.audit import history_rows
from gongkai.core.errors import DomainError
from gongkai.core.forms import MAX_ID
from gongkai.disclosure.queries import handling_agencies
from gongkai.orgs.models import Agency
from gongkai.staff.decorators import chosen_agency, forbidden, staff_required

_NO_ROLE = "公开目录与指南由政府信息公开工作机构的工作人员维护。"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# kind in URLs → (model, form, label)
KINDS = {"item": (CatalogItem, forms.ItemForm, "主动公开目录事项"),
         "negative": (NegativeListEntry, forms.NegativeForm, "负面清单事项"),
         "ledger": (LedgerEntry, forms.LedgerForm, "公开台帐")}
REVIEWED = {"guide": Guide, "item": CatalogItem, "negative": NegativeListEntry}


def _scope(request: HttpRequest, code: str | None) -> tuple[list[Agency], Agency] | HttpResponse:
    """The user's agencies and the chosen one; a 403 page for staff outside every disclosure office."""
    agencies = handling_agencies(request.user)
    if not agencies:
        return forbidden(request, _NO_ROLE)
    return agencies, chosen_agency(agencies, code or "", request.user)


def _back(agency: Agency, anchor: str = "") -> str:
    return reverse("staff-catalog") + f"?agency={quote(agency.code)}" + (f"#{anchor}" if anchor else "")


@staff_required
def overview(request: HttpRequest) -> HttpResponse:
    """One agency's guide, catalogue (met or not), negative list and the guides due for review."""
    scope = _scope(request, request.GET.get("agency", "").strip())
    if isinstance(scope, HttpResponse):
        return scope
    agencies, agency = scope
    today = timezone.localdate()
    guide = Guide.objects.filter(agency=agency).first()
    negatives = list(NegativeListEntry.objects.filter(agency=agency))
    statuses = queries.catalog_statuses(agency)
    unfiled = queries.unfiled_documents(agency)
    for obj in [guide, *negatives, *(s.item for s in statuses)]:
        if obj is not None:
            obj.review_actions = REVIEW.available(request.user, obj)
    return render(request, "catalog/staff/overview.html", {
        "agencies": agencies, "agency": agency, "guide": guide,
        "guide_stale": guide is None or rules.is_stale(guide.reviewed_on, today),
        "statuses": statuses, "negatives": negatives,
        "negative_stale": [e for e in negatives if rules.is_stale(e.reviewed_on, today)],
        "stale_guides": queries.stale_guides(agencies, today), "year": today.year, "upload": forms.UploadForm(),
        "off_list": queries.withheld_off_list([agency]), "unfiled_count": unfiled.count(),
        "unfiled": list(unfiled.select_related("live_revision").order_by(F("published_on").desc(nulls_last=True), "-pk")
                        [:queries.UNFILED_SHOWN]),
    })


@staff_required
def guide_edit(request: HttpRequest, code: str) -> HttpResponse:
    """Edit the draft of the agency's guide; the head of the office reviews it to make it public."""
    scope = _scope(request, code)
    if isinstance(scope, HttpResponse):
        return scope
    _, agency = scope
    guide = Guide.objects.filter(agency=agency).first()
    if request.method == "POST":
        form = forms.GuideForm(request.POST)
        if form.submit(lambda data: services.save_guide(request.user, agency, data)) is not None:
            messages.success(request, "指南已保存为草稿，经政府信息公开工作机构负责人审核后公开。")
            return redirect(_back(agency, "guide"))
        status = 400
    else:
        initial = {name: getattr(guide, name) for name in services.GUIDE_FIELDS} if guide else {
            "address": agency.address, "phone": agency.phone, "office_name": f"{agency.name}政府信息公开工作机构"}
        form, status = forms.GuideForm(initial=initial), 200
    return render(request, "catalog/staff/form.html", {
        "form": form, "agency": agency, "title": f"{agency.name}政府信息公开指南", "source": rules.GUIDE_SOURCE,
        "history": history_rows(guide, REVIEW) if guide else []}, status=status)


def _entry(kind: str, agency: Agency, pk: int):
    if kind not in KINDS:
        raise Http404("没有这一类")
    model = KINDS[kind][0]
    if pk == 0:
        return None
    found = model.objects.filter(pk=pk, agency=agency).first() if pk <= MAX_ID else None
    if found is None:
        raise Http404("没有这一条")
    return found


def _save(kind: str, user, agency: Agency, data: dict, obj):
    if kind == "item":
        return services.save_item(user, agency, data, obj)
    if kind == "negative":
        return services.save_negative_entry(user, agency, data, obj)
    return services.save_ledger_entry(user, agency, data, obj)


@staff_required
def entry_edit(request: HttpRequest, code: str, kind: str, pk: int) -> HttpResponse:
    """Add (pk 0) or edit a catalogue item, negative-list entry or ledger row of the agency."""
    scope = _scope(request, code)
    if isinstance(scope, HttpResponse):
        return scope
    _, agency = scope
    obj = _entry(kind, agency, pk)
    _, form_class, label = KINDS[kind]
    if request.method == "POST":
        form = form_class(request.POST)
        if form.submit(lambda data: _save(kind, request.user, agency, data, obj)) is not None:
            messages.success(request, f"{label}已保存。" + ("" if kind == "ledger" else "经审核后公开。"))
            return redirect(reverse("staff-catalog-ledger", args=[agency.code]) if kind == "ledger"
                            else _back(agency, kind))
        status = 400
    else:
        initial = {name: getattr(obj, name) for name in form_class.base_fields} if obj else {}
        form, status = form_class(initial=initial), 200
    return render(request, "catalog/staff/form.html", {
        "form": form, "agency": agency, "title": f"{'修改' if obj else '新增'}{label}（{agency.name}）",
        "history": history_rows(obj, REVIEW if kind in REVIEWED else None) if obj else []}, status=status)


@require_POST
@staff_required
def action(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Review (publish) or retire a guide, catalogue item or negative-list entry."""
    agencies = handling_agencies(request.user)
    if not agencies:
        return forbidden(request, _NO_ROLE)
    model = REVIEWED.get(kind)
    obj = (model.objects.filter(pk=pk, agency__in=agencies).select_related("agency").first()
           if model and pk <= MAX_ID else None)
    if obj is None:
        raise Http404("没有这一条")
    name = request.POST.get("action", "")
    try:
        if name == "publish":
            services.publish_entry(request.user, obj, request.POST.get("comment", ""))
            messages.success(request, "已审核并公开。")
        elif name == "retire":
            services.retire_entry(request.user, obj, request.POST.get("comment", ""))
            messages.success(request, "已停用，不再公开。")
        else:
            messages.error(request, "未知的操作。")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(_back(obj.agency, kind))


@require_POST
@staff_required
def seed(request: HttpRequest, code: str) -> HttpResponse:
    """Add the items of 《条例》第二十条 the agency's catalogue lacks."""
    scope = _scope(request, code)
    if isinstance(scope, HttpResponse):
        return scope
    _, agency = scope
    try:
        made = services.seed_default_catalog(request.user, agency)
        messages.success(request, f"已按《条例》第二十条添加 {len(made)} 项目录事项（草稿）。")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(_back(agency, "item"))


@staff_required
def export(request: HttpRequest, code: str, what: str) -> HttpResponse:
    """The agency's catalogue or ledger as XLSX."""
    scope = _scope(request, code)
    if isinstance(scope, HttpResponse):
        return scope
    _, agency = scope
    if what not in ("catalog", "ledger"):
        raise Http404("没有这种表格")
    body = xlsx.export_catalog(agency) if what == "catalog" else xlsx.export_ledger(agency)
    name = f"{agency.name}{'主动公开目录' if what == 'catalog' else '规章和行政规范性文件公开台帐'}.xlsx"
    response = HttpResponse(body, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@require_POST
@staff_required
def import_xlsx(request: HttpRequest, code: str, what: str) -> HttpResponse:
    """Import the agency's catalogue or ledger from XLSX; a bad row refuses the whole file."""
    scope = _scope(request, code)
    if isinstance(scope, HttpResponse):
        return scope
    _, agency = scope
    if what not in ("catalog", "ledger"):
        raise Http404("没有这种表格")
    form = forms.UploadForm(request.POST, request.FILES)
    target = reverse("staff-catalog-ledger", args=[agency.code]) if what == "ledger" else _back(agency, "item")
    if not form.is_valid():
        messages.error(request, "请选择要导入的 XLSX 文件。")
        return redirect(target)
    try:
        importer = xlsx.import_ledger if what == "ledger" else xlsx.import_catalog
        taken = importer(request.user, agency, form.cleaned_data["file"])
        messages.success(request, f"已导入 {taken} 行。")
    except DomainError as exc:
        messages.error(request, f"未导入：{exc.message}")
    return redirect(target)


@staff_required
def ledger(request: HttpRequest, code: str) -> HttpResponse:
    """The agency's ledger and its differences from the published library."""
    scope = _scope(request, code)
    if isinstance(scope, HttpResponse):
        return scope
    agencies, agency = scope
    return render(request, "catalog/staff/ledger.html", {
        "agencies": agencies, "agency": agency, "entries": LedgerEntry.objects.filter(agency=agency)
        .select_related("document"), "diff": queries.ledger_differences(agency), "upload": forms.UploadForm()})


@require_POST
@staff_required
def ledger_generate(request: HttpRequest, code: str) -> HttpResponse:
    """Add ledger rows for the public rules and normative documents the ledger lacks."""
    scope = _scope(request, code)
    if isinstance(scope, HttpResponse):
        return scope
    _, agency = scope
    try:
        made = services.generate_ledger(request.user, agency)
        messages.success(request, f"已从政策文件库生成 {len(made)} 条台帐记录。")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(reverse("staff-catalog-ledger", args=[agency.code]))

