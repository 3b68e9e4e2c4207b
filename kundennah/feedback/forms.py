from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kundennah.feedback.models import Feeling, Fulfilled


class AnswerForm(forms.Form):
    """Types only; the answer service decides what is missing or too long (one place for rules)."""

    fulfilled = forms.ChoiceField(label=_("Was your concern fulfilled?"), choices=Fulfilled.choices,
                                  required=False, widget=forms.RadioSelect)
    feeling = forms.TypedChoiceField(label=_("How did you feel about it?"), choices=Feeling.choices, coerce=int,
                                     required=False, empty_value=None, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Anything you would like to tell us? (optional)"), required=False,
                              strip=False, widget=forms.Textarea(attrs={"rows": 4, "maxlength": 2000}))
