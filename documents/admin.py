from django.contrib import admin

from documents.models import (
    Backing,
    Dispatch,
    DispatchRecipient,
    Document,
    DocumentVersion,
    RemissRecipient,
    RemissRound,
)


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "backing_required")
    list_filter = ("kind",)
    search_fields = ("title",)


@admin.register(DocumentVersion)
class DocumentVersionAdmin(admin.ModelAdmin):
    list_display = ("document", "number", "stage", "sent_at")
    list_select_related = ("document",)
    readonly_fields = ("sent_at",)


@admin.register(RemissRound)
class RemissRoundAdmin(admin.ModelAdmin):
    list_display = ("title", "opens_on", "deadline", "sent_at")


@admin.register(RemissRecipient)
class RemissRecipientAdmin(admin.ModelAdmin):
    list_display = ("name", "round", "answer", "answered_at", "reminders")
    list_select_related = ("round",)
    search_fields = ("name",)


@admin.register(Backing)
class BackingAdmin(admin.ModelAdmin):
    list_display = ("party", "version", "outcome", "decided_on", "reference")
    list_select_related = ("party", "version__document")


@admin.register(Dispatch)
class DispatchAdmin(admin.ModelAdmin):
    list_display = ("subject", "reference", "sent_at")


@admin.register(DispatchRecipient)
class DispatchRecipientAdmin(admin.ModelAdmin):
    list_display = ("name", "email", "dispatch", "confirmed_at", "registered_dnr")
    list_select_related = ("dispatch",)
    search_fields = ("name", "email")
