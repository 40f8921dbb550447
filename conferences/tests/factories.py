import datetime as dt

import factory
from django.utils import timezone

from conferences.models import Conference, Registration


class ConferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conference

    slug = factory.Sequence(lambda n: f"testkonferens-{n}")
    title = factory.Sequence(lambda n: f"Testkonferens {n}")
    kind = Conference.Kind.BLANDAD
    date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=30))
    start_time = dt.time(9)
    end_time = dt.time(15)
    venue = "Regionens hus"
    address = "Bergslagsgatan 2, 411 04 Göteborg"
    capacity = 20
    status = Conference.Status.INBJUDAN_SKICKAD
    fika = True
    lunch = True
    organiser_email = "arrangor@test.hosportalen.se"


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    conference = factory.SubFactory(ConferenceFactory)
    name = factory.Sequence(lambda n: f"Deltagare {n}")
    email = factory.Sequence(lambda n: f"deltagare{n}@test.hosportalen.se")
    role = Registration.Role.TJANSTEPERSON
    organisation_other = "Testorganisationen"
    consent_at = factory.LazyFunction(timezone.now)
    status = Registration.Status.BEKRAFTAD
