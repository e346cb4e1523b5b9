"""Curated Q&A pairs: written by drafters, reviewed by approvers (qa.states.REVIEW) before they are public,
flagged and hidden when their source document is repealed, amended, expires or leaves the public; XLSX in and out.

Only `public_pairs()` reaches the public: a pair that is published and whose source is a public, current and
valid document."""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When
from django.db.models.functions import Lower, Replace
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from gongkai.core import audit
from gongkai.core.errors import DomainError
from gongkai.core.forms import parse_number
from gongkai.core.importing import ImportSummary, LineError
from gongkai.core.office import append_text_row
from gongkai.core.taxonomy import LOCAL_LEGISLATION_DOC_TYPES
from gongkai.core.text import chinese_number, excerpt, strip_invisible
from gongkai.core.workflow import SYSTEM
from gongkai.orgs.models import Agency
from gongkai.orgs.permissions import require_any_role
from gongkai.orgs.roles import Role
from gongkai.publishing.models import Document
from gongkai.publishing.rules import Validity
from gongkai.publishing.visibility import public_documents
from gongkai.qa.models import Article, QAPair
from gongkai.qa.states import REVIEW, PairState

MAX_QUESTION = 300
MAX_ANSWER = 5000
MAX_TAGS = 200
XLSX_COLUMNS = ("问题", "答案", "依据文件编号", "依据条号", "标签")
# The export's last column: a row carrying it edits that pair when the file is imported again.
ID_COLUMN = "问答编号"
MAX_IMPORT_ROWS = 2000
audit.register_labels({"qa.save_pair": "保存问答", "qa.import_pair": "从 XLSX 导入问答",
                       "qa.publish_revision": "修改稿审核通过，替换公开内容"})
# How a revision's own approval reads in the history of the public pair it replaced (修改稿 N): the revision itself
# was never public, its text replaced the public pair's.
REVISION_PUBLISHED = "审核通过，替换公开内容"
REVIEW_LOCKED = "本问答正在审核，不能修改；如需修改，请审核人先退回修改。"
# 19, 第十九条, 十九, 133-1, 133之1, 第一百三十三条之一 (full-width digits are normalised before).
_ARTICLE_REF = re.compile(r"^第?([0-9一二三四五六七八九十百千零〇两]+)条?(?:(?:-|之)([0-9一二三四五六七八九十零〇两]+))?$")
# Tags may be typed with any of these between them; they are stored joined by 、.
_TAG_SEPARATORS = re.compile(r"[、,，;；/\s]+")
# The source picker of the pair form (find_sources, source_articles): a short list to choose from, and every
# article of the longest code (民法典: 1,260) without a page of megabytes.
MAX_SOURCE_QUERY = 100
SOURCE_CHOICES = 10
MAX_ARTICLE_CHOICES = 2000
ARTICLE_PREVIEW = 30
# 国办发〔2020〕1号 is also typed with [], (), 【】: the number is matched piece by piece between brackets.
_BRACKET_CHARS = "〔〕[]()（）【】［］{}〈〉<>"
_BRACKETS = re.compile(f"[{re.escape(_BRACKET_CHARS)}]+")


def valid_sources():
    """Documents a pair may rest on: public, the current version, and valid."""
    return public_documents().filter(superseded=False, validity=Validity.VALID)


