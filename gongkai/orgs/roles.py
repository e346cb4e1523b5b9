"""Staff roles. A role is always held within an agency's scope (RoleGrant)."""

from django.db import models


class Role(models.TextChoices):
    DRAFTER = "drafter", "起草人"
    SECRECY_REVIEWER = "secrecy_reviewer", "保密审查人"
    APPROVER = "approver", "审核人（分管领导）"
    SIGNER = "signer", "签发人（主要领导）"
    PUBLISHER = "publisher", "发布人"
    DISCLOSURE_OFFICER = "disclosure_officer", "依申请公开经办人"
    # 《条例》第三十三条: extending the reply period needs the consent of the head of the disclosure office.
    DISCLOSURE_HEAD = "disclosure_head", "政府信息公开工作机构负责人"
    ADMINISTRATOR = "administrator", "管理员"
