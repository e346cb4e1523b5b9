"""Form base shared by every domain's staff and public forms."""

from __future__ import annotations

from typing import Any

from django import forms

from gongkai.core.errors import DomainError


class ServiceForm(forms.Form):
    """A form whose real validation happens in a service; its DomainErrors land beside the fields."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "：")
        super().__init__(*args, **kwargs)

    def apply_domain_error(self, exc: DomainError) -> None:
        """Show a service's field errors beside the matching fields; anything else above the form."""
        errors = exc.errors or {None: [exc.message]}
        for name, messages in errors.items():
            target = name if name in self.fields else None
            for message in messages:
                self.add_error(target, message)