def find_sources(query: str, limit: int = SOURCE_CHOICES) -> tuple[list[dict], bool]:
    """The documents a pair may rest on (valid_sources) whose title or document number holds every word of
    `query`, or whose number (the digits of its address) it is: the best `limit` as source_choice gives them, and
    whether there are more. DomainError for a query that is empty or too long."""
    text = unicodedata.normalize("NFKC", strip_invisible(str(query or ""))).strip()
    if not text:
        raise DomainError("请输入文件标题或文号中的字词。", field="q")
    if len(text) > MAX_SOURCE_QUERY:
        raise DomainError(f"查找的字词不能超过 {MAX_SOURCE_QUERY} 个字。", field="q")
    words = text.split()
    typed_id = parse_number(text) if text.isascii() else None
    found = Q(pk=typed_id) if typed_id else Q(pk__in=[])
    matched = Q()
    for word in words:
        numbered = Q()
        for piece in (p for p in _BRACKETS.split(word) if p):
            numbered &= Q(live_revision__doc_number__icontains=piece)
        matched &= Q(live_revision__title__icontains=word) | (numbered if numbered else Q(pk__in=[]))
    found |= matched
    # The document whose number was typed, or the very document number, then the very title, then titles
    # starting with the first word, then the newest.
    # A number written with other brackets (国办发[2020]1号) is the same number: compared without them by the
    # database, so that it ranks before the cut (sorted after it, it was lost among 11号, 21号 ... when newer).
    bare = Lower("live_revision__doc_number")
    for bracket in _BRACKET_CHARS:
        bare = Replace(bare, Value(bracket), Value(""))
    rank = Case(When(pk=typed_id or 0, then=Value(0)), When(bare_number=_BRACKETS.sub("", text).lower(), then=Value(0)),
                When(live_revision__title__iexact=text, then=Value(1)),
                When(live_revision__title__istartswith=words[0], then=Value(2)),
                default=Value(3), output_field=IntegerField())
    rows = list(valid_sources().filter(found).select_related("live_revision", "agency")
                .annotate(bare_number=bare, rank=rank).order_by("rank", "-published_on", "-pk")[:limit + 1])
    return [source_choice(d) for d in rows[:limit]], len(rows) > limit


def source_choice(document: Document) -> dict:
    """A document as the pair form's picker shows it: number, title, document number, agency, date."""
    revision = document.live_revision
    return {"id": document.pk, "title": revision.title, "doc_number": revision.doc_number,
            "agency": document.agency.name,
            "published_on": document.published_on.isoformat() if document.published_on else ""}


def usable_source(value) -> Document | None:
    """The document a pair may rest on whose number is `value` (as typed in the form), else None."""
    number = parse_number(value)
    if not number:
        return None
    return valid_sources().select_related("live_revision", "agency").filter(pk=number).first()


def source_articles(document: Document, limit: int = MAX_ARTICLE_CHOICES) -> tuple[list[dict], bool]:
    """The articles of a source (usable_source) as the article field takes them: its reference (19, 133-1),
    label (第十九条) and first words; the first `limit`, and whether there are more."""
    from gongkai.qa.index import ensure_articles  # split the first time they are asked for, as save_pair does

    articles = ensure_articles(document.live_revision)
    return [{"ref": f"{a.number}-{a.sub}" if a.sub else str(a.number), "label": a.label,
             "text": excerpt(a.text, ARTICLE_PREVIEW)} for a in articles[:limit]], len(articles) > limit


def public_pairs():
    """Pairs the public may see: reviewed, published, resting on a public, current and valid document."""
    # A correlated EXISTS, looked up by key for each published pair: `source__in` made SQLite list every public
    # document first (6 ms a question at 3,419 documents, growing with the library).
    return QAPair.objects.filter(Exists(valid_sources().filter(pk=OuterRef("source_id"))),
                                 state=PairState.PUBLISHED)


def article_ref(value: str) -> str | None:
    """An article as staff write it (19, 第十九条, 一百三十三条之一, 133-1) in the stored form (19, 133-1);
    '' for none, None when it is not an article number."""
    compact = re.sub(r"\s+", "", str(value or "")).translate(str.maketrans("０１２３４５６７８９－", "0123456789-"))
    if not compact:
        return ""
    match = _ARTICLE_REF.match(compact)
    if not match:
        return None
    number = chinese_number(match.group(1))
    sub = chinese_number(match.group(2)) if match.group(2) else 0
    if not number or sub is None or number >= 10**6 or sub >= 10**3:
        return None
    return f"{number}-{sub}" if sub else str(number)


def clean_tags(value: str, limit: int | None = MAX_TAGS) -> str:
    """Tags typed with commas, semicolons or spaces between them, joined by 、 (each once, in order)."""
    tags = _TAG_SEPARATORS.split(strip_invisible(str(value or "")))
    return "、".join(dict.fromkeys(t for t in tags if t))[:limit].rstrip("、")


