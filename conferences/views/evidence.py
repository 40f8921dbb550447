"""Linking a conference to implementation checklist items (Förvaltare only)."""

from django.core.exceptions import PermissionDenied
from django.views import View


class EvidenceLinkView(View):
    def dispatch(self, request, *args, **kwargs):
        raise PermissionDenied
