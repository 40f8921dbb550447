import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import User
from core.models import OutboxMessage
from core.testing import hostile_files
from implementation.models import Level, Unit, UnitMembership
from implementation.services import unit_create
from onboarding import services
from onboarding.models import ImportBatch, Invitation, InvitedRole
from onboarding.services import COLUMNS
from onboarding.tests.conftest import org_rows, xlsx_upload

pytestmark = pytest.mark.django_db


def _check(party, rows):
    return services.check_import(party=party, upload=xlsx_upload(rows))


def _apply(party, actor, rows):
    upload = xlsx_upload(rows)
    checked = services.check_import(party=party, upload=upload)
    assert checked.report.ok, checked.report.lines()
    batch = services.store_batch(party=party, actor=actor, upload=upload, checked=checked)
    return services.apply_import(batch=batch, actor=actor)


def _state():
    return (
        Unit.objects.count(),
        Invitation.objects.count(),
        InvitedRole.objects.count(),
        UnitMembership.objects.count(),
        OutboxMessage.objects.count(),
        User.objects.count(),
    )


def test_import_40_units_60_people_then_again_changes_nothing(goteborg, coordinator):
    rows = org_rows(4, 9)  # 40 units; 4 + 4 + 36 = 44 people
    rows += [
        (
            "Verksamhet",
            f"Verksamhet 1.{v}",
            "Förvaltning 1",
            f"Extra{v}",
            "Berg",
            f"extra{v}@gbg.test",
            "Medlem",
        )
        for v in range(1, 9)
    ]
    rows += [
        (
            "Verksamhet",
            f"Verksamhet 2.{v}",
            "Förvaltning 2",
            f"Extra{v + 8}",
            "Berg",
            f"extra{v + 8}@gbg.test",
            "Medlem",
        )
        for v in range(1, 9)
    ]
    counts = _apply(goteborg, coordinator, rows)
    assert counts["units"] == 40 and counts["invited"] == 60
    assert Unit.objects.filter(party=goteborg, level=Level.VERKSAMHET).count() == 36
    assert OutboxMessage.objects.filter(kind="onboarding_invitation").count() == 60
    assert len({tuple(t) for t in OutboxMessage.objects.values_list("to", flat=True)}) == 60
    before = _state()
    again = _apply(goteborg, coordinator, rows)
    assert again == {"units": 0, "appointed": 0, "invited": 0, "roles_added": 0}
    assert _state() == before
    # Units and invitations are audited (one event each, the coordinator as actor), once.
    from core.models import AuditEvent

    mine = AuditEvent.objects.filter(actor=coordinator)
    assert mine.filter(action="implementation.unit.imported").count() == 40
    sent = mine.filter(action="onboarding.invitation.sent")
    assert sent.count() == 60
    assert all(e.data["enheter"] and e.data["importfil"] for e in sent)
    assert mine.filter(action="onboarding.import.applied").count() == 2  # two files
    assert mine.filter(action="onboarding.import.checked").count() == 2


def test_dry_run_lists_every_error_by_row_and_writes_nothing(
    goteborg, boras, coordinator, make_user
):
    make_user(username="b", email="bo@boras.test", party=boras)
    rows = [
        (
            "Förvaltning",
            "Socialförvaltningen",
            "",
            "Anna",
            "A",
            "anna@gbg.test",
            "Ansvarig",
        ),  # 2 ok
        ("Verksamhet", "Hemtjänst", "Finns inte", "", "", "", ""),  # 3 parent missing
        ("Avdelning", "Okänd nivå", "", "", "", "", ""),  # 4 level
        ("Förvaltning", "Skola", "", "Anna", "Annan", "anna@gbg.test", "Ansvarig"),  # 5 dup e-mail
        ("Förvaltning", "Kultur", "", "Bo", "B", "bo@boras.test", "Ansvarig"),  # 6 other party
        ("Förvaltning", "Park", "", "Cia", "C", "inte-en-adress", "Ansvarig"),  # 7 malformed
        ("Verksamhet", "Äldreomsorg", "", "", "", "", ""),  # 8 no parent
        (
            "Förvaltning",
            "Socialförvaltningen",
            "",
            "Anna",
            "A",
            "anna@gbg.test",
            "Ansvarig",
        ),  # 9 dup
        ("Förvaltning", "Gata", "", "Dan", "D", "dan@gbg.test", "Chef"),  # 10 role
    ]
    before = _state()
    checked = _check(goteborg, rows)
    assert not checked.report.ok
    assert set(checked.report.errors) == {3, 4, 5, 6, 7, 8, 9, 10}
    lines = "\n".join(checked.report.lines())
    assert "Rad 3: Förvaltningen ”Finns inte” finns varken i filen" in lines
    assert "Rad 6: bo@boras.test hör redan till Borås" in lines
    assert "Rad 7: E-postadressen ”inte-en-adress” är inte giltig" in lines
    assert _state() == before


def test_existing_units_are_reused_and_conflicts_reported(goteborg, coordinator, forvaltare):
    social = unit_create(party=goteborg, level=Level.FORVALTNING, name="Social", actor=forvaltare)
    checked = _check(
        goteborg,
        [
            ("Verksamhet", "Social", "X", "", "", "", ""),
            ("Verksamhet", "Hem", "social", "", "", "", ""),
        ],
    )
    assert set(checked.report.errors) == {2, 3}  # row 3: "Social" is declared a verksamhet
    counts = _apply(goteborg, coordinator, [("Verksamhet", "Hem", "social", "", "", "", "")])
    assert counts["units"] == 1 and Unit.objects.get(name="Hem").parent == social


