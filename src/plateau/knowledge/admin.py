from django.contrib import admin

from .models import AnswerGiven, AnswerTarget, Article, KnowledgeGap, OfficialSheet, SheetImport, Synonym


@admin.register(OfficialSheet)
class OfficialSheetAdmin(admin.ModelAdmin):
    list_display = ("sheet_id", "title", "subject", "kind", "modified_on", "withdrawn_at")
    list_filter = ("subject", "kind")
    search_fields = ("sheet_id", "title")
    readonly_fields = [f.name for f in OfficialSheet._meta.fields]


@admin.register(SheetImport)
class SheetImportAdmin(admin.ModelAdmin):
    list_display = ("started_at", "source", "total", "new", "changed", "removed", "unchanged", "seconds")
    readonly_fields = [f.name for f in SheetImport._meta.fields]


@admin.register(AnswerGiven)
class AnswerGivenAdmin(admin.ModelAdmin):
    list_display = ("at", "programme", "contact", "sheet", "advisor")
    list_filter = ("programme",)
    raw_id_fields = ("contact", "sheet", "advisor")


@admin.register(KnowledgeGap)
class KnowledgeGapAdmin(admin.ModelAdmin):
    list_display = ("at", "programme", "query", "advisor")
    list_filter = ("programme",)
    raw_id_fields = ("contact", "advisor")


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    list_display = ("programme", "term", "expansion", "updated_at")
    list_filter = ("programme",)


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "programme", "status", "owner", "review_on")
    list_filter = ("programme", "status")
    readonly_fields = ("published_version",)


@admin.register(AnswerTarget)
class AnswerTargetAdmin(admin.ModelAdmin):
    list_display = ("programme", "seconds")
