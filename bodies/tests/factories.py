"""Test helpers: the joint steering group's meetings (what ``hosavtal.SteeringMeeting`` was)."""

from agreements.models import JointBody
from bodies.models import Meeting

STEERING = "gemensam-styrgrupp"


def steering_body() -> JointBody:
    body, _created = JointBody.objects.get_or_create(
        slug=STEERING,
        defaults={
            "name": "Gemensam styrgrupp",
            "short_name": "Styrgruppen",
            "kind": "tjanstepersoner",
        },
    )
    return body


class _SteeringMeetings:
    """``SteeringMeeting.objects`` as the dashboard tests used it, over bodies.Meeting."""

    def _qs(self):
        return Meeting.objects.filter(body__slug=STEERING)

    def create(self, **fields) -> Meeting:
        return Meeting.objects.create(body=steering_body(), **fields)

    def __getattr__(self, name):
        return getattr(self._qs(), name)


class SteeringMeeting:
    objects = _SteeringMeetings()
