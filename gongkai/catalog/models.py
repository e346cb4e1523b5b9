"""The disclosure guide (指南), the proactive-disclosure catalogue (目录), the negative list (负面清单) and the
ledger (台帐) of rules and normative documents, per agency.

Guide, catalogue items and negative-list entries are edited as drafts and made public by the review of
states.REVIEW, which stores a snapshot (`published`) of the public fields: the public pages read only the
snapshot, so a draft edit never shows before it is reviewed.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from gongkai.assessment.rules import ColumnKind
from gongkai.catalog.rules import Audience, Category, LedgerValidity, Mode, time_limit_text
from gongkai.catalog.states import CatalogState
from gongkai.orgs.models import Agency
from gongkai.publishing.rules import DisclosurePeriod, WithholdingGround


class Reviewed(models.Model):
    """Draft fields edited by staff, a snapshot of them taken at each review, and the state of the review."""

    PUBLIC_FIELDS: ClassVar[tuple[str, ...]] = ()
    REQUIRED: ClassVar[dict[str, str]] = {}

    state = models.CharField("状态", max_length=20, choices=CatalogState.choices, default=CatalogState.DRAFT,
                             db_index=True)
    published = models.JSONField("已公开内容", default=dict, blank=True, editable=False)
    reviewed_on = models.DateField("最近审核日期", null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审核人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True

    def snapshot(self) -> dict[str, str]:
        return {name: str(getattr(self, name) or "") for name in self.PUBLIC_FIELDS}

    @property
    def has_unpublished_changes(self) -> bool:
        return self.state != CatalogState.RETIRED and self.snapshot() != self.published

    def missing_content(self) -> str | None:
        """Why this cannot be published yet (a required field is empty), or None."""
        empty = [label for name, label in self.REQUIRED.items() if not str(getattr(self, name) or "").strip()]
        return f"请先填写：{'、'.join(empty)}。" if empty else None


class Guide(Reviewed):
    """政府信息公开指南 of one agency (《条例》第十二条). Address and phone fall back to the agency's own."""

    PUBLIC_FIELDS = ("classification", "how_to_obtain", "how_to_apply", "office_name", "address", "office_hours",
                     "phone", "fax", "email", "postcode", "website", "notes")
    REQUIRED = {"how_to_apply": "申请方式", "office_name": "工作机构名称", "office_hours": "办公时间"}

    agency = models.OneToOneField(Agency, verbose_name="机关", on_delete=models.CASCADE, related_name="guide")
    classification = models.TextField("政府信息的分类和编排体系", blank=True)
    how_to_obtain = models.TextField("获取方式（主动公开）", blank=True)
    how_to_apply = models.TextField("依申请公开的申请方式", blank=True)
    office_name = models.CharField("政府信息公开工作机构", max_length=100, blank=True)
    address = models.CharField("办公地址", max_length=200, blank=True, help_text="不填则使用机关信息中的办公地址。")
    office_hours = models.CharField("办公时间", max_length=200, blank=True)
    phone = models.CharField("联系电话", max_length=50, blank=True, help_text="不填则使用机关信息中的联系电话。")
    fax = models.CharField("传真号码", max_length=50, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    postcode = models.CharField("邮政编码", max_length=6, blank=True)
    website = models.CharField("互联网联系方式", max_length=200, blank=True)
    notes = models.TextField("其他说明", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "政府信息公开指南"

    def __str__(self) -> str:
        return f"{self.agency.name}政府信息公开指南"

    def snapshot(self) -> dict[str, str]:
        data = super().snapshot()
        # The agency's own contact details, kept in orgs, serve where the guide gives none.
        data["address"] = data["address"] or self.agency.address
        data["phone"] = data["phone"] or self.agency.phone
        return data


class CatalogItem(Reviewed):
    """One item of an agency's 主动公开目录, mapped to the library by 公文种类 and/or 主题分类."""

    PUBLIC_FIELDS = ("category", "category_name", "subcategory", "content", "basis", "period", "time_limit",
                     "publisher", "office", "channel", "audience", "mode", "level_county", "level_local", "doc_type",
                     "subject")
    REQUIRED = {"content": "公开内容", "basis": "公开依据"}

    agency = models.ForeignKey(Agency, verbose_name="公开主体", on_delete=models.CASCADE,
                               related_name="catalog_items")
    category = models.CharField("专栏归类", max_length=30, choices=Category.choices,
                                help_text="本事项列在政府信息公开专栏“法定主动公开内容”的哪一栏。")
    # The 一级事项 as the catalogue writes it (国办发〔2019〕54号's 26 areas and local ones alike); empty: the
    # label of `category`.
    category_name = models.CharField("一级事项", max_length=100, blank=True,
                                     help_text="如“社会救助”“最低生活保障”；不填则用专栏归类的名称。")
    subcategory = models.CharField("二级事项", max_length=100, blank=True)
    content = models.TextField("公开内容（要素）")
    basis = models.TextField("公开依据")
    period = models.CharField("公开时限依据", max_length=30, choices=DisclosurePeriod.choices, blank=True,
                              help_text="各项时限及其法律依据由平台统一维护；不填表示本事项无法定时限。")
    time_limit = models.CharField("公开时限（说明）", max_length=200, blank=True,
                                  help_text="不填则按公开时限依据自动生成。")
    publisher = models.CharField("公开主体", max_length=200, blank=True, help_text="不填则为本机关。")
    office = models.CharField("责任科室", max_length=100, blank=True)
    channel = models.CharField("公开渠道和载体", max_length=200, blank=True)
    audience = models.CharField("公开对象", max_length=10, choices=Audience.choices, default=Audience.PUBLIC)
    mode = models.CharField("公开方式", max_length=20, choices=Mode.choices, default=Mode.PROACTIVE)
    level_county = models.BooleanField("公开层级：县级", default=False)
    level_local = models.BooleanField("公开层级：乡、村级", default=False)
    doc_type = models.CharField("对应公文种类", max_length=20, blank=True)
    subject = models.CharField("对应主题分类", max_length=60, blank=True)
    order = models.PositiveIntegerField("排序", default=100)
    # Not a public field (not in the snapshot): only the general office's column check reads it.
    column_kind = models.CharField("栏目更新要求", max_length=20, choices=ColumnKind.choices, blank=True,
                                   help_text="不填则按一级、二级事项名称中的关键词判断（国办秘函〔2019〕19号）。")

    class Meta:
        verbose_name = verbose_name_plural = "主动公开目录事项"
        ordering = ["agency", "order", "id"]

    def __str__(self) -> str:
        return f"{self.category_text}：{self.content[:30]}"

    def save(self, *args, **kwargs) -> None:
        if not self.time_limit:
            self.time_limit = time_limit_text(self.period)
        super().save(*args, **kwargs)

    def snapshot(self) -> dict[str, str]:
        data = super().snapshot()
        for name in ("level_county", "level_local"):
            data[name] = "1" if getattr(self, name) else ""
        return data

    @property
    def category_text(self) -> str:
        """The 一级事项 as written, else the column's label."""
        return self.category_name or self.get_category_display()

    @property
    def publisher_text(self) -> str:
        return self.publisher or self.agency.name

    @property
    def levels_text(self) -> str:
        """公开层级 in words: 县级、乡、村级, or empty when not set."""
        return "、".join(label for flag, label in ((self.level_county, "县级"), (self.level_local, "乡、村级")) if flag)

    def applies_to_level(self, level: str) -> bool:
        """Whether the item is the business of an agency working at `level` (county or local); unset: yes."""
        if not (self.level_county or self.level_local):
            return True
        return self.level_county if level == "county" else self.level_local


class NegativeListEntry(Reviewed):
    """One entry of an agency's 不予主动公开清单 (负面清单), with its legal ground."""

    PUBLIC_FIELDS = ("category", "content", "basis", "ground")
    REQUIRED = {"category": "信息事项类别", "content": "信息事项内容", "basis": "法律政策依据"}

    agency = models.ForeignKey(Agency, verbose_name="机关", on_delete=models.CASCADE, related_name="negative_list")
    category = models.CharField("信息事项类别", max_length=100)
    content = models.TextField("信息事项内容")
    basis = models.TextField("法律政策依据")
    ground = models.CharField("对应的不予主动公开依据", max_length=30, choices=WithholdingGround.choices, blank=True,
                              help_text="文件以该依据不予主动公开时，视为列入本清单；未列入清单的依据会提示综合办公室核查。")

    class Meta:
        verbose_name = verbose_name_plural = "负面清单事项"
        ordering = ["agency", "id"]

    def __str__(self) -> str:
        return f"{self.category}：{self.content[:30]}"


class LedgerEntry(models.Model):
    """One row of the 公开台帐 of rules and normative documents (宁政办发〔2019〕40号（二））."""

    agency = models.ForeignKey(Agency, verbose_name="制定机关", on_delete=models.CASCADE, related_name="ledger")
    title = models.CharField("文件名称", max_length=300)
    doc_number = models.CharField("发文字号", max_length=100, blank=True)
    doc_type = models.CharField("类别", max_length=20)
    signed_on = models.DateField("成文日期", null=True, blank=True)
    validity = models.CharField("有效性", max_length=20, choices=LedgerValidity.choices,
                                default=LedgerValidity.CURRENT)
    document = models.ForeignKey("publishing.Document", verbose_name="文件库中的文件", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    note = models.CharField("备注", max_length=200, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "公开台帐"
        ordering = ["agency", "-signed_on", "id"]

    def __str__(self) -> str:
        return f"{self.title}（{self.doc_number}）"
