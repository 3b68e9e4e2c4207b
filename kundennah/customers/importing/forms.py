"""Forms of the import pages: types and choices only, the rules are in ``jobs`` and ``mapping``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kundennah.core.forms import BootstrapFormMixin
from kundennah.customers.importing.jobs import upload_too_large_error
from kundennah.customers.importing.mapping import GROUPS, TARGETS, Mapping, column_label
from kundennah.customers.models import ImportJob


class ImportUploadForm(BootstrapFormMixin):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV (for example “CSV UTF-8” or “CSV (semicolon separated)” from Excel) "
            "or Excel (.xlsx)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx,text/csv"}),
    )
    mode = forms.ChoiceField(
        label=_("Rows with errors"),
        choices=ImportJob.Mode.choices,
        initial=ImportJob.Mode.ALL_VALID,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, too_large: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.too_large = too_large
        self.fields["mode"].widget.attrs["class"] = "form-check-input"
        if too_large:
            # The upload was stopped: there is no file, and the reason is its size.
            self.fields["file"].required = False
            self.fields["mode"].required = False

    def clean_file(self) -> Any:
        if self.too_large:
            raise forms.ValidationError(str(upload_too_large_error().errors[0].message))
        return self.cleaned_data["file"]


class ImportMappingForm(BootstrapFormMixin):
    """One select per field of the record, listing the file's columns with sample values."""

    def __init__(
        self,
        *args: Any,
        headers: Sequence[str],
        samples: Sequence[Sequence[str]],
        mapping: Mapping,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        columns: list[tuple[str, str]] = [("", str(_("— not imported —")))]
        for index in range(len(headers)):
            values = [
                row[index].strip() for row in samples if index < len(row) and row[index].strip()
            ]
            label = column_label(headers, index)
            if values:
                label = f"{label} ({', '.join(v[:30] for v in values[:2])})"
            columns.append((str(index), label))
        self.add_fields(
            {
                target.key: forms.ChoiceField(
                    label=str(target.label),
                    choices=columns,
                    required=False,
                    initial=str(mapping[target.key]) if target.key in mapping else "",
                )
                for target in TARGETS
            }
        )

    def groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [
            (str(label), [self[t.key] for t in TARGETS if t.group == group])
            for group, label in GROUPS.items()
        ]

    def mapping(self) -> dict[str, Any]:
        return {key: value for key, value in self.cleaned_data.items() if value not in ("", None)}
