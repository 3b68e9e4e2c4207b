"""Forms of the portal accounts: inviting a contact, their rights per site, the first password.

The forms only read the input; what may be granted is the service's rule (``portal_users``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from kundennah.commerce.models import PortalRight
from kundennah.commerce.portal_users import FLAGS, RightInput, flag_labels
from kundennah.core.forms import BootstrapFormMixin
from kundennah.customers.models import Site

ALL = "all"


@dataclass(frozen=True)
class RightsRow:
    """One line of the rights grid: a site (or all sites) and its checkboxes."""

    key: str
    label: str
    site: Site | None
    fields: list[forms.BoundField]


class RightsFormMixin(BootstrapFormMixin):
    """One row per site that may be granted (plus "all sites"): access and the four rights.

    A row with access or any right ticked becomes a ``RightInput``; ticking a right implies access.
    """

    def add_rights_rows(self, *, all_sites: bool, sites: list[Site], current: list[PortalRight] | None = None) -> None:
        self._rows: list[tuple[str, str, Site | None]] = []
        if all_sites:
            self._rows.append((ALL, str(_("All sites (central purchasing)")), None))
        self._rows += [(str(site.pk), site.name if site.is_active else f"{site.name} ({_('inactive')})", site)
                       for site in sites]
        held = {str(right.site_id) if right.site_id else ALL: right for right in current or []}
        labels = flag_labels()
        for key, _label, _site in self._rows:
            right = held.get(key)
            self.add_fields({
                f"right_{key}_access": forms.BooleanField(label=_("access"), required=False,
                                                          initial=right is not None),
                **{f"right_{key}_{flag}": forms.BooleanField(label=labels[flag], required=False,
                                                             initial=bool(getattr(right, flag, False)))
                   for flag in FLAGS},
            })

    def rights_rows(self) -> list[RightsRow]:
        return [RightsRow(key, label, site, [self[f"right_{key}_access"], *[self[f"right_{key}_{flag}"]
                                                                             for flag in FLAGS]])
                for key, label, site in self._rows]

    def rights(self) -> list[RightInput]:
        data = self.cleaned_data
        chosen = []
        for key, _label, site in self._rows:
            flags = {flag: bool(data.get(f"right_{key}_{flag}")) for flag in FLAGS}
            if data.get(f"right_{key}_access") or any(flags.values()):
                chosen.append(RightInput(site=site, **flags))
        return chosen


class InvitationForm(RightsFormMixin):
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.CharField(label=_("Email"), max_length=254,
                            widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    language = forms.ChoiceField(label=_("Language of the invitation and the portal"), choices=settings.LANGUAGES,
                                 initial=settings.LANGUAGE_CODE)

    def __init__(self, *args: Any, all_sites: bool, sites: list[Site], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "invite")
        super().__init__(*args, **kwargs)
        self.add_rights_rows(all_sites=all_sites, sites=sites)


class RightsForm(RightsFormMixin):
    def __init__(self, *args: Any, all_sites: bool, sites: list[Site], current: list[PortalRight],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Sites the contact holds stay visible even if the editor may not grant them (the service says why).
        shown = {site.pk for site in sites}
        extra = [right.site for right in current if right.site is not None and right.site_id not in shown]
        all_held = any(right.site_id is None for right in current)
        self.add_rights_rows(all_sites=all_sites or all_held, sites=[*sites, *extra], current=current)


class PasswordSetForm(BootstrapFormMixin):
    password = forms.CharField(label=_("Password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password_again = forms.CharField(label=_("Password again"), strip=False,
                                     widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
