"""A small city for the work plan tests: a government over two bureaus, two people of the general office, each
bureau's disclosure office (with e-mail addresses), and a public document to cite as evidence."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import Workbook

from gongkai.assessment import workplan
from gongkai.orgs import services as org_services
from gongkai.orgs.roles import Role
from tests import factories


def staff(agency, role, name: str, *, sub: bool = False, email: str = ""):
    return org_services.create_staff_user(name, agency=agency, full_name=name, roles=[role],
                                          password=factories.PASSWORD, covers_subordinates=sub, email=email)


def build_city(prefix: str = "WP") -> dict:
    government = factories.make_agency(f"11000000{prefix}0000001X", f"{prefix}要点市人民政府", kind="government")
    finance = factories.make_agency(f"11000000{prefix}0000002X", f"{prefix}要点市财政局", parent=government)
    education = factories.make_agency(f"11000000{prefix}0000003X", f"{prefix}要点市教育局", parent=government)
    team = factories.make_team(finance)
    document = factories.make_document(team, finance, title="财政预算公开情况说明", doc_number=f"{prefix}财〔2026〕1号")
    return {
        "government": government, "finance": finance, "education": education, "document": document,
        "office": staff(government, Role.DISCLOSURE_HEAD, f"{prefix.lower()}office1", sub=True),
        "office2": staff(government, Role.DISCLOSURE_HEAD, f"{prefix.lower()}office2", sub=True),
        "officer": staff(finance, Role.DISCLOSURE_OFFICER, f"{prefix.lower()}officer",
                         email=f"{prefix.lower()}officer@example.gov.cn"),
        "head": staff(finance, Role.DISCLOSURE_HEAD, f"{prefix.lower()}head", email=f"{prefix.lower()}head@example.gov.cn"),
        "teacher": staff(education, Role.DISCLOSURE_OFFICER, f"{prefix.lower()}teacher",
                         email=f"{prefix.lower()}teacher@example.gov.cn"),
        "drafter": team[Role.DRAFTER],
    }


def plan_with_task(city: dict, due_on: dt.date, *, agency=None, text: str = "做好财政预决算公开工作"):
    plan = workplan.create_plan(city["office"], year=due_on.year, title=f"{due_on.year}年政务公开工作要点")
    task = workplan.add_task(city["office"], plan, workplan.TaskData(
        "一、（一）", text, (agency or city["finance"]).name, f"{due_on:%Y-%m-%d}"))
    return plan, task


def xlsx(rows: list[list]) -> io.BytesIO:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "tasks.xlsx"
    return out
