"""Support staff see vendor calls that did not go through, and make dead ones again, in the Django admin."""
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from edx_proctoring_backend.privacy.models import ConsentRecord, ExportRecord
from edx_proctoring_backend.providers.models import ProviderCall
from tests import journeys


@pytest.fixture
def admin_client_logged_in(client, db):  # pylint: disable=unused-argument
    """A client signed in as a superuser."""
    admin = get_user_model().objects.create_superuser('support', 'support@example.com', 'secret')
    client.force_login(admin)
    return client


def dead_call(learner, make_exam):
    """A register-attempt call the vendor refused."""
    attempt = journeys.opt_in(learner, make_exam())
    return ProviderCall.objects.create(attempt=attempt, provider='null', action=ProviderCall.REGISTER_ATTEMPT,
                                       status=ProviderCall.DEAD, tries=10, last_error='vendor said 400')


def test_the_outbox_lists_dead_calls_and_requeues_them(admin_client_logged_in, learner, make_exam):
    call = dead_call(learner, make_exam)
    changelist = reverse('admin:edx_proctoring_backend_providercall_changelist')
    page = admin_client_logged_in.get(changelist, {'status__exact': 'dead'})
    assert page.status_code == 200
    assert 'vendor said 400' in page.content.decode()
    response = admin_client_logged_in.post(changelist, {'action': 'retry_now', '_selected_action': [call.pk]})
    assert response.status_code == 302
    call.refresh_from_db()
    assert (call.status, call.tries) == (ProviderCall.PENDING, 0)


@pytest.mark.parametrize('model', ['review', 'heldverdict', 'creditrecord', 'sessionflag', 'purgeditem',
                                   'exportrecord', 'consentterms', 'consentrecord'])
def test_records_of_what_happened_are_read_only(admin_client_logged_in, model):
    assert admin_client_logged_in.get(reverse(f'admin:edx_proctoring_backend_{model}_changelist')).status_code == 200
    assert admin_client_logged_in.get(reverse(f'admin:edx_proctoring_backend_{model}_add')).status_code == 403


def test_an_export_record_is_never_deleted_here(admin_client_logged_in, make_user):
    staff = make_user('staff')
    record = ExportRecord.objects.create(user=staff, course_key='course-v1:Test+Exam+2026', kind='attempts',
                                         size_bytes=10)
    page = admin_client_logged_in.get(reverse('admin:edx_proctoring_backend_exportrecord_change', args=[record.pk]))
    assert page.status_code == 200
    delete = reverse('admin:edx_proctoring_backend_exportrecord_delete', args=[record.pk])
    assert admin_client_logged_in.post(delete, {'post': 'yes'}).status_code == 403
    assert ExportRecord.objects.count() == 1


def test_learners_cannot_open_the_admin(client, learner):
    client.force_login(learner)
    response = client.get(reverse('admin:edx_proctoring_backend_providercall_changelist'))
    assert response.status_code == 302  # to the admin's sign-in page


def test_a_version_of_the_terms_and_an_answer_are_shown_whole(admin_client_logged_in, learner, make_exam):
    exam = make_exam()
    journeys.opt_in(learner, exam)
    answer = ConsentRecord.objects.get()
    page = admin_client_logged_in.get(reverse('admin:edx_proctoring_backend_consentrecord_change', args=[answer.pk]))
    assert page.status_code == 200 and 'terms_sha256' in page.content.decode()
    terms = admin_client_logged_in.get(reverse('admin:edx_proctoring_backend_consentterms_change',
                                               args=[answer.terms_id]))
    assert terms.status_code == 200 and 'identity' in terms.content.decode()
    assert admin_client_logged_in.post(reverse('admin:edx_proctoring_backend_consentrecord_delete',
                                               args=[answer.pk]), {'post': 'yes'}).status_code == 403
    assert ConsentRecord.objects.count() == 1
