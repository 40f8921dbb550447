import factory
from django.utils.text import slugify

from agreements.models import Agreement, Party


class PartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Party
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Testkommun {n}")
    slug = factory.LazyAttribute(lambda p: slugify(p.name))
    kind = Party.Kind.KOMMUN


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement
        django_get_or_create = ("slug",)

    title = factory.Sequence(lambda n: f"Överenskommelse {n}")
    short_title = factory.LazyAttribute(lambda a: a.title)
    slug = factory.LazyAttribute(lambda a: slugify(a.title))
    kind = Agreement.Kind.OVERENSKOMMELSE
    generation = Agreement.Generation.NEW
