from django.contrib import admin

from agreements.models import Agreement, Delregion, Federation, JointBody, Milestone, Party


@admin.register(Party)
class PartyAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "federation", "delregion", "is_agreement_party")
    list_filter = ("kind", "federation", "delregion", "is_agreement_party")
    list_select_related = ("federation", "delregion")
    search_fields = ("name",)


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ("short_title", "kind", "generation", "valid_from", "valid_to")
    list_filter = ("generation", "kind")


admin.site.register(Federation)
admin.site.register(JointBody)
admin.site.register(Delregion)
admin.site.register(Milestone)
