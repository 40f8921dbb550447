import factory
from django.utils.text import slugify

from implementation.models import Level, Unit


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"Enhet {n}")
    slug = factory.LazyAttribute(lambda u: slugify(u.name))
    level = Level.FORVALTNING
