"""The workbench's URLs plus the proctoring app's, mounted where the LMS plugin mounts them."""
from django.urls import include, path, re_path
from workbench.urls import urlpatterns as workbench_urlpatterns

from demo import answers, exam_links, mailbox

urlpatterns = [
    path('api/proctored-exams/', include('edx_proctoring_backend.urls', namespace='edx_proctoring_backend')),
    # The e-mails the demo sent (demo/mailbox.py), and where their links to an exam lead.
    path('demo/mail/', mailbox.mailbox, name='demo-mailbox'),
    path('demo/mail/<str:name>', mailbox.message, name='demo-mail-message'),
    path('demo/mail/<str:name>/html', mailbox.message_html, name='demo-mail-html'),
    path('demo/exam/<str:usage_key>', exam_links.exam_page, name='demo-exam'),
    # Before the workbench's own: calls to an exam's content are held to the learner's attempt, as the
    # LMS's per-learner dates hold them (demo/answers.py).
    re_path(r'^handler/(?P<usage_id>[^/]+)/(?P<handler_slug>[^/]*)(?:/(?P<suffix>.*))?$', answers.handler,
            {'authenticated': True}, name='handler'),
    re_path(r'^unauth_handler/(?P<usage_id>[^/]+)/(?P<handler_slug>[^/]*)(?:/(?P<suffix>.*))?$', answers.handler,
            {'authenticated': False}, name='unauth_handler'),
    *workbench_urlpatterns,
]