def label_citations(pairs: Iterable[QAPair]) -> None:
    """Read, in two queries, the label each pair's cited article has in its source's live revision, for
    QAPair.article_label: a notice's numbered items are 第一项, 第二项, not 第一条."""
    citing = [p for p in pairs if p.cited and p.source_id]
    live = dict(Document.objects.filter(pk__in={p.source_id for p in citing}, live_revision__isnull=False)
                .values_list("pk", "live_revision_id")) if citing else {}
    wanted = {p.pk: (live[p.source_id], *p.cited) for p in citing if p.source_id in live}
    if not wanted:
        return
    among = Q()
    for revision, number, sub in set(wanted.values()):
        among |= Q(revision_id=revision, number=number, sub=sub)
    labels = {(r, n, s): label for r, n, s, label in
              Article.objects.filter(among).values_list("revision_id", "number", "sub", "label")}
    for p in citing:
        if p.pk in wanted and wanted[p.pk] in labels:
            p.cited_label = labels[wanted[p.pk]]


def source_of(pair: QAPair) -> dict:
    """The pair's source as the API and pages cite it."""
    url = reverse("public-document", args=[pair.source_id]) + (f"#{pair.anchor}" if pair.anchor else "")
    revision = pair.source.live_revision if pair.source.live_revision_id else None
    return {"title": revision.title if revision else "", "url": url, "article": pair.article_label,
            "document_id": pair.source_id,
            "local_rule": bool(revision and revision.doc_type in LOCAL_LEGISLATION_DOC_TYPES)}


def list_row(pair: QAPair, by_state: bool = True) -> str:
    """The pair's own row on the staff pairs list: the list filtered to its question (and state), at its anchor."""
    query = {"state": pair.state, "q": pair.question[:100]} if by_state else {"q": pair.question[:100]}
    return f"{reverse('staff-qa-pairs')}?{urlencode(query)}#pair-{pair.pk}"


def _lines(value) -> str:
    """Text with its line breaks as \n (a form's textarea sends \r\n, a spreadsheet program may save either) and
    without invisible characters (a U+202E imported from a spreadsheet turned the public answer around)."""
    value = str(value if value is not None else "").replace("\r\n", "\n").replace("\r", "\n")
    return strip_invisible(value).strip()


def _clean(agency: Agency, data: dict) -> dict:
    """The pair's fields checked; raise DomainError with every message at its field."""
    errors: dict[str, list[str]] = {}
    question = _lines(data.get("question"))
    answer = _lines(data.get("answer"))
    raw_article = str(data.get("article") or "").strip()
    article = article_ref(raw_article)
    if len(question) > MAX_QUESTION:
        # Said as what is wrong: "请填写问题" for a question that is there but too long sent staff looking for a blank.
        errors["question"] = [f"问题不能超过 {MAX_QUESTION} 个字（现有 {len(question)} 个字），请简要改写。"]
    elif len(question) < 2:
        errors["question"] = [f"请填写问题（2 到 {MAX_QUESTION} 个字）。"]
    if len(answer) > MAX_ANSWER:
        errors["answer"] = [f"答案不能超过 {MAX_ANSWER} 个字（现有 {len(answer)} 个字），请删减。"]
    elif not answer:
        errors["answer"] = [f"请填写答案（不超过 {MAX_ANSWER} 个字）。"]
    tags = clean_tags(data.get("tags"), limit=None)
    if len(tags) > MAX_TAGS:
        # Cut silently before: a spreadsheet's long tag cell lost its end, mid-tag.
        errors["tags"] = [f"标签合计不能超过 {MAX_TAGS} 个字（现有 {len(tags)} 个字）。"]
    source = None
    try:
        raw_source = data.get("source") or 0
        if isinstance(raw_source, float) and not raw_source.is_integer():
            raise ValueError(raw_source)  # a spreadsheet's 3.7 is no document number (int() made it 3)
        source = public_documents().filter(pk=int(raw_source)).first()
    except (TypeError, ValueError, OverflowError):
        source = None
    if source is None:
        errors["source"] = ["依据文件须为已公开的文件（填写文件编号）。"]
    elif not valid_sources().filter(pk=source.pk).exists():
        # A pair on such a source would be published and yet never shown (public_pairs): refuse it here.
        state = "已有新版本" if source.superseded else f"已{source.get_validity_display()}"
        errors["source"] = [f"依据文件{state}，请改为现行有效的文件。"]
    elif article is None:
        errors["article"] = [f"“{raw_article[:20]}”不是条号（如 19、第十九条，第一百三十三条之一写 133-1）。"]
    elif article:
        number, _, sub = article.partition("-")
        if not Article.objects.filter(revision_id=source.live_revision_id, number=int(number),
                                      sub=int(sub or 0)).exists():
            errors["article"] = ["依据文件中没有这一条（条号如 19、第十九条，第一百三十三条之一写 133-1）。"]
    if errors:
        raise DomainError(next(iter(errors.values()))[0], errors=errors)
    return {"question": question, "answer": answer, "source": source, "article": article,
            "tags": tags}


