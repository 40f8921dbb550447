"""The portal's URLs plus a trivial view: the floor every page time is compared with."""

from django.shortcuts import render
from django.urls import path

from hosavtal.urls import handler403, handler404, handler500
from hosavtal.urls import urlpatterns as portal_urls

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]


def trivial(request):
    """The cheapest page the portal can serve: a logged-in user, the base layout, no domain
    data. Every measured page pays for the same session, user and layout on top of its own
    work, so the ratio to this view is the page's own cost."""
    return render(request, "base.html", {})


urlpatterns = [path("bench/trivial/", trivial, name="bench-trivial"), *portal_urls]
