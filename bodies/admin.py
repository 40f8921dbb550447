from django.contrib import admin

from bodies.models import AgendaItem, Issue, IssueMove, Meeting, Membership, Outcome, Participant
from core.admin import HTTPS_URL_FIELDS


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "body",
        "mandate",
        "political_party",
        "represents",
        "term_start",
        "term_end",
    )
    list_filter = ("body", "mandate")
    search_fields = ("name", "email", "represents")
    raw_id_fields = ("user",)


class ParticipantInline(admin.TabularInline):
    model = Participant
    extra = 0
    raw_id_fields = ("membership",)


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    raw_id_fields = ("issue",)


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("date", "body", "title", "state")
    list_filter = ("body", "state")
    date_hierarchy = "date"
    inlines = [ParticipantInline, AgendaItemInline]
    formfield_overrides = HTTPS_URL_FIELDS


@admin.register(Outcome)
class OutcomeAdmin(admin.ModelAdmin):
    list_display = ("body", "kind", "text", "owner", "due_date", "per_capsulam", "decided_on")
    list_filter = ("body", "kind", "per_capsulam")
    raw_id_fields = ("item", "owner")


class IssueMoveInline(admin.TabularInline):
    model = IssueMove
    extra = 0


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin):
    list_display = ("title", "body", "status", "economic", "created_at")
    list_filter = ("body", "status", "economic")
    search_fields = ("title",)
    raw_id_fields = ("raised_by",)
    inlines = [IssueMoveInline]