@transaction.atomic
def save_pair(actor, agency: Agency, data: dict, pair: QAPair | None = None, seen: str | None = None,
              action: str = "qa.save_pair") -> QAPair:
    """Create a draft pair of `agency`, or edit one: a public pair through its revision (it stays public until the
    revision is approved), a flagged one in place as its next version (revise). `seen` is the edit_stamp of what
    the form showed: a StaleEdit is raised when the row the edit goes to says something else now. `action` is what
    the audit log calls the save (qa.import_pair for a spreadsheet's row)."""
    require_any_role(actor, (Role.DRAFTER,), agency)
    if pair is not None:
        pair = edited_in(_locked(pair, agency))
        if pair.state == PairState.REVIEW:
            # The approver reviews what was submitted: an edit now would be published unseen (and the edit page
            # said it went back to draft). Returned to draft, it can be edited and submitted again.
            raise DomainError(REVIEW_LOCKED)
        if seen is not None and seen != edit_stamp(pair) and not unchanged(pair, data):
            # Another drafter saved (or an approver published a revision) since the form was opened: saving it
            # would silently write over what they wrote. The same text sent again (the back button) is no conflict.
            raise StaleEdit(pair)
    fields = _clean(agency, data)
    _refuse_duplicate(agency, fields["question"], pair)
    if pair is None or pair.state == PairState.PUBLISHED:
        from gongkai.qa.index import ensure_articles  # the source's articles, for the citation

        ensure_articles(fields["source"].live_revision)
        revising = {"revises": pair, "version": pair.version + 1} if pair is not None else {}
        pair = QAPair.objects.create(agency=agency, **fields, **revising)
    else:
        for name, value in fields.items():
            setattr(pair, name, value)
        if pair.state == PairState.FLAGGED:  # hidden already: revised in place
            pair.version += 1
            pair.flag_reason = ""
            REVIEW.apply(actor, pair, "revise")  # recorded as a drafting step of the new version
            return pair
        pair.save()
    # Whoever wrote the text drafted it (一事一审): a user holding both roles edited a colleague's draft and then
    # published it as its approver, the edit counting as no step of theirs.
    audit.record(actor, action, pair, duty="draft", duty_subject=REVIEW.subject_key(pair))
    return pair


class StaleEdit(DomainError):
    """An edit made on a form opened before someone else changed the pair; `current` is the row as it is now."""

    def __init__(self, current: QAPair):
        last = (audit.history_rows(current, REVIEW) or [None])[-1]
        done = (f"{last['actor']}已于 {timezone.localtime(last['when']):%m-%d %H:%M}“{last['label']}”" if last
                else "问答已被修改")
        super().__init__(f"您打开本页之后，{done}（问答 {current.pk}），您的修改尚未保存。请对照下面的现有内容"
                         "改好后再保存，再次保存即以您填写的内容为准。", field="seen")
        self.current = current


