from django.contrib import admin

from conferences import models
from core.admin import HTTPS_URL_FIELDS


class ProgrammeInline(admin.TabularInline):
    model = models.ProgrammeItem
    extra = 0


class PreMeetingInline(admin.TabularInline):
    model = models.PreMeeting
    extra = 0


@admin.register(models.Conference)
class ConferenceAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URL_FIELDS
    list_display = ("title", "date", "kind", "status", "capacity", "is_demo")
    list_filter = ("status", "kind", "is_demo")
    search_fields = ("title", "venue")
    inlines = [ProgrammeInline, PreMeetingInline]


@admin.register(models.Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("subject", "conference", "status", "created_by", "created_at")
    list_filter = ("status",)
    raw_id_fields = ("conference",)


@admin.register(models.Recipient)
class RecipientAdmin(admin.ModelAdmin):
    list_display = ("email", "organisation", "source", "status", "sent_at")
    list_filter = ("status", "source")
    search_fields = ("email", "organisation")
    raw_id_fields = ("invitation", "party", "unit")
    readonly_fields = ("status", "attempts", "error", "queued_at", "sent_at")


@admin.register(models.Registration)
class RegistrationAdmin(admin.ModelAdmin):
    # Diet, allergies and accessibility are left out on purpose: the registrar's catering page
    # shows them aggregated, and nobody needs them per person in the admin.
    list_display = ("name", "email", "conference", "status", "attended", "joined_at")
    list_filter = ("status", "attended", "role")
    search_fields = ("name", "email")
    raw_id_fields = ("conference", "party", "unit", "recipient")
    exclude = ("diet", "diet_choices", "allergies", "accessibility")
