from django.conf import settings

from hosavtal.navigation import navigation_for


def portal(request) -> dict:
    return {
        "portal_name": settings.PORTAL_NAME,
        "navigation": navigation_for(request.user, request.path)
        if hasattr(request, "user")
        else [],
    }