def edit_stamp(pair: QAPair) -> str:
    """What an edit form of `pair` was opened on: its number and a digest of its text (a review step that changes
    no text is no conflict)."""
    text = "\x1f".join(str(v) for v in (pair.question, pair.answer, pair.source_id, pair.article, pair.tags))
    return f"{pair.pk}:{hashlib.sha256(text.encode()).hexdigest()[:16]}"


def _locked(pair: QAPair, agency: Agency | None = None) -> QAPair:
    """`pair` read again and locked; a revision approved since (and so removed) gives the pair it replaced: a
    colleague's approval between a page's read and this lock was a DoesNotExist (a 500)."""
    rows = QAPair.objects.select_for_update().filter(**({"agency": agency} if agency is not None else {}))
    found = rows.filter(pk=pair.pk).first() or (rows.filter(pk=pair.revises_id).first() if pair.revises_id else None)
    if found is None:
        raise DomainError("没有这条问答（可能已被删除）。")
    return found


def edited_in(pair: QAPair) -> QAPair:
    """The row an edit of `pair` goes to: a public pair's revision under way (a flagged one's too, begun while it
    was public), so the public pair stays public meanwhile; otherwise the pair itself."""
    if pair.state in (PairState.PUBLISHED, PairState.FLAGGED):
        return pair.revisions.first() or pair
    return pair


def _replace_with_revision(actor, revision: QAPair) -> QAPair:
    """The approved revision written over the public pair it revises (which keeps its number), then removed."""
    public = QAPair.objects.select_for_update().get(pk=revision.revises_id)
    for name in ("question", "answer", "source", "article", "tags", "version"):
        setattr(public, name, getattr(revision, name))
    public.state, public.flag_reason = PairState.PUBLISHED, ""
    public.save()
    audit.record(actor, "qa.publish_revision", public, comment=f"修改稿（问答编号 {revision.pk}）审核通过，替换原内容",
                 revision=revision.pk)
    revision.delete()
    return public


# The revision a qa.publish_revision entry names: in its data, or (entries written before it was kept there) in its
# comment.
_REVISION_IN_COMMENT = re.compile(r"修改稿（问答编号 (\d+)）")


def pair_history(pair: QAPair) -> list[dict]:
    """The pair's history as staff read it, with the steps of its revisions approved since (removed once written
    over it: who wrote the change, who returned it and why, who approved it), each marked as a revision's."""
    revisions = []
    for entry in audit.history(pair).filter(action="qa.publish_revision"):
        number = entry.data.get("revision") if isinstance(entry.data, dict) else None
        found = number or (_REVISION_IN_COMMENT.search(entry.comment) or [None, None])[1]
        if found:
            revisions.append(str(found))
    rows = audit.history_rows(pair, REVIEW, also=revisions)
    for row in rows:
        if row["entry"].object_id != str(pair.pk):
            if row["entry"].action == "publish":
                # Not 审核通过并公开 nor → 已公开: the revision was never public, its text replaced the public pair's.
                row["label"], row["from"], row["to"] = REVISION_PUBLISHED, "", ""
            row["label"] = f"{row['label']}（修改稿 {row['entry'].object_id}）"
    return rows


def _refuse_duplicate(agency: Agency, question: str, pair: QAPair | None) -> None:
    """DomainError when another pair of the agency asks the very same question: a form saved again after the back
    button, or a file of new pairs imported twice, made a copy of every pair."""
    family = {pair.pk, pair.revises_id} - {None} if pair else set()
    other = (QAPair.objects.filter(agency=agency, question=question).exclude(pk__in=family)
             .exclude(revises__in=family).first())
    if other is not None:
        raise DomainError(f"本机关已有相同问题的问答（问答编号 {other.pk}），请修改那一条。", field="question")


