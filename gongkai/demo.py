"""Demo data written for Gongkai: a fictional city (示例市) with agencies, staff for every role,
policy documents in every state, interpretations and a repealed predecessor. Loading is idempotent."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from gongkai.orgs import services as org_services
from gongkai.orgs.models import Agency, AgencyKind
from gongkai.orgs.roles import Role
from gongkai.publishing import services
from gongkai.publishing.models import Document, DocumentKind
from gongkai.publishing.rules import DisclosureMode, RelationKind, Validity, WithholdingGround
from gongkai.publishing.services import DocumentData
from gongkai.publishing.signals import held_announcements
from gongkai.publishing.states import State

DEMO_PASSWORD = "gongkai-demo"

AGENCIES = [
    # code, name, parent code, kind
    ("11339900MB0000001A", "示例市人民政府", None, AgencyKind.GOVERNMENT),
    ("11339900MB0000002B", "示例市人民政府办公室", "11339900MB0000001A", AgencyKind.DEPARTMENT),
    ("11339900MB0000003C", "示例市发展和改革委员会", "11339900MB0000001A", AgencyKind.DEPARTMENT),
    ("11339900MB0000004D", "示例市财政局", "11339900MB0000001A", AgencyKind.DEPARTMENT),
    ("11339900MB0000005E", "示例市民政局", "11339900MB0000001A", AgencyKind.DEPARTMENT),
    ("11339900MB0000006F", "示例市人力资源和社会保障局", "11339900MB0000001A", AgencyKind.DEPARTMENT),
    ("11339900MB0000007G", "示例市住房和城乡建设局", "11339900MB0000001A", AgencyKind.DEPARTMENT),
    ("11339900MB0000008H", "示例市东城街道办事处", "11339900MB0000001A", AgencyKind.TOWNSHIP),
    ("11339900MB0000009J", "示例市青山镇人民政府", "11339900MB0000001A", AgencyKind.TOWNSHIP),
]

# username, full name, agency code, roles, whether the roles cover the whole city (the general office
# supervises every agency) or only the user's own agency
USERS = [
    ("admin", "系统管理员", "11339900MB0000001A", [Role.ADMINISTRATOR], True),
    ("drafter", "王起草", "11339900MB0000002B", [Role.DRAFTER], True),
    ("reviewer", "李保密", "11339900MB0000002B", [Role.SECRECY_REVIEWER], True),
    ("approver", "张分管", "11339900MB0000002B", [Role.APPROVER], True),
    ("signer", "赵主要", "11339900MB0000002B", [Role.SIGNER], True),
    ("publisher", "陈发布", "11339900MB0000002B", [Role.PUBLISHER], True),
    ("officer", "刘经办", "11339900MB0000002B", [Role.DISCLOSURE_OFFICER], True),
    ("head", "孙负责", "11339900MB0000002B", [Role.DISCLOSURE_HEAD], True),
    # A second officer: the annual report is drafted, reviewed and released by three people.
    ("officer2", "吴经办", "11339900MB0000002B", [Role.DISCLOSURE_OFFICER], True),
    ("mz_drafter", "周民政", "11339900MB0000005E", [Role.DRAFTER], False),
]

P = "<p>{}</p>"


def _body(*paragraphs: str) -> str:
    return "".join(P.format(p) for p in paragraphs)


DOCUMENTS: list[dict] = [
    {
        "key": "demo-low-income-2019", "agency": "11339900MB0000005E", "state": "published",
        "published_on": dt.date(2019, 6, 10),
        "data": dict(
            title="示例市最低生活保障工作暂行办法", doc_number="示民发〔2019〕12号", doc_type="行政规范性文件",
            subject="民政、扶贫、救灾\\社会福利", signed_on=dt.date(2019, 6, 3), formed_on=dt.date(2019, 6, 3),
            effective_on=dt.date(2019, 7, 1), tags=["低保", "社会救助"],
            body=_body("第一条 为规范本市最低生活保障（以下简称低保）工作，保障困难群众基本生活，制定本办法。",
                       "第二条 本市户籍居民家庭人均收入低于当地低保标准、且家庭财产符合规定的，可以申请低保。",
                       "第三条 低保申请由户主向户籍所在地镇人民政府（街道办事处）提出。",
                       "第四条 本办法自2019年7月1日起施行。")),
    },
    {
        "key": "demo-low-income-2026", "agency": "11339900MB0000005E", "state": "published",
        "published_on": dt.date(2026, 3, 20),
        "relations": [(RelationKind.REPEALS, "demo-low-income-2019")],
        "data": dict(
            title="示例市最低生活保障工作实施办法", doc_number="示民发〔2026〕5号", doc_type="行政规范性文件",
            subject="民政、扶贫、救灾\\社会福利", signed_on=dt.date(2026, 3, 12), formed_on=dt.date(2026, 3, 12),
            effective_on=dt.date(2026, 4, 1), tags=["低保", "社会救助", "民生"], needs_interpretation=True,
            other_issuers="示例市民政局、示例市财政局",
            body=_body("第一条 为进一步做好最低生活保障工作，切实保障困难群众基本生活，结合本市实际，制定本办法。",
                       "第二条 共同生活的家庭成员人均月收入低于本市低保标准，且家庭财产状况符合规定的，"
                       "可以申请最低生活保障。本市低保标准由市民政局会同市财政局提出，报市人民政府批准后公布。",
                       "第三条 申请低保可以向户籍所在地镇人民政府（街道办事处）提出，也可以通过“示例办”平台在线提出。"
                       "申请人无法自行申请的，村（居）民委员会应当协助代为提出。",
                       "第四条 镇人民政府（街道办事处）应当自受理之日起20个工作日内完成审核确认；"
                       "情况复杂的，可以延长10个工作日。",
                       "第五条 低保对象名单在村（居）务公开栏公示，公示时不得公开身份证号码、银行账号等个人信息。",
                       "第六条 本办法自2026年4月1日起施行。《示例市最低生活保障工作暂行办法》（示民发〔2019〕12号）同时废止。")),
    },
    {
        "key": "demo-low-income-2026-qa", "agency": "11339900MB0000005E", "state": "published",
        "kind": DocumentKind.INTERPRETATION, "published_on": dt.date(2026, 3, 20),
        "relations": [(RelationKind.INTERPRETS, "demo-low-income-2026")],
        "data": dict(
            title="一图读懂《示例市最低生活保障工作实施办法》", doc_type="政策解读",
            subject="民政、扶贫、救灾\\社会福利", formed_on=dt.date(2026, 3, 12), tags=["低保", "政策解读"],
            interpretation_format="qa",
            qa=[{"q": "哪些家庭可以申请低保？", "a": "家庭成员人均月收入低于本市低保标准、家庭财产符合规定的本市户籍家庭。"},
                {"q": "到哪里申请？", "a": "到户籍所在地镇政府（街道办事处），或者在“示例办”平台在线申请。"},
                {"q": "多久能办好？", "a": "受理后20个工作日内完成审核确认，情况复杂的可延长10个工作日。"}],
            body=_body("新修订的《示例市最低生活保障工作实施办法》自2026年4月1日起施行，主要有三方面变化：",
                       "一是申请渠道更方便，可在线申请，困难群众可由村（居）委员会代为申请；",
                       "二是审核时限更明确；三是公示时保护个人信息。")),
    },
    {
        "key": "demo-work-plan-2026", "agency": "11339900MB0000002B", "state": "published",
        "published_on": dt.date(2026, 4, 8),
        "data": dict(
            title="示例市人民政府办公室关于印发《示例市2026年政务公开工作要点》的通知",
            doc_number="示政办发〔2026〕3号", doc_type="通知", subject="综合政务\\政务公开",
            signed_on=dt.date(2026, 4, 1), formed_on=dt.date(2026, 4, 1), tags=["政务公开", "工作要点"],
            needs_interpretation=True,
            body=_body("各镇人民政府、街道办事处，市政府各部门：",
                       "《示例市2026年政务公开工作要点》已经市政府同意，现印发给你们，请认真贯彻执行。",
                       "一、坚持先审查、后公开，严格落实一事一审，政府信息自形成或者变更之日起20个工作日内公开。",
                       "二、规范性文件与解读材料同步起草、同步审签、同步发布。",
                       "三、优化政策文件库检索，做好依申请公开办理工作，按时公布政府信息公开工作年度报告。")),
    },
    {
        "key": "demo-work-plan-2026-interp", "agency": "11339900MB0000002B", "state": "published",
        "kind": DocumentKind.INTERPRETATION, "published_on": dt.date(2026, 4, 8),
        "relations": [(RelationKind.INTERPRETS, "demo-work-plan-2026")],
        "data": dict(
            title="《示例市2026年政务公开工作要点》解读", doc_type="政策解读", subject="综合政务\\政务公开",
            formed_on=dt.date(2026, 4, 1), interpretation_format="text", tags=["政务公开", "政策解读"],
            body=_body("一、起草背景：落实《中华人民共和国政府信息公开条例》，回应企业群众对政策“找得到、看得懂”的期待。",
                       "二、主要内容：审查、时效、解读、检索、依申请公开五个方面的要求。",
                       "三、亮点：首次明确各部门政策文件与解读材料同步发布。")),
    },
    {
        "key": "demo-jobs-2026", "agency": "11339900MB0000006F", "state": "published",
        "published_on": dt.date(2026, 5, 12),
        "data": dict(
            title="关于支持中小微企业稳岗扩岗的若干措施", doc_number="示人社发〔2026〕8号", doc_type="通知",
            subject="劳动、人事、监察\\劳动就业", signed_on=dt.date(2026, 5, 6), formed_on=dt.date(2026, 5, 6),
            effective_on=dt.date(2026, 5, 6), tags=["涉企政策", "就业", "稳岗"], needs_interpretation=True,
            body=_body("一、对不裁员或少裁员的中小微企业，按规定返还上年度实际缴纳失业保险费的60%。",
                       "二、企业吸纳登记失业半年以上人员并签订一年以上劳动合同的，给予一次性扩岗补助。",
                       "三、符合条件的企业可通过“示例办”平台“免申即享”，无需另行提交材料。")),
    },
    {
        "key": "demo-budget-2026", "agency": "11339900MB0000004D", "state": "published",
        "published_on": dt.date(2026, 2, 5),
        "data": dict(
            title="示例市财政局关于做好2026年市级部门预算公开工作的通知", doc_number="示财预〔2026〕2号",
            doc_type="通知", subject="财政、金融、审计\\财政", signed_on=dt.date(2026, 1, 28),
            formed_on=dt.date(2026, 1, 28), tags=["预算公开", "财政"],
            body=_body("市级各部门：", "部门预算经市人民代表大会批准后20日内，各部门应当在门户网站公开本部门预算及说明。",
                       "公开内容包括收支总表、财政拨款支出表、“三公”经费支出情况等。")),
    },
    {
        "key": "demo-renovation-2026", "agency": "11339900MB0000008H", "state": "published",
        "published_on": dt.date(2026, 6, 18),
        "data": dict(
            title="东城街道关于2026年老旧小区改造项目的公告", doc_number="", doc_type="公告",
            subject="城乡建设、环境保护\\城乡建设（含住房）", signed_on=dt.date(2026, 6, 15),
            formed_on=dt.date(2026, 6, 15), tags=["老旧小区改造"],
            body=_body("经区政府批准，2026年东城街道纳入改造的老旧小区共5个，涉及居民1260户。",
                       "改造内容包括屋面防水、管网更新、加装电梯和无障碍设施。公示期为10个工作日，"
                       "居民如有意见，可在公示期内向街道城建办反映。")),
    },
    {
        "key": "demo-internal-request", "agency": "11339900MB0000002B", "state": "filed",
        "data": dict(
            title="关于调整办公用房使用安排的请示", doc_type="请示", subject="综合政务\\文秘工作",
            signed_on=dt.date(2026, 7, 1), formed_on=dt.date(2026, 7, 1),
            disclosure_mode=DisclosureMode.WITHHELD, withholding_ground=WithholdingGround.INTERNAL_AFFAIRS,
            withholding_reason="属于后勤管理内部事务信息。",
            body=_body("市政府：", "因机构调整，拟对办公用房使用安排作相应调整，妥否，请批示。")),
    },
    {
        "key": "demo-in-review", "agency": "11339900MB0000003C", "state": "secrecy_review",
        "formed_days_ago": 16,
        "data": dict(
            title="示例市促进民间投资高质量发展的实施意见（送审稿）", doc_number="示发改〔2026〕21号", doc_type="意见",
            subject="国民经济管理、国有资产监管\\宏观经济", tags=["涉企政策", "民间投资"],
            body=_body("为激发民间投资活力，提出如下意见：", "一、拓宽民间投资领域。", "二、优化审批服务。")),
    },
    {
        "key": "demo-ready", "agency": "11339900MB0000007G", "state": "ready", "formed_days_ago": 3,
        "data": dict(
            title="示例市住房和城乡建设局关于开展2026年度物业服务质量评价的通知", doc_number="示建发〔2026〕14号",
            doc_type="通知", subject="城乡建设、环境保护\\城乡建设（含住房）", tags=["物业"],
            body=_body("各物业服务企业：", "为提升物业服务质量，决定开展2026年度物业服务质量评价工作。")),
    },
    {
        "key": "demo-draft-overdue", "agency": "11339900MB0000009J", "state": "draft", "formed_days_ago": 40,
        "data": dict(
            title="青山镇2026年防汛应急预案", doc_type="其他", subject="综合政务\\应急管理", tags=["防汛", "应急"],
            body=_body("为做好本镇2026年防汛工作，制定本预案。")),
    },
]


def _actor(username: str):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


def load_demo() -> dict:
    """Create or complete the demo data; running it again changes nothing that exists."""
    with held_announcements(), transaction.atomic():
        return _load_demo()


def _load_demo() -> dict:
    agencies: dict[str, Agency] = {}
    for order, (code, name, parent, kind) in enumerate(AGENCIES):
        agencies[code] = org_services.upsert_agency(code, name, parent=agencies.get(parent) if parent else None,
                                                    kind=kind, order=order)
    for username, full_name, code, roles, covers in USERS:
        org_services.create_staff_user(username, agency=agencies[code], full_name=full_name, roles=list(roles),
                                       password=DEMO_PASSWORD, covers_subordinates=covers,
                                       scope=agencies[AGENCIES[0][0]] if covers else None,
                                       email=f"{username}@example.gov.cn")
    team = {r: _actor(u) for u, r in (("drafter", Role.DRAFTER), ("reviewer", Role.SECRECY_REVIEWER),
                                       ("approver", Role.APPROVER), ("signer", Role.SIGNER),
                                       ("publisher", Role.PUBLISHER))}
    today = timezone.localdate()
    by_key: dict[str, Document] = {d.external_id: d for d in Document.objects.filter(external_id__startswith="demo-")}
    for spec in DOCUMENTS:
        if spec["key"] in by_key:
            continue
        values = dict(spec["data"])
        if "formed_days_ago" in spec:
            values["formed_on"] = today - dt.timedelta(days=spec["formed_days_ago"])
        values["relations"] = [(kind, by_key[key].pk) for kind, key in spec.get("relations", [])]
        if values.get("effective_on") and values["effective_on"] > today:
            values["validity"] = Validity.VALID
        document = services.create_document(team[Role.DRAFTER], agencies[spec["agency"]], DocumentData(**values),
                                             kind=spec.get("kind", DocumentKind.POLICY), external_id=spec["key"])
        _advance(team, document, spec["state"], spec.get("published_on"))
        by_key[spec["key"]] = document
    from gongkai.disclosure.demo import load_demo_applications

    load_demo_applications()
    from gongkai.catalog.demo import load_demo_catalog

    load_demo_catalog()
    from gongkai.reports.demo import load_demo_report

    load_demo_report()
    from gongkai.assessment.demo import load_demo_workplan

    load_demo_workplan(DEMO_PASSWORD)
    from gongkai.participation.demo import load_demo_consultations, load_demo_messages, load_demo_records

    load_demo_consultations()
    load_demo_records()
    load_demo_messages()
    # The apps' demos add accounts of their own (e.g. mz_officer): every demo account is listed, in the order made.
    from django.contrib.auth import get_user_model

    names = [u[0] for u in USERS]
    names += [n for n in get_user_model().objects.filter(email__endswith="@example.gov.cn").order_by("pk")
              .values_list("username", flat=True) if n not in names]
    return {"agencies": len(agencies), "users": len(names),
            "documents": Document.objects.filter(external_id__startswith="demo-").count(),
            "usernames": names}


def _advance(team: dict, document: Document, target: str, published_on: dt.date | None) -> None:
    """Take the document through review, one person per step (一事一审), up to `target`."""
    steps = [(services.submit_document, Role.DRAFTER),
             (services.pass_secrecy_review, Role.SECRECY_REVIEWER),
             (services.approve_document, Role.APPROVER),
             (services.sign_off_document, Role.SIGNER)]
    if target == State.DRAFT:
        return
    for step, role in steps:
        document = step(team[role], document, comment="演示数据")
        if document.state in (target, State.FILED):
            return
    # The demo's archive was published on the dates it carries, before the platform existed.
    services.publish_document(team[Role.PUBLISHER], document, comment="演示数据", published_on=published_on)
