"""Demo consultations, so both ends can be tried at once after `make run`: an open consultation on a draft
rule of 示例市住房和城乡建设局 taking comments now, and a closed consultation on a major decision whose
feedback (意见采纳情况) is published. Run after the demo agencies, users and documents exist; running it again
changes nothing that exists."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from gongkai.orgs.models import Agency
from gongkai.orgs.roles import Role
from gongkai.participation import services
from gongkai.participation.models import Comment, Consultation
from gongkai.participation.rules import ConsultationKind
from gongkai.publishing import services as publishing
from gongkai.publishing.models import Document
from gongkai.publishing.services import DocumentData
from gongkai.publishing.states import State

AGENCY = "11339900MB0000007G"  # 示例市住房和城乡建设局


def _p(*paragraphs: str) -> str:
    return "".join(f"<p>{p}</p>" for p in paragraphs)


OPEN_DRAFT = dict(
    title="示例市住宅小区电动自行车停放充电管理办法（征求意见稿）", doc_type="其他", subject="城乡建设、环境保护\\城乡建设（含住房）",
    body=_p("第一条 为了规范住宅小区电动自行车停放和充电行为，预防和减少火灾事故，制定本办法。",
            "第二条 本办法适用于本市行政区域内住宅小区电动自行车的停放、充电及其监督管理。",
            "第三条 物业服务企业应当在小区内设置集中停放场所和充电设施，并配备消防器材。",
            "第四条 禁止在楼道、安全出口和疏散通道停放电动自行车或者为其充电。",
            "第五条 违反本办法第四条规定的，由消防救援机构责令改正。",
            "第六条 本办法自公布之日起施行。"))
CLOSED_DRAFT = dict(
    title="示例市老旧小区改造三年行动方案（征求意见稿）", doc_type="其他", subject="城乡建设、环境保护\\城乡建设（含住房）",
    body=_p("一、总体目标：用三年时间完成2000年以前建成的老旧小区改造。",
            "二、改造内容：基础类改造包括水电气管网、屋面防水和消防设施；完善类改造包括加装电梯和停车设施。",
            "三、资金筹措：政府补助、居民出资和社会资本参与相结合。",
            "四、组织实施：各街道办事处负责组织居民协商确定改造方案。"))


def _document(team: dict, agency: Agency, key: str, values: dict, published_on: dt.date) -> Document:
    from gongkai.demo import _advance

    found = Document.objects.filter(external_id=key).first()
    if found is not None:
        return found
    document = publishing.create_document(team[Role.DRAFTER], agency, DocumentData(
        **{"signed_on": published_on, "formed_on": published_on, "doc_number": "", **values}), external_id=key)
    _advance(team, document, State.PUBLISHED, published_on)
    return Document.objects.get(pk=document.pk)


def load_demo_consultations() -> dict[str, int]:
    users = get_user_model().objects
    officer, head = users.get(username="officer"), users.get(username="head")
    team = {r: users.get(username=u) for u, r in (("drafter", Role.DRAFTER), ("reviewer", Role.SECRECY_REVIEWER),
                                                   ("approver", Role.APPROVER), ("signer", Role.SIGNER),
                                                   ("publisher", Role.PUBLISHER))}
    agency = Agency.objects.get(code=AGENCY)
    today = timezone.localdate()
    if not Consultation.objects.filter(agency=agency).exists():
        draft = _document(team, agency, "demo-consultation-open", OPEN_DRAFT, today)
        opened = services.open_consultation(officer, services.save_consultation(officer, agency, {
            "document": draft.pk, "kind": ConsultationKind.RULE,
            "explanation": "近年来电动自行车火灾事故多发，起于楼道停放和入户充电。为落实消防安全责任，市住房和城乡建设局"
                           "会同消防救援机构起草了本办法，明确集中停放、充电设施建设和禁止行为。",
            "interpretation": "本办法主要解决三个问题：车停哪里、电在哪里充、违规怎么管。第三条要求物业服务企业建设集中停放"
                              "场所；第四条列明禁止行为。",
            "other_channels": "电子邮箱：zjj@example.gov.cn；通信地址：示例市人民大道8号市住房和城乡建设局法规科（信封注明"
                              "“征求意见”）。",
            "starts_on": today, "ends_on": today + dt.timedelta(days=35)}))
        for content, paragraph in (("建议明确老旧小区没有场地建设集中停放场所时怎么办。", 3),
                                   ("赞成禁止在楼道充电，建议同时规定充电设施的收费标准。", None)):
            services.submit_comment(opened, services.CommentData(content=content, paragraph=paragraph))

        started = today - dt.timedelta(days=75)
        draft = _document(team, agency, "demo-consultation-closed", CLOSED_DRAFT, started)
        made = services.save_consultation(officer, agency, {
            "document": draft.pk, "kind": ConsultationKind.MAJOR_DECISION,
            "explanation": "老旧小区改造列入本市重大行政决策事项目录，决策草案依《重大行政决策程序暂行条例》公开征求意见。",
            "starts_on": today, "ends_on": today + dt.timedelta(days=35)})
        closed = services.open_consultation(officer, made)
        for content in ("建议把加装电梯列为基础类改造。", "加装电梯费用应由政府全额承担。", "改造期间请保障居民出行。",
                        "加装电梯费用应由政府全额承担，居民不出资。"):
            services.submit_comment(closed, services.CommentData(content=content))
        spam = services.submit_comment(closed, services.CommentData(content="专业疏通下水道，电话见附件。"))
        services.moderate_comment(officer, spam, True, "与决策草案无关的广告")
        # The demo's consultation ran before the demo existed: its period is moved into the past.
        Consultation.objects.filter(pk=closed.pk).update(
            starts_at=timezone.make_aware(dt.datetime.combine(started, dt.time.min)),
            ends_at=timezone.make_aware(dt.datetime.combine(started + dt.timedelta(days=36), dt.time.min)))
        services.close_ended()
        services.save_feedback(officer, Consultation.objects.get(pk=closed.pk), {
            "received_count": Comment.objects.filter(consultation=closed).count(), "adopted_count": 2,
            "feedback_text": "征求意见期间共收到意见5条（其中1条为广告，已屏蔽），采纳2条：将保障居民出行写入组织实施部分，"
                             "并明确加装电梯的财政补助标准另行制定。",
            "unadopted": "加装电梯费用应由政府全额承担（2条）\n加装电梯主要惠及本楼居民，按照“谁受益、谁出资”的原则，"
                         "由政府给予补助、居民合理分担，不采纳由政府全额承担的意见。"})
        services.publish_feedback(head, Consultation.objects.get(pk=closed.pk))
    return {"consultations": Consultation.objects.count(), "comments": Comment.objects.count()}


# -- section 3: a meeting attended by public representatives, a policy evaluation and two replies -----------------

GOVERNMENT = "11339900MB0000001A"  # 示例市人民政府
CIVIL_AFFAIRS = "11339900MB0000005E"  # 示例市民政局

SUGGESTION_REPLY = dict(
    title="关于市人大十七届三次会议第0086号建议的答复", doc_type="建议办理复文", doc_number="示建函〔2026〕12号",
    subject="城乡建设、环境保护\\城乡建设（含住房）", motion_no="第0086号", motion_by="张丽华",
    handling_role="lead", reply_grade="A",
    body=_p("张丽华代表：", "您提出的《关于加快老旧小区加装电梯的建议》收悉。经认真研究，现答复如下：",
            "一、关于简化审批程序。我局已会同市自然资源和规划局制定加装电梯联合审查办法，审批时限由45个工作日压缩至"
            "15个工作日。", "二、关于财政补助。自今年起，每部电梯补助20万元，已写入《示例市老旧小区改造三年行动方案》。",
            "感谢您对住房和城乡建设工作的关心和支持。"))
PROPOSAL_REPLY = dict(
    title="关于市政协十三届三次会议第0152号提案的会办意见", doc_type="提案办理复文", doc_number="示建函〔2026〕15号",
    subject="城乡建设、环境保护\\城乡建设（含住房）", motion_no="第0152号", motion_by="陈志强",
    handling_role="joint", reply_grade="",
    body=_p("市消防救援支队：", "陈志强委员提出的《关于加强住宅小区电动自行车充电设施建设的提案》由你单位主办、我局会办。"
            "现将会办意见函告如下：", "我局已起草《示例市住宅小区电动自行车停放充电管理办法》，明确物业服务企业建设集中停放"
            "场所和充电设施的责任，目前正在公开征求意见。"))


def load_demo_records() -> dict[str, int]:
    """A published meeting with the opinions of its representatives, a published evaluation of the civil affairs
    bureau's policy (one of the two a year: the dashboard shows the bureau below the minimum), and a published
    reply to a suggestion and a joint reply to a proposal. Running it again changes nothing that exists."""
    from gongkai.participation import records
    from gongkai.participation.models import Evaluation, Meeting

    users = get_user_model().objects
    officer, head = users.get(username="officer"), users.get(username="head")
    team = {r: users.get(username=u) for u, r in (("drafter", Role.DRAFTER), ("reviewer", Role.SECRECY_REVIEWER),
                                                   ("approver", Role.APPROVER), ("signer", Role.SIGNER),
                                                   ("publisher", Role.PUBLISHER))}
    today = timezone.localdate()
    if not Meeting.objects.exists():
        meeting = records.save_meeting(officer, Agency.objects.get(code=GOVERNMENT), {
            "title": "示例市人民政府第15次常务会议", "held_on": today - dt.timedelta(days=40), "place": "市政府第一会议室",
            "topics": "审议《示例市老旧小区改造三年行动方案（送审稿）》\n研究电动自行车停放充电管理工作",
            "summary": "会议邀请人大代表、政协委员、专家和群众代表各1名列席，列席代表就两项议题发表了意见。"})
        for attendee in (
                {"name": "张丽华", "category": "npc_deputy", "affiliation": "市人大代表，东城街道和平社区党委书记",
                 "contact": "13900008601", "opinion": "建议把加装电梯列为基础类改造内容，并明确财政补助标准。",
                 "handling": "adopted", "handling_note": "行动方案已将加装电梯的补助标准写入资金筹措部分。"},
                {"name": "陈志强", "category": "cppcc_member", "affiliation": "市政协委员",
                 "opinion": "建议由政府全额承担加装电梯费用。", "handling": "not_adopted",
                 "handling_note": "按照“谁受益、谁出资”原则，由政府补助、居民合理分担。"},
                {"name": "李桂芳", "category": "resident", "affiliation": "东城街道居民",
                 "opinion": "希望改造期间保障居民出行。", "handling": "adopted",
                 "handling_note": "已写入组织实施部分。"},
                {"name": "周明", "category": "expert", "affiliation": "示例大学建筑学院教授"}):
            records.save_attendee(officer, meeting, attendee)
        records.publish_meeting(head, meeting)
    if not Evaluation.objects.exists():
        policy = Document.objects.get(external_id="demo-low-income-2026")
        evaluation = records.save_evaluation(officer, Agency.objects.get(code=CIVIL_AFFAIRS), {
            "policy": policy, "method": "third_party", "evaluator": "示例大学公共管理学院",
            "period_from": policy.published_on, "period_to": today - dt.timedelta(days=30),
            "completed_on": today - dt.timedelta(days=20),
            "findings": "执行标准：全市城乡低保标准统一为每人每月850元，按时足额发放。适用范围：新增“单人保”的对象1,260人。"
                        "取得成效：审核确认时限由30个工作日缩短至15个工作日。存在问题：部分乡镇入户调查记录不完整。",
            "conclusions": "办法总体执行良好，建议加强乡镇经办人员培训，规范入户调查。",
            "application": "市民政局已部署全市入户调查规范化专项行动，并将在明年修订时细化调查程序。"})
        records.publish_evaluation(head, evaluation)
    agency = Agency.objects.get(code=AGENCY)
    for key, values in (("demo-reply-suggestion", SUGGESTION_REPLY), ("demo-reply-proposal", PROPOSAL_REPLY)):
        _document(team, agency, key, values, today - dt.timedelta(days=10))
    return {"meetings": Meeting.objects.count(), "evaluations": Evaluation.objects.count()}


def load_demo_messages() -> dict[str, int]:
    """Demo messages of 示例市住房和城乡建设局 in each state: one answered with its reply published (and rated),
    one open, one repeating it (set aside, kept), a letter entered by the office (open), one advertisement
    (invalid, kept), and an error report on a demo document's page, answered with its fix. Running it again
    changes nothing."""
    from gongkai.participation import messages
    from gongkai.participation.models import Message
    from gongkai.publishing.visibility import public_documents

    if Message.objects.exists():
        return {"messages": Message.objects.count()}
    officer = get_user_model().objects.get(username="officer")
    agency = Agency.objects.get(code=AGENCY)

    def write(**values) -> Message:
        data = {"category": "mailbox", "agency": AGENCY, "name": "王女士", "phone": "13800001111", **values}
        return messages.submit_message(messages.MessageData(**data))[0]

    answered = write(title="小区加装电梯的补助如何申请？", publish_reply=True,
                     content="我家住在2000年建成的老旧小区六楼，想问加装电梯能否申请财政补助，向哪个部门申请？")
    messages.reply_message(officer, answered, "您好！既有住宅加装电梯可申请市级财政补助，每台最高20万元。"
                                              "请由业主代表持加装电梯协议、设计方案等材料向所在街道办事处提出申请。感谢您的来信。")
    messages.publish_reply(officer, answered)
    messages.rate_reply(Message.objects.get(pk=answered.pk), "satisfied", "答复清楚，谢谢。")
    waiting = write(category="leader_mailbox", title="建议增加小区充电桩", name="李先生", phone="13900002222",
                    content="我们小区电动自行车充电难，建议物业在停车棚增设充电桩。")
    repeat = write(category="leader_mailbox", title="建议增加小区充电桩（再次反映）", name="李先生",
                   phone="13900002222", content="我们小区电动自行车充电难，建议物业在停车棚增设充电桩。")
    messages.mark_duplicate(officer, repeat, waiting.code, "与前一封留言内容相同，合并办理。")
    # A letter on paper, entered by the office with the day it came in.
    messages.register_message(officer, agency, messages.MessageData(
        category="complaint", title="来信反映夜间施工噪音", name="赵先生", address="示例市和平路18号",
        content="和平路18号旁的工地连续多日夜间施工到凌晨，噪音扰民，请予查处。"),
        channel="letter", received_on=timezone.localdate() - dt.timedelta(days=1))
    spam = write(title="专业疏通下水道", name="广告", content="专业疏通下水道，价格优惠。")
    messages.mark_invalid(officer, spam, "广告，与政府工作无关。")
    document = public_documents().filter(agency=agency).order_by("pk").first()
    if document is not None:
        report = write(category="error_report", agency="", title="", name="", phone="",
                       page_url=f"/xxgk/documents/{document.pk}/", publish_reply=True,
                       content="页面上的联系电话少了一位数字。")
        messages.record_fix(officer, report, "已更正页面上的联系电话。")
        messages.reply_message(officer, report, "感谢您的指正，联系电话已更正。")
        messages.publish_reply(officer, report)
    return {"messages": Message.objects.count()}
