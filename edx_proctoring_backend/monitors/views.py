"""
The exam monitor's report page, reached through the signed link of their e-mails: no account, no
sign-in. GET shows the form (or says the link is no longer valid), POST files the report.
"""
from datetime import time

from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from .. import api, page_headers
from ..lms.pages import page_frame

TEMPLATE = 'edx_proctoring_backend/monitor_report.html'


def _time_or_none(text):
    """A time of day as a form sends it (``14:05``), None for ''; ValueError for anything else."""
    text = (text or '').strip()
    return time.fromisoformat(text) if text else None


@method_decorator([never_cache, csrf_protect], name='dispatch')
class MonitorReportView(View):
    """GET: the monitor's report form for a learner's exam; POST: file it (filing again replaces it)."""

    def _page(self, request, status=200, **context):
        response = render(request, TEMPLATE, {**page_frame(), **context}, status=status)
        # The token is in the address: it must not leave in a Referer, and nobody frames the form.
        response['Referrer-Policy'] = 'no-referrer'
        return page_headers.protect(response, page_headers.DASHBOARD)

    def _target(self, request, token):
        try:
            return api.monitor_report_target(token)
        except api.NotAllowed:
            return None

    def get(self, request, token, errors=(), form=None, status=200):
        """The form, filled with the report already filed, if any."""
        target = self._target(request, token)
        if target is None:
            return self._page(request, status=404, invalid=True)
        nomination, exam, attempt = target
        report = api.monitor_report_of(attempt) if attempt is not None else None
        if form is None and report is not None:
            form = {'began_at': report.began_at.strftime('%H:%M') if report.began_at else '',
                    'ended_at': report.ended_at.strftime('%H:%M') if report.ended_at else '',
                    'present_throughout': report.present_throughout, 'incidents': report.incidents}
        return self._page(request, status=status, nomination=nomination, exam=exam, taken=bool(
            attempt and attempt.started_at), errors=errors, form=form or {'present_throughout': True},
            filed=report is not None and request.GET.get('filed') == '1')

    def post(self, request, token):
        """File the report, or show the form again with what is wrong."""
        target = self._target(request, token)
        if target is None:
            return self._page(request, status=404, invalid=True)
        nomination, _, attempt = target
        form = {name: request.POST.get(name, '') for name in ('began_at', 'ended_at', 'incidents')}
        form['present_throughout'] = request.POST.get('present_throughout') == 'yes'
        try:
            began, ended = _time_or_none(form['began_at']), _time_or_none(form['ended_at'])
        except ValueError:
            return self.get(request, token, errors=[gettext('Enter the times as hours and minutes, e.g. 14:05.')],
                            form=form, status=400)
        if len(form['incidents']) > 5000:
            return self.get(request, token, errors=[gettext('Describe the incidents in at most 5000 characters.')],
                            form=form, status=400)
        try:
            api.file_monitor_report(nomination, attempt, began, ended, form['present_throughout'], form['incidents'])
        except api.NotAllowed:
            return self.get(request, token, errors=[gettext('The learner has not taken the exam yet: report once '
                                                            'they have.')], form=form, status=409)
        return HttpResponseRedirect(f'{request.path}?filed=1')   # a reload sends nothing twice