def test_confirm_is_all_or_nothing_when_the_portal_changed(goteborg, boras, coordinator, make_user):
    upload = xlsx_upload(org_rows(1, 2))
    checked = services.check_import(party=goteborg, upload=upload)
    batch = services.store_batch(party=goteborg, actor=coordinator, upload=upload, checked=checked)
    make_user(username="v", email="vera1x2@gbg.test", party=boras)  # meanwhile, elsewhere
    before = _state()
    with pytest.raises(Exception, match="Borås"):
        services.apply_import(batch=batch, actor=coordinator)
    assert _state() == before
    batch.refresh_from_db()
    assert batch.applied_at is None


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("x.xlsx", b"%PDF-1.4 not a sheet", "Excel-fil"),
        ("x.xlsx", b"", "tom"),
    ],
)
def test_wrong_type_is_refused(goteborg, coordinator, client, name, content, message):
    client.force_login(coordinator)
    upload = SimpleUploadedFile(name, content)
    response = client.post(reverse("onboarding:import", args=[goteborg.slug]), {"file": upload})
    assert response.status_code == 200
    assert not ImportBatch.objects.exists()


def test_too_large_and_hostile_files_are_refused(goteborg, coordinator, client):
    client.force_login(coordinator)
    big = SimpleUploadedFile("big.csv", b"a;b\n" * (1400 * 1024))
    response = client.post(reverse("onboarding:import", args=[goteborg.slug]), {"file": big})
    assert "för stor" in response.content.decode()
    header = [list(COLUMNS)]
    for data in (
        hostile_files.claimed_dimensions(header),
        hostile_files.zip_bomb(header, megabytes=30),
        hostile_files.many_entries(header, entries=5_000),
        hostile_files.wide_real_rows(rows=5, columns=5_000),
    ):
        if True:
            response = client.post(
                reverse("onboarding:import", args=[goteborg.slug]),
                {"file": SimpleUploadedFile("h.xlsx", data)},
            )
            assert response.status_code == 200
    assert not ImportBatch.objects.exists() and not Unit.objects.filter(party=goteborg).exists()


def test_formula_text_stays_text_and_template_has_dropdowns(goteborg, coordinator, client):
    counts = _apply(goteborg, coordinator, [("Förvaltning", '=HYPERLINK("x")', "", "", "", "", "")])
    assert counts["units"] == 1
    client.force_login(coordinator)
    response = client.get(reverse("onboarding:import_template", args=[goteborg.slug]))
    assert response.status_code == 200
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet["B2"].value == '=HYPERLINK("x")' and sheet["B2"].data_type == "s"
    assert sheet.data_validations.dataValidation


def test_web_flow_dry_run_then_confirm(goteborg, coordinator, other_coordinator, client):
    client.force_login(coordinator)
    url = reverse("onboarding:import", args=[goteborg.slug])
    bad = org_rows(1, 1) + [("Verksamhet", "V", "Saknas", "", "", "", "")]
    response = client.post(url, {"file": xlsx_upload(bad)})
    assert (
        "Rad 5:" in response.content.decode()
        and not Unit.objects.filter(party=goteborg).filter(party=goteborg).exists()
    )
    response = client.post(url, {"file": xlsx_upload(org_rows(1, 1))})
    batch = ImportBatch.objects.get()
    assert response.url == reverse("onboarding:import_confirm", args=[batch.pk])
    # Only the uploader confirms; another party's coordinator cannot.
    client.force_login(other_coordinator)
    assert client.post(response.url).status_code in (403, 404)
    assert not Unit.objects.filter(party=goteborg).exists()
    client.force_login(coordinator)
    assert client.post(response.url).status_code == 302
    assert Unit.objects.filter(party=goteborg).count() == 2 and Invitation.objects.count() == 3
    assert client.post(response.url).status_code == 200  # double click: nothing more
    assert Unit.objects.filter(party=goteborg).count() == 2 and OutboxMessage.objects.count() == 3


def test_old_import_checks_are_pruned(goteborg, coordinator):
    import datetime as dt

    from django.utils import timezone

    upload = xlsx_upload(org_rows(1, 1))
    checked = services.check_import(party=goteborg, upload=upload)
    old = services.store_batch(party=goteborg, actor=coordinator, upload=upload, checked=checked)
    done = services.store_batch(party=goteborg, actor=coordinator, upload=upload, checked=checked)
    fresh = services.store_batch(party=goteborg, actor=coordinator, upload=upload, checked=checked)
    ago = timezone.now() - dt.timedelta(days=8)
    ImportBatch.objects.filter(pk=old.pk).update(created_at=ago)
    ImportBatch.objects.filter(pk=done.pk).update(created_at=ago, applied_at=ago)
    from onboarding.tasks import prune_import_batches

    assert prune_import_batches() == 2
    assert not ImportBatch.objects.filter(pk=old.pk).exists()
    assert ImportBatch.objects.get(pk=done.pk).rows == []
    assert ImportBatch.objects.get(pk=fresh.pk).rows
