"""
What course authors see of an exam in Studio: its summary, its content as a container with Studio's
own controls to add and reorder components, and the problems to fix before publishing.
"""
from web_fragments.fragment import Fragment
from xblock.validation import ValidationMessage

from edx_proctoring_backend import api

from . import views

# Block types that group content; anything else beside the exam in its subsection is content.
UNIT_TYPES = ('vertical', 'vertical_demo')
SUBSECTION_TYPE = 'sequential'


def is_container_page(block, context):
    """True on the exam's own Studio page (Studio's "View"), where its content is edited."""
    root = (context or {}).get('root_xblock')
    return root is not None and root.scope_ids.usage_id == block.scope_ids.usage_id


def author_view(block, context):
    """
    The exam in Studio. On its own page: the summary and the content, which Studio's container
    template wraps with the "add new component" controls (the ``mako`` service is Studio's). On the
    unit page: the summary, and how much content the exam holds.
    """
    context = dict(context or {})
    container_page = is_container_page(block, context)
    fragment = Fragment()
    fragment.add_content(views.render_template(
        'author.html', block.i18n(), summary=summary(block), content_count=len(block.children),
        container_page=container_page))
    if container_page and block.runtime.service(block, 'mako') is not None:
        block.render_children(context, fragment, can_reorder=True, can_add=True)
    elif container_page or context.get('root_xblock') is None:
        # A runtime without Studio's templates (the workbench): the content as learners would see it.
        for child in block.visible_children():
            view = 'author_view' if hasattr(child, 'author_view') else 'student_view'
            child_fragment = block.runtime.render_child(child, view, context)
            fragment.add_fragment_resources(child_fragment)
            fragment.add_content(child_fragment.body_html())
    return fragment


def summary(block):
    """The exam's type, time limit and provider, translated, for the author."""
    _ = block.gettext
    types = dict(views.exam_type_labels(_))
    parts = [types.get(block.exam_type, block.exam_type),
             _("Time limit (minutes)") + f': {int(block.time_limit_minutes or 0)}']
    if block.exam_type != api.ExamType.TIMED:
        parts.append(_("Proctoring provider") + f': {block.provider_label()}')
    return ' · '.join(parts)


def validation_messages(block):
    """(ValidationMessage type, translated text) of every problem of the exam's set-up, worst first."""
    _ = block.gettext
    messages = []
    settings = block.exam_settings()
    for place in ('subsection_key', 'alone_in_subsection'):
        settings.pop(place)
    # The exam closes at its due date: one before the opening is found here, not by a failed publish.
    settings['closes_at'] = settings.pop('due_date')
    try:
        cleaned = api.validate_exam_settings(**settings)
    except api.InvalidExamSettings as error:
        messages.extend((ValidationMessage.ERROR, views.settings_error_text(_, field, text))
                        for field, text in error.errors.items())
    else:
        if block.exam_type != api.ExamType.TIMED and not api.provider_records(cleaned['provider']):
            messages.append((ValidationMessage.WARNING, _(
                "This exam's proctoring provider records nothing: nobody can review how learners take it.")))
    if not block.children:
        messages.append((ValidationMessage.WARNING, _(
            "This exam has no content yet: open it and add the problems, text or videos learners answer.")))
    if shares_subsection(block):
        messages.append((ValidationMessage.WARNING, _(
            "This exam shares its subsection with other content. The platform's grade override, completion "
            "and reset act on the whole subsection: give the exam a subsection of its own.")))
    return messages


def shares_subsection(block):
    """True when the exam's subsection holds anything besides the exam (other units, other components)."""
    chain, parent = [], block.get_parent()
    while parent is not None and parent.scope_ids.block_type in UNIT_TYPES:
        chain.append(parent)
        parent = parent.get_parent()
    if parent is None or parent.scope_ids.block_type != SUBSECTION_TYPE:
        return False  # not in a course outline (the workbench): no subsection to share
    return any(len(node.children) > 1 for node in [*chain, parent])
