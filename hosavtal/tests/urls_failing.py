from django.urls import path

from hosavtal.urls import handler403, handler404, handler500, urlpatterns


def broken(request):
    raise RuntimeError("hemlig intern detalj")


__all__ = ["handler403", "handler404", "handler500"]
urlpatterns = [path("trasig/", broken), *urlpatterns]
