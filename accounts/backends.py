"""Username and password against the user table, as Django's ModelBackend does."""

from django.contrib.auth.backends import ModelBackend, UserModel


class UserBackend(ModelBackend):
    """Django's ModelBackend, loading the user's party with the user: every page's header
    names it, so this saves each signed-in request a query."""

    def get_user(self, user_id):
        try:
            user = UserModel._default_manager.select_related("party").get(pk=user_id)
        except UserModel.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
