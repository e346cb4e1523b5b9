"""Staff forms of the publishing back office: they turn what a drafter typed into a services.DocumentData.

The forms only check shapes (dates, choices, file types, the Q&A and relation syntax); the rules of a
valid document stay in services.validate, whose errors are mapped back onto these fields.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q, QuerySet

from gongkai.core.errors import DomainError
from gongkai.core.forms import CHOICE_ERRORS, ServiceForm, date_field, parse_number
from gongkai.core.taxonomy import DOC_TYPE_CHOICES, SUBJECT_CHOICES
from gongkai.orgs.models import Agency
from gongkai.orgs.permissions import agencies_for
from gongkai.orgs.roles import Role
from gongkai.publishing.extract import ALLOWED_TYPES, check_file
from gongkai.publishing.models import Attachment, Document, DocumentKind, InterpretationFormat, Revision, Tag
from gongkai.publishing.rules import (
    PERIOD_RULES,
    PROACTIVE_DISCLOSURE_WORKDAYS,
    DisclosureMode,
    DisclosurePeriod,
    HandlingRole,
    RelationKind,
    ReplyGrade,
    Validity,
    WithholdingGround,
    default_period,
)
from gongkai.publishing.services import DocumentData
from gongkai.publishing.visibility import public_documents

TAG_SEPARATORS = re.compile(r"[,，、;；\n]+")
QA_LINE = re.compile(r"^(问|答|Q|A)\s*[:：]\s*(.*)$", re.IGNORECASE)
RELATION_LINE = re.compile(r"^(\S+?)\s*[:：\s]\s*(\S+)$")
RELATION_WORDS = {
    **{kind.value: kind.value for kind in RelationKind},
    **{kind.label: kind.value for kind in RelationKind},
    "修订": RelationKind.AMENDS.value,
}


LIFECYCLE_FIELDS = ("validity", "effective_on", "expires_on", "repealed_on")


MAX_BODY = 1_000_000  # characters of a body or of the Q&A: far beyond any policy, far below the upload limit
MAX_TAGS = 30


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that accepts several files and cleans to a list of uploads."""

    def __init__(self, **kwargs: Any) -> None:
        accept = ",".join(sorted(ALLOWED_TYPES))
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": accept}))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        """Clean every uploaded file; no upload cleans to an empty list."""
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files if f]


def split_tags(text: str) -> list[str]:
    """Tags typed as one line separated by commas, 顿号 or new lines."""
    return [t.strip() for t in TAG_SEPARATORS.split(text or "") if t.strip()]


def parse_qa(text: str) -> list[dict[str, str]]:
    """Parse lines of “问：…” / “答：…” into [{"q", "a"}]; lines without a prefix continue the last part."""
    pairs: list[dict[str, str]] = []
    part = ""
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        match = QA_LINE.match(line)
        if match is None:
            if not pairs:
                raise forms.ValidationError(f"第 {number} 行应以“问：”开头。")
            pairs[-1][part] = f"{pairs[-1][part]}\n{line}".strip()
            continue
        part = "q" if match[1] in ("问", "Q", "q") else "a"
        if part == "q":
            pairs.append({"q": match[2].strip(), "a": ""})
        elif not pairs or pairs[-1]["a"]:
            raise forms.ValidationError(f"第 {number} 行的“答：”前面缺少对应的“问：”。")
        else:
            pairs[-1]["a"] = match[2].strip()
    return pairs


def qa_to_text(qa: list[dict[str, str]]) -> str:
    return "\n".join(f"问：{pair.get('q', '')}\n答：{pair.get('a', '')}" for pair in qa)


def relations_to_text(revision: Revision) -> str:
    return "\n".join(f"{r.get_kind_display()} {r.target.index_no}"
                     for r in revision.relations.select_related("target"))


def referable_documents(user) -> QuerySet[Document]:
    """Documents a staff user may name as a relation target: their agencies' own, or anything public."""
    return Document.objects.filter(Q(agency__in=agencies_for(user)) | Q(pk__in=public_documents().values("pk")))


