"""Pages of implementation tracking, function views throughout (list, detail, form and action
POST alike). Views are thin: permission (``core.permissions`` naming a rule of
``implementation.permissions``) → form → one service call → redirect/message.

- ``pages``: the read pages (overview, party, unit, matrix, item, exports, phases);
- ``personal``: Min sida and its quick status change;
- ``manage``: units, leads, phases, items, development needs, the bulk update;
- ``common``: the unit of an address, its URLs and breadcrumbs.

Higher apps register with ``MY_PAGE_PANELS`` and ``WITHOUT_LEAD_NOTES`` (in their ready()).
"""

from implementation.views.common import load_unit, unit_crumbs, unit_url
from implementation.views.pages import WITHOUT_LEAD_NOTES
from implementation.views.personal import MY_PAGE_PANELS

__all__ = ["MY_PAGE_PANELS", "WITHOUT_LEAD_NOTES", "load_unit", "unit_crumbs", "unit_url"]
