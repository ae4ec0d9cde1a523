"""What the app keeps about a learner, for their own export (``GET .../v1/me/data``)."""
from ..exams import alternatives
from ..exams.models import Allowance, ExamAttempt
from ..providers.models import OnboardingProfile
from ..sittings.booking import bookings_of
from . import consent


def learner_data(user):
    """
    Everything this app keeps about ``user``, for their own export (JSON-ready): their attempts with
    the consent given, the media kept (kinds, sizes, dates: not the files) and who viewed them when,
    their allowances, the outcome of each review, and every answer they gave to the terms (agreed or
    refused, the content of that version), their requests for on-campus sittings, their bookings of
    sittings with every change, and the onboarding statuses the vendors last gave.
    """
    def when(moment):
        return moment.isoformat() if moment else None

    attempts = (ExamAttempt.objects.filter(user=user).select_related('exam').order_by('pk')
                .prefetch_related('consents', 'photos', 'recordings', 'reviews', 'media_views__viewer'))
    exported = []
    for attempt in attempts:
        exported.append({
            'course': attempt.exam.course_key, 'exam': attempt.exam.name, 'attempt_number': attempt.attempt_number,
            'status': attempt.status, 'started_at': when(attempt.started_at),
            'submitted_at': when(attempt.submitted_at),
            'consents': [{'terms_version': consent.terms_version, 'accepted': consent.accepted,
                          'at': when(consent.created)} for consent in attempt.consents.all()],
            'photos': [{'kind': photo.kind, 'size_bytes': photo.size, 'taken_at': when(photo.created)}
                       for photo in attempt.photos.all()],
            'recordings': [{'kind': recording.kind, 'size_bytes': recording.size_bytes, 'status': recording.status,
                            'started_at': when(recording.started)} for recording in attempt.recordings.all()],
            'reviews': [{'outcome': review.outcome, 'by_a_person': review.by_person, 'at': when(review.created)}
                        for review in attempt.reviews.all()],
            'media_views': [{'kind': view.kind, 'viewer': view.viewer.get_username() if view.viewer else None,
                             'at': when(view.viewed_at)} for view in attempt.media_views.all()],
        })
    allowances_kept = [{'course': allowance.exam.course_key, 'exam': allowance.exam.name, 'kind': allowance.kind,
                        'value': allowance.value}
                       for allowance in Allowance.objects.filter(user=user).select_related('exam').order_by('pk')]
    answers = [{'exam': answer.exam.name if answer.exam else None, 'site': answer.terms.site if answer.terms else None,
                'terms_version': answer.terms_version, 'language': answer.language, 'accepted': answer.accepted,
                'attempt_number': answer.attempt.attempt_number if answer.attempt else None,
                'at': when(answer.created), 'terms': answer.terms.content if answer.terms else None}
               for answer in consent.answers_of(user)]
    sittings = [{'course': request.exam.course_key, 'exam': request.exam.name,
                 'requested_at': when(request.requested_at), 'withdrawn_at': when(request.withdrawn_at)}
                for request in alternatives.requests_of(user)]
    bookings = [{'course': booking.exam.course_key, 'exam': booking.exam.name,
                 'sitting_starts_at': when(booking.sitting.starts_at) if booking.sitting else None,
                 'changes': [{'action': change.action, 'reason': change.reason, 'at': when(change.created)}
                             for change in booking.changes.all()]}
                for booking in bookings_of(user)]
    profiles = [{'provider': profile.provider, 'status': profile.status, 'expires_at': when(profile.expires_at),
                 'updated': when(profile.updated)}
                for profile in OnboardingProfile.objects.filter(user=user).order_by('provider')]
    return {'username': user.get_username(), 'attempts': exported, 'allowances': allowances_kept,
            'consent_answers': answers, 'on_campus_requests': sittings, 'bookings': bookings,
            'onboarding_profiles': profiles}
