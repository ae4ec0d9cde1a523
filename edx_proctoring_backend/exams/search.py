"""
Finding attempts for course staff: by learner, exam and status, newest first, one page at a time.

A page costs a constant number of queries however many attempts the course has: one for the
course's exams, one for the learners a search matches, one to count the matching attempts, one for
the page's ids and one for its rows, with their exam and learner joined in.
"""
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Q

from .models import Exam, ExamAttempt
from .statuses import AttemptStatus

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
MAX_MATCHED_LEARNERS = 500


@dataclass(frozen=True)
class Page:
    """One page of results."""

    items: list
    number: int
    page_size: int
    count: int

    @property
    def num_pages(self):
        """How many pages the matches fill (at least one)."""
        return max(1, -(-self.count // self.page_size))

    @property
    def has_next(self):
        """Whether another page follows."""
        return self.number < self.num_pages

    @property
    def has_previous(self):
        """Whether a page comes before."""
        return self.number > 1


# Longer than any username or email the platform allows (emails: 254 characters).
MAX_QUERY_LENGTH = 254


def learner_filter(query, prefix='user__'):
    """
    The condition matching a learner by ``query``: the username starting with it, or the email (an
    exact address, or its start when the query has an "@"). Case does not matter.
    """
    query = query.strip()
    if len(query) > MAX_QUERY_LENGTH:
        return Q(pk__in=[])  # longer than any username or email: nobody (and no pattern the database refuses)
    condition = Q(**{f'{prefix}username__istartswith': query})
    if '@' in query:
        condition |= Q(**{f'{prefix}email__istartswith': query})
    return condition


def find_user(identifier):
    """Return the user whose username or email is ``identifier`` (exactly, case aside), or None."""
    identifier = (identifier or '').strip()
    if not identifier or len(identifier) > MAX_QUERY_LENGTH:
        return None
    users = get_user_model().objects
    user = users.filter(username=identifier).first() or users.filter(username__iexact=identifier).first()
    if user is None and '@' in identifier:
        matches = list(users.filter(email__iexact=identifier)[:2])
        user = matches[0] if len(matches) == 1 else None  # an address two accounts share names nobody
    return user


def course_attempts(course_key, query='', exam_id=None, status=None, user=None):
    """
    The attempts at the course's special exams matching the filters, newest first, with their exam
    and learner: ``query`` matches the learner (see ``learner_filter``), ``exam_id`` one exam,
    ``status`` one status, ``user`` one learner's own attempts.

    The course's exams and the learners a query matches are looked up first (one small query each),
    so that the attempts are filtered by their own indexed columns: joined filters made the database
    sort every attempt of the course before taking a page.
    """
    exam_ids = list(Exam.objects.filter(course_key=str(course_key)).values_list('pk', flat=True))
    attempts = ExamAttempt.objects.filter(exam_id__in=exam_ids)
    if exam_id:
        attempts = attempts.filter(exam_id=exam_id)
    if status:
        if status not in AttemptStatus.ALL:
            raise ValueError(f'Unknown status {status!r}')
        attempts = attempts.filter(status=status)
    if user is not None:
        attempts = attempts.filter(user=user)
    if query and query.strip():
        matching = list(get_user_model().objects.filter(learner_filter(query, prefix=''))
                        .values_list('pk', flat=True)[:MAX_MATCHED_LEARNERS + 1])
        if len(matching) > MAX_MATCHED_LEARNERS:  # a broad query: let the database join
            attempts = attempts.filter(learner_filter(query))
        else:
            attempts = attempts.filter(user_id__in=matching)
    return attempts.select_related('exam', 'user').order_by('-pk')


def paginate(queryset, page=1, page_size=DEFAULT_PAGE_SIZE):
    """
    Return the ``Page`` number ``page`` (from 1; past the end: empty) of ``queryset`` (ordered):
    one COUNT, one query for the page's ids and one for its rows (at most ``MAX_PAGE_SIZE``).

    The ids come first because the database can order and skip them from an index alone; ordering
    whole joined rows made it sort every match of a large course before taking a page.
    """
    try:
        page_size = min(MAX_PAGE_SIZE, max(1, int(page_size)))
        page = max(1, int(page))
    except (TypeError, ValueError) as error:
        raise ValueError('The page and page size are whole numbers.') from error
    count = queryset.count()
    start = (page - 1) * page_size
    items = []
    if start < count:
        ids = list(queryset.values_list('pk', flat=True)[start:start + page_size])
        rows = {row.pk: row for row in queryset.model.objects.filter(pk__in=ids).select_related(
            *_related(queryset)).order_by()}
        items = [rows[pk] for pk in ids if pk in rows]
    return Page(items=items, number=page, page_size=page_size, count=count)


def _related(queryset):
    """The relations ``queryset`` fetches along (``select_related`` with names)."""
    related = queryset.query.select_related
    names = []

    def walk(tree, prefix=''):
        for name, below in tree.items():
            names.append(prefix + name)
            if below:
                walk(below, f'{prefix}{name}__')
    if isinstance(related, dict):
        walk(related)
    return names
