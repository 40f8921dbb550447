"""The forms of an HTML page, as a browser would submit them (for the load test's users)."""

from html.parser import HTMLParser


class Form:
    def __init__(self, attrs: dict):
        self.action = attrs.get("action") or ""
        self.hx_post = attrs.get("data-hx-post") or attrs.get("hx-post") or ""
        self.fields: dict[str, str] = {}
        self.selects: dict[str, list[str]] = {}
        self.selected: dict[str, str] = {}
        self.radios: dict[str, list[str]] = {}


class FormParser(HTMLParser):
    """The forms of a page: hidden and text inputs, selects (options, selected) and radios."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = Form(a)
            self.forms.append(self._form)
        elif tag == "option" and self._form is not None and self._select:
            value = a.get("value", "")
            self._form.selects[self._select].append(value)
            if "selected" in a:
                self._form.selected[self._select] = value
                self._form.fields[self._select] = value
        elif self._form is None or not a.get("name"):
            return
        elif tag == "input":
            kind = a.get("type", "text")
            if kind == "radio":
                self._form.radios.setdefault(a["name"], []).append(a.get("value", ""))
            elif kind == "checkbox":
                if "checked" in a:
                    self._form.fields[a["name"]] = a.get("value", "on")
            elif kind not in ("submit", "file"):
                self._form.fields[a["name"]] = a.get("value", "")
        elif tag == "select":
            self._select = a["name"]
            self._form.selects[self._select] = []
            self._form.fields[self._select] = ""
        elif tag == "textarea":
            self._form.fields[a["name"]] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def forms_of(html: str) -> list[Form]:
    parser = FormParser()
    parser.feed(html)
    return parser.forms


def form_with(html: str, field: str) -> Form | None:
    return next((f for f in forms_of(html) if field in f.fields or field in f.radios), None)