@transaction.atomic
def move_pair(actor, pair: QAPair, name: str, comment: str = "") -> QAPair:
    """Take a review step (submit, publish, return) on a pair."""
    current = _locked(pair)
    if current.pk != pair.pk:
        raise DomainError(f"这条修改稿已由他人审核通过，已替换问答 {current.pk} 的内容。")
    pair = current
    REVIEW.apply(actor, pair, name, comment=comment)
    if name == "publish" and pair.revises_id:
        pair = _replace_with_revision(actor, pair)
    if name == "publish":
        from gongkai.qa.services import note_answered

        # The unanswered question the pair was written from (据此新增问答 fills it in) is answered now: off the
        # staff work list (asked again and still unanswered, it comes back).
        note_answered(pair.question)
    return pair


def source_change(document_id: int) -> str:
    """What became of a source that is no longer a public, current and valid document (依据文件已废止 ...)."""
    document = Document.objects.filter(pk=document_id).first()
    if document is None:
        return "依据文件已删除"
    if not public_documents().filter(pk=document_id).exists():
        # Checked first: withdrawing a document may also mark it superseded, which is not what happened to it.
        return "依据文件已撤回" if document.is_withdrawn else "依据文件已不再公开"
    if document.validity != Validity.VALID:
        return f"依据文件已{document.get_validity_display()}"
    if document.superseded:
        return "依据文件已有新版本"
    return "依据文件已不再公开"


def source_problem(pair: QAPair, valid: set[int] | None = None) -> str | None:
    """Why the pair cannot be submitted or published on its source (repealed, withdrawn ... since it was saved),
    or None while the source is public, current and valid. `valid`: the numbers of the valid sources among those of
    a page of pairs, read at once (valid_sources), instead of a query for this pair's."""
    if pair.source_id in valid if valid is not None else valid_sources().filter(pk=pair.source_id).exists():
        return None
    return f"{source_change(pair.source_id)}，本问答不能公开：请改为现行有效的依据文件（待审核的由审核人退回修改）。"


def flag_pairs_for(document_id: int) -> int:
    """Flag and hide the published pairs resting on this document when it is no longer a public, current and
    valid document (repealed, amended, expired, superseded or withdrawn); return how many."""
    if public_pairs().filter(source_id=document_id).exists():
        return 0
    reason = source_change(document_id)
    count = 0
    for pk in list(QAPair.objects.filter(source_id=document_id, state=PairState.PUBLISHED).values_list("pk", flat=True)):
        with transaction.atomic():
            # Read again, locked: a revision approved meanwhile (its text on a valid source) was written back over
            # by the row as read before, then flagged.
            pair = QAPair.objects.select_for_update().filter(pk=pk, source_id=document_id,
                                                             state=PairState.PUBLISHED).first()
            if pair is None:
                continue
            pair.flag_reason = reason
            REVIEW.apply(SYSTEM, pair, "flag", comment=reason)
            count += 1
    return count


def flag_stale_pairs() -> int:
    """Flag every published pair whose source is no longer a public, current and valid document (flag_pairs_for),
    whatever missed it: a document change whose signal was lost, or a pair approved on a dead source before
    approval checked it. Return how many."""
    stale = (QAPair.objects.filter(state=PairState.PUBLISHED).exclude(source__in=valid_sources())
             .values_list("source_id", flat=True).distinct())
    return sum(flag_pairs_for(document_id) for document_id in list(stale))


