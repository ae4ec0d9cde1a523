"""The demo signs the browser in as the workbench's learner, so the app's own endpoints see the same person."""
from django.contrib.auth import get_user_model
from django.urls import reverse

QUEUE = reverse('edx_proctoring_backend:review-queue')


def signed_in_as(client):
    user_id = client.session.get('_auth_user_id')
    return get_user_model().objects.get(pk=user_id).username if user_id else None


def test_the_student_named_in_the_address_is_signed_in(client, db):  # pylint: disable=unused-argument
    client.get('/', {'student': 'alice'})
    assert signed_in_as(client) == 'alice'
    client.get('/')  # no name: the browser stays who it was
    assert signed_in_as(client) == 'alice'
    client.get('/', {'student': 'bob'})
    assert signed_in_as(client) == 'bob'
    assert client.get(QUEUE).status_code == 403  # learners do not review


def test_the_demo_staff_may_review_and_nobody_else_keeps_staff_rights(client, db):  # pylint: disable=unused-argument
    assert client.get(QUEUE, {'student': 'staff'}).status_code == 200
    assert get_user_model().objects.get(username='staff').is_staff
    get_user_model().objects.create(username='carol', is_staff=True)
    client.get('/', {'student': 'carol'})
    assert not get_user_model().objects.get(username='carol').is_staff
