"""Username and password against the user table, as Django's ModelBackend does."""

from django.contrib.auth.backends import ModelBackend


class UserBackend(ModelBackend):
    """Django's ModelBackend, loading the user's party with the user: every page's header
    names it, so this saves each signed-in request a query."""

    def get_user(self, user_id):
        manager = self.user_model_manager()
        try:
            user = manager.select_related("party").get(pk=user_id)
        except manager.model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    @staticmethod
    def user_model_manager():
        from django.contrib.auth import get_user_model

        return get_user_model()._default_manager