def export_xlsx(pairs: Iterable[QAPair]) -> bytes:
    """The pairs as a workbook with the import's columns, the state (ignored on import) and the pair's number,
    so that the file, edited and imported again, updates these pairs instead of adding copies."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "政策问答"
    sheet.append([*XLSX_COLUMNS, "状态", ID_COLUMN])
    for pair in pairs:
        # A resident's =HYPERLINK(...) question filled into a pair stays text (read back empty as a formula).
        # A revision is named as one: its row and its public pair's read alike otherwise (same question).
        state = pair.get_state_display() + (f"（问答 {pair.revises_id} 的修改稿）" if pair.revises_id else "")
        append_text_row(sheet, [pair.question, pair.answer, pair.source_id, pair.article, pair.tags, state, pair.pk])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def import_xlsx(actor, agency: Agency, content: bytes) -> ImportSummary:
    """Create a draft pair for each row of the workbook (columns as XLSX_COLUMNS); a row carrying a pair's
    number (ID_COLUMN, as exported) edits that pair of the agency instead (a public one becomes a new version to
    review), and is skipped when nothing in it changed. A bad row is reported with its number and reason, the
    others are imported."""
    from openpyxl import load_workbook

    require_any_role(actor, (Role.DRAFTER,), agency)
    try:
        rows = list(load_workbook(io.BytesIO(content), read_only=True, data_only=True).active.iter_rows(values_only=True))
    except Exception as exc:  # noqa: BLE001 - any unreadable file is the same refusal to the user
        raise DomainError("无法读取该文件，请上传 XLSX 格式的表格。", field="file") from exc
    if not rows or [str(c or "").strip() for c in rows[0][:2]] != list(XLSX_COLUMNS[:2]):
        raise DomainError(f"表格第一行须为列名：{'、'.join(XLSX_COLUMNS)}。", field="file")
    if len(rows) - 1 > MAX_IMPORT_ROWS:
        raise DomainError(f"一次最多导入 {MAX_IMPORT_ROWS} 条。", field="file")
    header = [str(c or "").strip() for c in rows[0]]
    id_at = header.index(ID_COLUMN) if ID_COLUMN in header else None
    result = ImportSummary()
    # A pair's number may be on one row only: a row copied to write a similar pair, its number left in, would
    # otherwise overwrite the pair the first row names (and "修改 2 条" would hide it).
    seen: dict[int, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        values = dict(zip(("question", "answer", "source", "article", "tags"), (*row, None, None, None)[:5],
                          strict=True))
        raw_id = row[id_at] if id_at is not None and id_at < len(row) else None
        if not any(values.values()):
            continue
        try:
            pair = _pair_of_row(agency, raw_id)
            if pair is not None and pair.pk in seen:
                raise DomainError(f"问答编号 {pair.pk} 已在第 {seen[pair.pk]} 行出现，一条问答只能有一行"
                                  "（新增的问答请把这一格留空）。", field="file")
            if pair is not None:
                seen[pair.pk] = number
            if pair is not None and unchanged(pair, values):
                result.unchanged += 1
                continue
            revision = edited_in(pair) if pair is not None else None
            if revision is not None and revision != pair and not unchanged(revision, values):
                # The row was exported before a colleague's revision: saved into it, it wrote over the revision unseen.
                raise DomainError(f"问答编号 {pair.pk} 已有修改稿（问答编号 {revision.pk}），本行未导入：请在修改稿那一行"
                                  "修改（导出的表格中没有它时请重新导出）。", field="file")
            save_pair(actor, agency, values, pair, action="qa.import_pair")
            if pair is None:
                result.created += 1
            else:
                result.updated += 1
        except DomainError as exc:
            # Every field's message at once: fixed one by one, a row came back with its next mistake.
            messages = [m for field_messages in exc.errors.values() for m in field_messages] or [exc.message]
            result.errors.append(LineError(number, "".join(dict.fromkeys(messages))))
    return result


def _pair_of_row(agency: Agency, raw_id) -> QAPair | None:
    """The agency's pair a row names by its number, None for a new one; DomainError for a number not its."""
    text = str(raw_id if raw_id is not None else "").strip()
    if not text:
        return None
    pk = parse_number(text)
    pair = QAPair.objects.filter(pk=pk, agency=agency).first() if pk is not None else None
    if pair is None:
        raise DomainError(f"问答编号 {text[:20]} 不是本机关的问答（新增的问答请把这一格留空）。", field="file")
    return pair


def unchanged(pair: QAPair, values: dict) -> bool:
    """Whether `values` (as typed in the form or a spreadsheet row) say what the pair already says."""

    def text(name: str) -> str:
        return _lines(values.get(name))

    # Line breaks compared as \n: a pair written in the form holds \r\n, which a spreadsheet program may save as \n.
    return (text("question"), text("answer"), text("source"), article_ref(text("article")), clean_tags(text("tags"))
            ) == (_lines(pair.question), _lines(pair.answer), str(pair.source_id), pair.article, pair.tags)
