"""
Django admin pages for support staff: vendor calls that did not go through (with a retry action),
reviews, credit records, what in-house proctoring recorded, what the retention policy deleted, the
versions of the proctoring terms with learners' answers to them, and the e-mails queued and sent.
Course teams get their own pages on the instructor dashboard.
"""
from django.contrib import admin, messages

from . import api
from .credit.models import CreditRecord
from .messages.models import OutgoingMessage
from .privacy.models import ConsentRecord, ConsentTerms, ExportRecord, PurgedItem
from .providers.models import ProviderCall
from .recordings.models import Recording, SessionFlag, VideoFinding
from .reviews.models import HeldVerdict, Review


class ViewOnlyAdmin(admin.ModelAdmin):
    """Rows made by the app, never added or edited here (support may delete one)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ViewOnlyAdmin):
    """A record nobody edits or deletes here: it is what happened."""

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ProviderCall)
class ProviderCallAdmin(admin.ModelAdmin):
    """The vendor-call outbox: pending retries and dead calls, with their last error."""

    list_display = ('attempt', 'provider', 'action', 'status', 'tries', 'next_try_at', 'last_error', 'modified')
    list_filter = ('status', 'provider', 'action')
    search_fields = ('attempt__user__username', 'attempt__exam__course_key', 'last_error')
    readonly_fields = [field.name for field in ProviderCall._meta.fields]
    actions = ['retry_now']

    @admin.action(description='Make the selected dead calls again')
    def retry_now(self, request, queryset):
        """Requeue dead calls; the retry task makes them at its next run."""
        count = sum(api.requeue_provider_call(call) for call in queryset.filter(status=ProviderCall.DEAD))
        self.message_user(request, f'{count} call(s) will be made again.', messages.SUCCESS)

    def has_add_permission(self, request):
        return False


@admin.register(Review)
class ReviewAdmin(ViewOnlyAdmin):
    """Every verdict and decision, read-only: decisions are made through the review pages and API."""

    list_display = ('attempt', 'provider', 'verdict', 'outcome', 'reviewer', 'created')
    list_filter = ('provider', 'outcome')
    search_fields = ('attempt__user__username', 'attempt__exam__course_key')


@admin.register(HeldVerdict)
class HeldVerdictAdmin(ViewOnlyAdmin):
    """Verdicts that came before their attempt was submitted: kept for staff, never applied."""

    list_display = ('attempt', 'provider', 'verdict', 'attempt_status', 'received_at')
    list_filter = ('provider',)
    search_fields = ('attempt__user__username', 'attempt__exam__course_key')


@admin.register(CreditRecord)
class CreditRecordAdmin(ViewOnlyAdmin):
    """The package's credit records, read-only: they follow the attempts."""

    list_display = ('user', 'exam', 'requirement_status', 'earned', 'possible', 'grade_zeroed', 'modified')
    list_filter = ('requirement_status',)
    search_fields = ('user__username', 'exam__course_key')


class VideoFindingInline(admin.TabularInline):
    """The moments the analysis suggests looking at: suggestions only."""

    model = VideoFinding
    fields = ('kind', 'start_s', 'end_s', 'confidence', 'thumbnail_s')
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Recording)
class RecordingAdmin(admin.ModelAdmin):
    """In-house recordings and their analysis (progress, failures, quarantine), read-only."""

    list_display = ('attempt', 'kind', 'status', 'next_chunk_index', 'size_bytes', 'analysis_progress',
                    'analysis_deliveries', 'analysis_error', 'modified')
    list_filter = ('status', 'kind')
    search_fields = ('attempt__user__username', 'attempt__exam__course_key')
    exclude = ('file_name',)  # storage names are not for display
    inlines = [VideoFindingInline]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Recording._meta.fields if field.name != 'file_name']

    def has_add_permission(self, request):
        return False


@admin.register(SessionFlag)
class SessionFlagAdmin(ViewOnlyAdmin):
    """Moments of in-house proctored sessions flagged for the reviewer (capture stopped, upload gaps, ...)."""

    list_display = ('attempt', 'kind', 'at', 'detail')
    list_filter = ('kind',)
    search_fields = ('attempt__user__username', 'attempt__exam__course_key')


@admin.register(PurgedItem)
class PurgedItemAdmin(ReadOnlyAdmin):
    """What the retention policy deleted for good (which item, whose attempt, why, when), never the data."""

    list_display = ('purged_at', 'kind', 'object_id', 'attempt_id', 'course_key', 'reason', 'size_bytes', 'files')
    list_filter = ('kind', 'reason')
    search_fields = ('course_key', '=attempt_id')


@admin.register(ExportRecord)
class ExportRecordAdmin(ReadOnlyAdmin):
    """Who downloaded which course file, read-only."""

    list_display = ('course_key', 'kind', 'user', 'size_bytes', 'exported_at')
    list_filter = ('kind',)
    search_fields = ('course_key', 'user__username')


@admin.register(ConsentTerms)
class ConsentTermsAdmin(ReadOnlyAdmin):
    """Every published version of each provider's terms on each site, with its whole content."""

    list_display = ('published', 'site', 'provider', 'version', 'content_sha256')
    list_filter = ('provider', 'site')


@admin.register(ConsentRecord)
class ConsentRecordAdmin(ReadOnlyAdmin):
    """Learners' answers to the terms: which version, agreed or refused, when, in which language."""

    list_display = ('created', 'user', 'exam', 'attempt', 'terms_version', 'accepted', 'language')
    list_filter = ('accepted',)
    search_fields = ('=user__username', 'exam__course_key')
    list_select_related = ('user', 'exam', 'attempt')


@admin.register(OutgoingMessage)
class OutgoingMessageAdmin(ViewOnlyAdmin):
    """The e-mails queued and sent, with the last error of one that failed (the sweep tries it again)."""

    list_display = ('name', 'email', 'send_after', 'sent_at', 'channel', 'tries', 'last_error')
    list_filter = ('name', 'channel')
    search_fields = ('email', 'key')
    exclude = ('context',)   # what the e-mail says (an exam monitor's password) is not for support's eyes
