"""Role checks for views. Object-level rules live in each app's permissions.py."""

from django.core.exceptions import PermissionDenied

from core.roles import has_role


class RoleRequiredMixin:
    """Refuse (403) a logged-in user who has none of ``allowed_roles``."""

    allowed_roles: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not has_role(request.user, *self.allowed_roles):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)
