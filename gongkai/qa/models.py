"""The Q&A knowledge base: articles of published documents, unanswered questions and answer feedback."""

from __future__ import annotations

from django.db import models

from gongkai.publishing.articles import article_label
from gongkai.publishing.models import Document, Revision
from gongkai.qa.states import PairState


class Article(models.Model):
    """One article (第X条) of one revision, split at publish time (gongkai.publishing.articles); the public only ever
    sees articles of a public document's live revision (gongkai.qa.index reads them through the visibility rule)."""

    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="articles")
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="articles")
    position = models.PositiveIntegerField("顺序")
    number = models.PositiveIntegerField("条号")
    sub = models.PositiveIntegerField("之几", default=0)
    label = models.CharField("条目", max_length=40)
    chapter = models.CharField("所在章节", max_length=300, blank=True)
    text = models.TextField("条文")

    class Meta:
        verbose_name = verbose_name_plural = "条文"
        ordering = ["revision", "position"]
        constraints = [models.UniqueConstraint(fields=["revision", "number", "sub"], name="unique_article_number")]

    def __str__(self) -> str:
        return self.label

    @property
    def anchor(self) -> str:
        return f"art-{self.number}" + (f"-{self.sub}" if self.sub else "")


class UnansweredQuestion(models.Model):
    """A question the knowledge base could not answer well enough, with how often it was asked: the staff
    work list from which new Q&A pairs are written."""

    key = models.CharField("归一化问题", max_length=200, unique=True)
    question = models.CharField("问题", max_length=500)
    count = models.PositiveIntegerField("提问次数", default=1)
    first_asked = models.DateTimeField("首次提问", auto_now_add=True)
    last_asked = models.DateTimeField("最近提问", auto_now=True)
    resolved = models.BooleanField("已处理", default=False)
    # Weather, timetables, celebrities (services.off_topic): listed apart, since no pair or document answers them.
    about_the_world = models.BooleanField("与政策无关", default=False)
    # Moved to its tab by staff (services.move_unanswered): their filing then decides, not off_topic's.
    filed_by_staff = models.BooleanField("工作人员已归类", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "未答问题"
        ordering = ["-count", "-last_asked"]

    def __str__(self) -> str:
        return self.question


class Feedback(models.Model):
    """有帮助 / 没有帮助 on one answer: counted per answer source and per question."""

    question_key = models.CharField("归一化问题", max_length=200, db_index=True)
    question = models.CharField("问题", max_length=500)
    source = models.CharField("答案来源", max_length=40, db_index=True)  # "article:<id>"
    helpful = models.BooleanField("有帮助")
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "答案评价"

    def __str__(self) -> str:
        return f"{self.source} {'有帮助' if self.helpful else '没有帮助'}"


class QAPair(models.Model):
    """A curated question and answer tied to the source document and article it rests on (see qa.states)."""

    agency = models.ForeignKey("orgs.Agency", on_delete=models.PROTECT, related_name="qa_pairs",
                               verbose_name="机关")
    question = models.CharField("问题", max_length=300)
    answer = models.TextField("答案")
    source = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="qa_pairs", verbose_name="依据文件")
    article = models.CharField("依据条文", max_length=20, blank=True, help_text="条号，如 19 或 133-1（第一百三十三条之一）")
    tags = models.CharField("标签", max_length=200, blank=True, help_text="多个用顿号分隔")
    state = models.CharField("状态", max_length=20, choices=PairState.choices, default=PairState.DRAFT, db_index=True)
    version = models.PositiveIntegerField("版本", default=1)
    flag_reason = models.CharField("暂停原因", max_length=200, blank=True)
    # A draft revising a public pair: the public one stays public until the revision is approved, which then
    # writes it over the public one (one number for the hotline's ratings and the spreadsheet) and is removed.
    revises = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="revisions",
                                verbose_name="修改的问答")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "政策问答"
        ordering = ["-updated_at", "-pk"]

    def __str__(self) -> str:
        return self.question

    def missing_content(self) -> str | None:
        if not self.question.strip() or not self.answer.strip():
            return "问题和答案都要填写。"
        return None

    @property
    def anchor(self) -> str:
        return f"art-{self.article}" if self.article else ""

    @property
    def cited(self) -> tuple[int, int] | None:
        """The number and 之几 of the article cited (19 → (19, 0), 133-1 → (133, 1)); None when none is."""
        number, _, sub = self.article.partition("-")
        return (int(number), int(sub or 0)) if number.isdigit() and (sub.isdigit() or not sub) else None

    @property
    def article_label(self) -> str:
        """The cited article's label in its source as pairs.label_citations read it (a notice's items are 第一项 …),
        else 第十九条 for a pair citing 19 (第一百三十三条之一 for 133-1); '' when it cites no article."""
        cited = self.cited
        return getattr(self, "cited_label", "") or (article_label(*cited) if cited else "")


class ArticleVector(models.Model):
    """The semantic vector of one article's text (gongkai.qa.semantic), computed by the task worker or
    `gongkai qa embed` and kept with the digest of the text it was computed from (a vector whose digest no
    longer matches is ignored and computed again)."""

    article = models.OneToOneField(Article, on_delete=models.CASCADE, primary_key=True, related_name="vector")
    digest = models.CharField("文本摘要", max_length=16)
    vector = models.BinaryField("语义向量")
    created_at = models.DateTimeField("计算时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "条文语义向量"

    def __str__(self) -> str:
        return f"{self.article_id}:{self.digest}"


class WordVector(models.Model):
    """The semantic vector of one word of the library (gongkai.qa.meaning), computed once by the semantic model
    named in `model` (a new model version computes its own); an article's meaning vector is averaged from these."""

    model = models.CharField("模型", max_length=40)
    word = models.CharField("词", max_length=32)
    vector = models.BinaryField("语义向量")

    class Meta:
        verbose_name = verbose_name_plural = "词语义向量"
        constraints = [models.UniqueConstraint(fields=["model", "word"], name="unique_word_vector")]

    def __str__(self) -> str:
        return self.word
