"""
A short-answer exam question. It saves the learner's answer as they type, and only while the
enclosing exam accepts answers: a save that reaches the server after the deadline (plus a short
grace) is refused with a clear message, and everything saved before stays.
"""
import json

from web_fragments.fragment import Fragment
from webob import Response
from xblock.core import XBlock
from xblock.fields import Float, Scope, String

from edx_proctoring_backend import api

from . import views
from .resources import read_static

MAX_ANSWER_LENGTH = 10000


@XBlock.needs('i18n')
@XBlock.needs('user')
class ExamQuestionBlock(XBlock):
    """A question inside a proctored or timed exam, graded by exact match when a correct answer is set."""

    prompt = String(default='', scope=Scope.content)
    correct = String(default='', scope=Scope.content)
    weight = Float(default=1.0, scope=Scope.settings)
    answer = String(default='', scope=Scope.user_state)

    has_score = True

    def i18n(self):
        """The runtime's i18n service."""
        return self.runtime.service(self, 'i18n')

    def gettext(self, message):
        """Translate through the runtime's i18n service."""
        return self.i18n().gettext(message)

    def max_score(self):
        """The points this question is worth."""
        return self.weight

    def student_view(self, context=None):  # pylint: disable=unused-argument
        """The prompt and an answer box that saves itself."""
        _ = self.gettext
        fragment = Fragment(views.render_template(
            'question.html', self.i18n(), prompt=self.prompt, answer=self.answer,
            block_id=str(self.scope_ids.usage_id)))
        fragment.add_javascript(read_static('js/exam_question.js'))
        fragment.initialize_js('ExamQuestionBlock', {
            'save': self.runtime.handler_url(self, 'save_answer'),
            'messages': {'saved': _("Saved"), 'saving': _("Saving…"), 'failed': _("Not saved")},
        })
        return fragment

    def _exam_block(self):
        parent = self.get_parent()
        return parent if parent is not None and hasattr(parent, 'assert_answers_accepted') else None

    def exam_score(self):
        """(earned, possible) points of the saved answer, or None when the question has no correct answer."""
        if not self.correct:
            return None
        right = self.answer.strip().lower() == self.correct.strip().lower()
        return (self.weight if right else 0.0), self.weight

    @XBlock.handler
    def save_answer(self, request, suffix=''):  # pylint: disable=unused-argument
        """Save the learner's answer if the exam still accepts answers."""
        messages = views.error_messages(self.gettext)
        try:
            data = json.loads(request.body.decode('utf-8') or '{}')
            answer = str(data['answer'])[:MAX_ANSWER_LENGTH]
        except (UnicodeDecodeError, ValueError, KeyError, TypeError):
            return self._json({'error': 'invalid_json', 'message': messages['invalid_json']}, 400)
        exam_block = self._exam_block()
        if exam_block is not None:
            user = exam_block.current_django_user()
            if user is None:
                return self._json({'error': 'not_signed_in', 'message': messages['not_signed_in']}, 403)
            try:
                exam_block.assert_answers_accepted(user)
            except api.AnswersClosed as error:
                return self._json({'error': error.code, 'message': messages[error.code]}, 409)
        self.answer = answer
        score = self.exam_score()
        if score is not None:
            self.runtime.publish(self, 'grade', {'value': score[0], 'max_value': score[1]})
        return self._json({'success': True, 'answer': self.answer})

    @staticmethod
    def _json(payload, status=200):
        return Response(json.dumps(payload), status=status, content_type='application/json', charset='utf-8')