class DocumentForm(ServiceForm):
    """One revision of a document as a drafter types it; `document=None` adds agency and kind (create)."""

    agency = forms.ModelChoiceField(label="公开主体", queryset=Agency.objects.none(), empty_label="请选择机关",
                                    error_messages={"required": "请选择公开主体（本人担任起草人的机关）。",
                                                    "invalid_choice": "您不能在该机关起草信息。"})
    kind = forms.ChoiceField(label="信息类别", choices=DocumentKind.choices, initial=DocumentKind.POLICY,
                             error_messages=CHOICE_ERRORS)
    title = forms.CharField(label="标题", max_length=300, widget=forms.TextInput(attrs={"size": 60}),
                            error_messages={"required": "请填写标题。", "max_length": "标题不能超过 300 个字。"})
    doc_number = forms.CharField(label="发文字号", max_length=100, required=False,
                                 help_text="例如：测政发〔2026〕1号；没有发文字号可不填。",
                                 error_messages={"max_length": "发文字号不能超过 100 个字。"})
    doc_type = forms.ChoiceField(label="公文种类", choices=DOC_TYPE_CHOICES, initial="通知",
                                 error_messages=CHOICE_ERRORS)
    subject = forms.ChoiceField(label="主题分类", choices=[("", "请选择主题分类"), *SUBJECT_CHOICES],
                                error_messages={**CHOICE_ERRORS, "required": "请选择主题分类。"})
    signed_on = date_field("成文日期")
    formed_on = date_field("形成或变更日期", f"起算公开时限（《条例》第二十六条：{PROACTIVE_DISCLOSURE_WORKDAYS} 个工作日）。"
                           "修改已公开的信息，填写本次变更的日期（默认今天），不能早于现行版本的发布日期；"
                           "按《预算法》计时的，填写批复或批准日期。新建时不填则取成文日期。")
    disclosure_period = forms.ChoiceField(
        label="公开时限依据", choices=DisclosurePeriod.choices, initial=DisclosurePeriod.REGULATION, required=False,
        help_text=f"一般信息按《条例》第二十六条计 {PROACTIVE_DISCLOSURE_WORKDAYS} 个工作日；法律另有规定的从其规定："
                  f"部门预算、决算及报表自财政部门批复后 {PERIOD_RULES[DisclosurePeriod.DEPARTMENT_BUDGET].days} 日内公开，"
                  "政府预算、预算调整、决算、预算执行情况的报告及报表自人大或其常委会批准后 "
                  f"{PERIOD_RULES[DisclosurePeriod.GOVERNMENT_BUDGET].days} 日内公开（《预算法》第十四条，按自然日计）。"
                  "涉企政策、重大行政决策、行政许可和行政处罚（双公示）、政策解读的时限及出处见各选项；"
                  "批量导入未填写的，按公文种类的默认依据（政策解读按解读时限）。",
        error_messages=CHOICE_ERRORS)
    issuing_agencies = forms.ModelMultipleChoiceField(
        label="发文机关", queryset=Agency.objects.all(), required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
        help_text="可多选（联合发文）；按住 Ctrl 键或 Command 键选择多个。",
        error_messages={"invalid_choice": "所选发文机关不存在。", "invalid_pk_value": "所选发文机关无效。"})
    other_issuers = forms.CharField(label="其他发文机关", max_length=300, required=False,
                                    help_text="本平台以外的发文机关名称，多个用顿号分隔。",
                                    error_messages={"max_length": "其他发文机关不能超过 300 个字。"})
    disclosure_mode = forms.ChoiceField(label="公开属性", choices=DisclosureMode.choices,
                                        initial=DisclosureMode.PROACTIVE, error_messages=CHOICE_ERRORS)
    withholding_ground = forms.ChoiceField(label="不予主动公开的依据", required=False,
                                           choices=[("", "（主动公开时不填）"), *WithholdingGround.choices],
                                           error_messages=CHOICE_ERRORS)
    withholding_reason = forms.CharField(label="不予主动公开的理由", required=False,
                                         widget=forms.Textarea(attrs={"rows": 3}))
    body = forms.CharField(label="正文", widget=forms.Textarea(attrs={"rows": 14}), max_length=MAX_BODY,
                           help_text="可使用 HTML（段落、标题、列表、表格、链接）；保存时会清除不安全的标记。",
                           error_messages={"required": "请填写正文。",
                                           "max_length": f"正文不能超过 {MAX_BODY} 个字，请拆分或改为附件。"})
    tags = forms.CharField(label="政策标签", required=False, help_text="多个标签用逗号或顿号分隔。")
    needs_interpretation = forms.BooleanField(label="需要政策解读", required=False,
                                              help_text="勾选后，发布时若没有解读会在工作台提醒。")
    interpretation_format = forms.ChoiceField(label="解读形式", required=False,
                                              choices=[("", "（政策文件不填）"), *InterpretationFormat.choices],
                                              error_messages=CHOICE_ERRORS)
    video_url = forms.URLField(label="视频链接", required=False, assume_scheme="https", max_length=200,
                               error_messages={"invalid": "请输入有效的网址，例如 https://example.gov.cn/v.mp4。",
                                               "max_length": "视频链接不能超过 200 个字符。"})
    qa = forms.CharField(label="问答", required=False, widget=forms.Textarea(attrs={"rows": 6}), max_length=MAX_BODY,
                         help_text="每组两行：“问：……”一行、“答：……”一行；回答可以换行续写。")
    relations = forms.CharField(label="关联文件", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                help_text="每行一条：关系（修改、废止、解读）加空格，再加目标文件的索引号或编号。"
                                          "例如：解读 11441700007280420Y/2021-00050")
    motion_no = forms.CharField(label="建议或提案编号", max_length=50, required=False,
                                help_text="公文种类为“建议办理复文”“提案办理复文”时必填，例如：第0123号。",
                                error_messages={"max_length": "编号不能超过 50 个字。"})
    motion_by = forms.CharField(label="提出的代表或委员", max_length=200, required=False,
                                help_text="领衔代表或提案委员的姓名，多人用顿号分隔；集体提案填写提案单位。",
                                error_messages={"max_length": "不能超过 200 个字。"})
    handling_role = forms.ChoiceField(label="办理类型", required=False,
                                      choices=[("", "（建议、提案办理复文填写）"), *HandlingRole.choices],
                                      error_messages=CHOICE_ERRORS)
    reply_grade = forms.ChoiceField(label="答复类型", required=False,
                                    choices=[("", "（不填）"), *ReplyGrade.choices], error_messages=CHOICE_ERRORS)
    validity = forms.ChoiceField(label="有效性", choices=Validity.choices, initial=Validity.VALID,
                                 error_messages=CHOICE_ERRORS)
    effective_on = date_field("施行日期")
    expires_on = date_field("失效日期")
    repealed_on = date_field("废止日期")
    attachments = MultipleFileField(
        label="上传附件", required=False,
        help_text="可一次选择多个文件：PDF、DOCX、XLSX 或图片（PNG、JPG、GIF、WEBP）。",
        error_messages={"invalid": "上传的不是文件，请重新选择。", "empty": "上传的文件是空文件。",
                        "missing": "没有收到文件，请重新选择。"})
    remove_attachments = forms.ModelMultipleChoiceField(
        label="删除已有附件", queryset=Attachment.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple, help_text="勾选的附件不会出现在新版本中。",
        error_messages={"invalid_choice": "所选附件不属于本文件。"})
    change_note = forms.CharField(label="修改说明", max_length=200, required=False,
                                  help_text="简述本次修改了什么，会记入版本历史。",
                                  error_messages={"max_length": "修改说明不能超过 200 个字。"})

    def __init__(self, *args: Any, user, document: Document | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.document = document
        if document is None:
            drafter_ids = [a.pk for a in agencies_for(user, Role.DRAFTER)]
            self.fields["agency"].queryset = Agency.objects.filter(pk__in=drafter_ids)
            if len(drafter_ids) == 1:
                self.fields["agency"].initial = drafter_ids[0]
            del self.fields["remove_attachments"]
        else:
            del self.fields["agency"], self.fields["kind"]
            if document.ever_published:
                # save_revision leaves a published document's lifecycle alone (set_validity changes it),
                # so these fields are shown read-only instead of silently ignoring what is typed.
                for name in LIFECYCLE_FIELDS:
                    self.fields[name].disabled = True
                    self.fields[name].help_text = "已公开文件的有效性由发布人另行变更。"
            current = document.latest_revision.attachments.all() if document.latest_revision else None
            if current:
                self.fields["remove_attachments"].queryset = current
            else:
                del self.fields["remove_attachments"]

    @property
    def kind_value(self) -> str:
        """The document kind being edited or chosen (policy when not yet known)."""
        if self.document is not None:
            return self.document.kind
        return (self.data.get("kind") if self.is_bound else self.initial.get("kind")) or DocumentKind.POLICY

    def clean_attachments(self) -> list[UploadedFile]:
        """Refuse wrong or empty files at the field, with the same check the service applies."""
        files = self.cleaned_data.get("attachments") or []
        problems = []
        for upload in files:
            if upload.size > settings.GONGKAI_MAX_UPLOAD_BYTES:
                problems.append(f"文件“{upload.name}”超过大小上限。")
                continue
            head = upload.read(16)
            upload.seek(0)
            try:
                check_file(upload.name, head)
            except DomainError as exc:
                problems.append(exc.message)
        if problems:
            raise forms.ValidationError(problems)
        return files

    def clean_tags(self) -> str:
        """Each tag fits its column (Tag.name); a line of hundreds of tags is a paste gone wrong."""
        text = self.cleaned_data.get("tags", "")
        tags = split_tags(text)
        longest = Tag._meta.get_field("name").max_length
        too_long = [t for t in tags if len(t) > longest]
        if too_long:
            raise forms.ValidationError(f"每个标签不能超过 {longest} 个字：“{too_long[0][:20]}…”过长。")
        if len(tags) > MAX_TAGS:
            raise forms.ValidationError(f"政策标签最多 {MAX_TAGS} 个。")
        return text

    def clean_qa(self) -> list[dict[str, str]]:
        return parse_qa(self.cleaned_data.get("qa", ""))

    def clean_relations(self) -> list[tuple[str, int]]:
        """Resolve each “关系 索引号或编号” line to (kind, document id) among documents this user may name."""
        found: list[tuple[str, int]] = []
        problems = []
        targets = referable_documents(self.user)
        for number, raw in enumerate(self.cleaned_data.get("relations", "").splitlines(), start=1):
            line = raw.strip()
            if not line:
                continue
            match = RELATION_LINE.match(line)
            kind = RELATION_WORDS.get(match[1]) if match else None
            if kind is None:
                problems.append(f"第 {number} 行格式不对：应为“修改、废止或解读”加空格，再加索引号或编号。")
                continue
            key = match[2]
            target = targets.filter(index_no=key).first()
            if target is None and parse_number(key) is not None:
                target = targets.filter(pk=parse_number(key)).first()
            if target is None:
                problems.append(f"第 {number} 行：找不到索引号或编号为“{key}”的文件。")
                continue
            found.append((kind, target.pk))
        if problems:
            raise forms.ValidationError(problems)
        return found

    def to_data(self) -> DocumentData:
        """The cleaned form as DocumentData; attachment ids are left to the view (uploads need a document)."""
        c = self.cleaned_data
        return DocumentData(
            title=c["title"], body=c["body"], body_format="html", subject=c["subject"], doc_type=c["doc_type"],
            doc_number=c.get("doc_number", ""), signed_on=c.get("signed_on"), formed_on=c.get("formed_on"),
            disclosure_period=c.get("disclosure_period") or default_period(c["doc_type"]),
            issuing_agency_ids=[a.pk for a in c.get("issuing_agencies") or []],
            other_issuers=c.get("other_issuers", ""), disclosure_mode=c["disclosure_mode"],
            withholding_ground=c.get("withholding_ground", ""), withholding_reason=c.get("withholding_reason", ""),
            tags=split_tags(c.get("tags", "")), needs_interpretation=c.get("needs_interpretation", False),
            interpretation_format=c.get("interpretation_format", ""), video_url=c.get("video_url", ""),
            qa=c.get("qa") or [], relations=c.get("relations") or [], change_note=c.get("change_note", ""),
            validity=c["validity"], effective_on=c.get("effective_on"), expires_on=c.get("expires_on"),
            repealed_on=c.get("repealed_on"), motion_no=c.get("motion_no", ""), motion_by=c.get("motion_by", ""),
            handling_role=c.get("handling_role", ""), reply_grade=c.get("reply_grade", ""),
        )

    @classmethod
    def initial_for(cls, document: Document) -> dict[str, Any]:
        """Initial values for editing: the pending (latest) revision plus the document's lifecycle."""
        r = document.latest_revision
        return {
            "title": r.title, "doc_number": r.doc_number, "doc_type": r.doc_type, "subject": r.subject,
            "signed_on": r.signed_on, "formed_on": r.formed_on, "disclosure_period": r.disclosure_period,
            "issuing_agencies": list(r.issuing_agencies.values_list("pk", flat=True)),
            "other_issuers": r.other_issuers, "disclosure_mode": r.disclosure_mode,
            "withholding_ground": r.withholding_ground, "withholding_reason": r.withholding_reason,
            "body": r.body_html, "tags": "、".join(r.tags.values_list("name", flat=True)),
            "needs_interpretation": r.needs_interpretation, "interpretation_format": r.interpretation_format,
            "video_url": r.video_url, "qa": qa_to_text(r.qa), "relations": relations_to_text(r),
            "validity": document.validity, "effective_on": document.effective_on,
            "expires_on": document.expires_on, "repealed_on": document.repealed_on,
            "motion_no": r.motion_no, "motion_by": r.motion_by, "handling_role": r.handling_role,
            "reply_grade": r.reply_grade,
        }
