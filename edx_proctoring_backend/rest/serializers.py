"""What the instructor dashboard's REST API reads and returns."""
from rest_framework import serializers

from .. import api
from ..exams.ids import MAX_ID
from ..exams.models import Allowance
from ..exams.statuses import AttemptStatus

ALLOWANCE_KINDS = [(kind, kind) for kind in Allowance.KINDS]
STAFF_STATUSES = [(AttemptStatus.SUBMITTED, AttemptStatus.SUBMITTED), (AttemptStatus.ERROR, AttemptStatus.ERROR)]
OUTCOMES = [(outcome, outcome) for outcome in api.PERSON_DECISIONS]


class ExamSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """One special exam of the course."""

    id = serializers.IntegerField()
    display_name = serializers.CharField()
    usage_key = serializers.CharField()
    exam_type = serializers.CharField()
    provider = serializers.CharField()
    time_limit_minutes = serializers.IntegerField()
    allow_opt_out = serializers.BooleanField()
    is_active = serializers.BooleanField()


class LearnerSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """A learner, as staff see them."""

    id = serializers.IntegerField()
    username = serializers.CharField()
    email = serializers.EmailField()


class AllowanceSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """An allowance in force."""

    id = serializers.IntegerField()
    exam_id = serializers.IntegerField()
    exam = serializers.CharField(source='exam.name')
    learner = LearnerSerializer(source='user')
    kind = serializers.ChoiceField(choices=ALLOWANCE_KINDS)
    value = serializers.CharField()
    granted_by = serializers.CharField(source='created_by.username', default=None)
    modified = serializers.DateTimeField()


class AllowanceChangeSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """One recorded change of an allowance."""

    id = serializers.IntegerField()
    exam_id = serializers.IntegerField()
    learner = serializers.CharField(source='user.username')
    kind = serializers.CharField()
    old_value = serializers.CharField()
    new_value = serializers.CharField()
    changed_by = serializers.CharField(source='changed_by.username', default=None)
    changed_at = serializers.DateTimeField(source='created')
    started_attempt_id = serializers.IntegerField(allow_null=True,
                                                  help_text='The attempt already started, which the change does '
                                                            'not reach (null: it applies at the next start).')


class AllowanceInputSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """Add or replace one allowance."""

    exam_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    learner = serializers.CharField(help_text='Username or email.')
    kind = serializers.ChoiceField(choices=ALLOWANCE_KINDS)
    value = serializers.CharField(help_text='Minutes (1-1440), a multiplier (1.0-10.0), or "true".')


class AllowanceValueSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """A new value for an allowance."""

    value = serializers.CharField()


class AllowanceResultSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """What a change of allowance did."""

    allowance = AllowanceSerializer(allow_null=True)
    changed = serializers.BooleanField()
    started_attempt_id = serializers.IntegerField(allow_null=True)
    message = serializers.CharField()


class BulkAllowanceInputSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """The same allowance for every learner of a list (CSV text or an uploaded CSV file)."""

    exam_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    kind = serializers.ChoiceField(choices=ALLOWANCE_KINDS)
    value = serializers.CharField()
    learners = serializers.CharField(required=False, allow_blank=True,
                                     help_text='Usernames or emails, one per line (or the first CSV column).')
    file = serializers.FileField(required=False, help_text='A CSV file of usernames or emails.')


class BulkRowSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """One line of a bulk allowance."""

    identifier = serializers.CharField()
    outcome = serializers.ChoiceField(choices=[(name, name) for name in
                                               ('added', 'updated', 'unchanged', 'unknown_learner')])
    username = serializers.CharField(source='user.username', default=None)
    started_attempt_id = serializers.IntegerField(source='started_attempt.pk', default=None)


class TransitionSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """One change of an attempt's status."""

    from_status = serializers.CharField(allow_null=True)
    to_status = serializers.CharField()
    changed_by = serializers.CharField(source='changed_by.username', default=None)
    reason = serializers.CharField()
    at = serializers.DateTimeField(source='created')


class LearnerTransitionSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """One change of an attempt's status, as its learner sees it."""

    from_status = serializers.CharField(allow_null=True)
    to_status = serializers.CharField()
    at = serializers.DateTimeField(source='created')


class AttemptSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """An attempt, as the list shows it."""

    id = serializers.IntegerField()
    exam_id = serializers.IntegerField()
    exam = serializers.CharField(source='exam.name')
    exam_type = serializers.CharField(source='exam.exam_type')
    learner = LearnerSerializer(source='user')
    attempt_number = serializers.IntegerField()
    status = serializers.CharField()
    taking_as_proctored = serializers.BooleanField()
    extra_minutes = serializers.IntegerField()
    time_multiplier = serializers.FloatField()
    started_at = serializers.DateTimeField(allow_null=True)
    deadline = serializers.DateTimeField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    submit_reason = serializers.CharField()
    created = serializers.DateTimeField()


class AttemptDetailSerializer(AttemptSerializer):  # pylint: disable=abstract-method
    """An attempt with its whole status history."""

    history = TransitionSerializer(many=True)
    exam_code_failures = serializers.IntegerField(help_text='Wrong exam codes given for the attempt.')
    exam_code_locked = serializers.BooleanField(help_text='Locked by wrong exam codes until staff unlock it.')


class AttemptPageSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """One page of attempts."""

    count = serializers.IntegerField()
    page = serializers.IntegerField(source='number')
    num_pages = serializers.IntegerField()
    page_size = serializers.IntegerField()
    results = AttemptSerializer(many=True, source='items')


class ReasonSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """Why staff act on an attempt."""

    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)


class AttemptStatusInputSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """Mark a stuck attempt as submitted or errored."""

    status = serializers.ChoiceField(choices=STAFF_STATUSES)
    reason = serializers.CharField(max_length=200)


class DecisionInputSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """A person's review decision; ``second_review`` escalates."""

    outcome = serializers.ChoiceField(choices=OUTCOMES)
    comment = serializers.CharField(required=False, allow_blank=True,
                                    help_text='Required unless the outcome is satisfactory.')


class MomentSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """A flagged moment of a session: a suggested video moment, an interruption, a vendor remark."""

    kind = serializers.CharField()
    source = serializers.CharField()
    start_s = serializers.FloatField(required=False, allow_null=True)
    end_s = serializers.FloatField(required=False, allow_null=True)
    at = serializers.DateTimeField(required=False)
    text = serializers.CharField(allow_blank=True)


class QueueEntrySerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """An attempt awaiting a person's decision."""

    attempt = AttemptSerializer()
    why = serializers.CharField()
    moments = MomentSerializer(many=True)


class PracticeSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """A learner's practice exam."""

    exam = ExamSerializer()
    attempts = serializers.IntegerField()
    status = serializers.CharField(source='attempt.status', default=None)
    result = serializers.CharField(allow_null=True)


class OnboardingSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """A learner's onboarding with one provider."""

    provider = serializers.CharField()
    verbose_name = serializers.CharField()
    status = serializers.CharField(allow_null=True)


class ReadinessSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """How ready a learner is for the course's proctored exams."""

    learner = LearnerSerializer(source='user')
    practice = PracticeSerializer(many=True)
    onboarding = OnboardingSerializer(many=True)


class ErrorSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """An error: a code for programs, a message for people."""

    code = serializers.CharField()
    message = serializers.CharField()
