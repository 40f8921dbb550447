"""Form widgets for busy pages.

Django renders a ``<select>`` through one template per option; a filter with the 50 parties
then costs more than the rest of a list page. :class:`PlainSelect` writes the same markup in
Python, so long option lists render in a fraction of the time.
"""

import html

from django import forms
from django.forms.utils import flatatt
from django.utils.safestring import SafeData, mark_safe


def _escape(value) -> str:
    return value if isinstance(value, SafeData) else html.escape(str(value))


class PlainSelect(forms.Select):
    """A single-choice ``<select>`` with the markup of Django's template, built in Python
    (values and labels escaped like the template's autoescape; the first matching option is
    the selected one, as in Django)."""

    def set_options(self, choices: list) -> None:
        """Take ``choices`` as they are, already in Django's normalised shape: ``(value,
        label)`` pairs, or ``(group label, [pairs])``. Assigning ``choices`` normalises them,
        twice when done through a form field (field, then widget): for a list of thousands
        that costs more than rendering it. The form must then check the value itself."""
        self._choices = choices

    def use_required_attribute(self, initial) -> bool:
        # Django asks every select this before it looks at ``required``, and Select answers by
        # reading the first choice: for a model field a query of its own. An optional field
        # never gets the attribute, so it need not ask.
        return self.is_required and super().use_required_attribute(initial)

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        wanted = set(self.format_value(value))
        found = False
        parts = [f'<select name="{_escape(name)}"{flatatt(final_attrs)}>']

        def option(option_value, label) -> str:
            nonlocal found
            text = "" if option_value is None else str(option_value)
            selected = not found and text in wanted
            found = found or selected
            mark = " selected" if selected else ""
            return f'<option value="{_escape(text)}"{mark}>{_escape(label)}</option>'

        for group_value, group_label in self.choices:
            if isinstance(group_label, (list, tuple)):
                parts.append(f'<optgroup label="{_escape(group_value)}">')
                parts.extend(option(v, label) for v, label in group_label)
                parts.append("</optgroup>")
            else:
                parts.append(option(group_value, group_label))
        parts.append("</select>")
        return mark_safe("".join(parts))  # every value and label is escaped above


class PersonPicker(forms.TextInput):
    """A searchable person field (issue #19) instead of a drop-down of hundreds of users: a
    text box whose suggestions (a ``<datalist>``) come from ``search_url`` as one types
    (``static/core/person_picker.js``). Without JavaScript one types a username or e-mail.
    The field (``accounts.forms.PersonField``) resolves the text and checks it."""

    search_url = ""

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", "spellcheck": "false", **(attrs or {})})

    def render(self, name, value, attrs=None, renderer=None):
        from django.templatetags.static import static

        attrs = dict(attrs or {})
        list_id = f"{attrs.get('id') or 'id_' + name}-forslag"
        attrs["list"] = list_id
        attrs["data-person-search"] = str(self.search_url)
        box = super().render(name, value, attrs, renderer)
        script = static("core/person_picker.js")
        return mark_safe(  # the id is Django's own; the URL and path are escaped
            f'{box}<datalist id="{_escape(list_id)}"></datalist>'
            f'<script src="{_escape(script)}" defer></script>'
        )
