"""
Arabic, right to left, in a real browser: the exam page and the instructor dashboard read in Arabic and
their layout mirrors. Screenshots of both directions are kept (var/test-artefacts/) and checked: the ink
of the exam's title and of its first action sits on the left in English and on the right in Arabic.
"""
from io import BytesIO

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import keep_screenshot

pytestmark = pytest.mark.browser

SIXTY_MINUTES = 0
DASHBOARD = '/api/proctored-exams/dashboard/course-v1:Demo+Proctoring+Standalone'


def ink_centre(png):
    """Where the dark pixels of a screenshot sit across it: 0 at the left edge, 1 at the right."""
    image = Image.open(BytesIO(png)).convert('L')
    width, height = image.size
    pixels = image.load()
    columns = [x for x in range(width) for y in range(height) if pixels[x, y] < 128]
    assert columns, 'nothing drawn'
    return sum(columns) / len(columns) / width


def open_in(chromium, locale, url):
    """A page of a browser whose language is ``locale``, at ``url``."""
    context = chromium.new_context(locale=locale, viewport={'width': 1000, 'height': 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(url)
    return page


def test_the_exam_page_reads_in_arabic_and_mirrors(chromium, workbench, learner_name):
    url = f'{workbench}/scenario/proctored_exam.{SIXTY_MINUTES}/?student={learner_name}'
    centres = {}
    for locale in ('en-US', 'ar'):
        page = open_in(chromium, locale, url)
        root = page.locator('.proctored-exam')
        expect(root).to_have_attribute('data-state', 'choose')
        expect(root).to_have_attribute('dir', 'rtl' if locale == 'ar' else 'ltr')
        agree = page.locator('[data-action=opt_in]')
        if locale == 'ar':
            expect(agree).to_have_text('نعم، أوافق على الشروط وأريد أداء هذا الامتحان مع المراقبة عبر الإنترنت')
            expect(page.locator('.proctored-exam__terms h3')).to_contain_text('شروط المراقبة')
        keep_screenshot(page, f'exam-page-{locale}')
        box, button = root.bounding_box(), agree.bounding_box()
        right_gap = box['x'] + box['width'] - button['x'] - button['width']
        centres[locale] = (ink_centre(page.locator('.proctored-exam__title').screenshot()),
                           (button['x'] - box['x']) / box['width'], right_gap / box['width'])
        page.context.close()
    title_en, left_gap_en, _ = centres['en-US']
    title_ar, _, right_gap_ar = centres['ar']
    assert title_en < 0.4 < 0.6 < title_ar, centres      # the title starts on the left, then on the right
    assert left_gap_en < 0.05 and right_gap_ar < 0.05, centres   # so does the first action


def test_the_dashboard_reads_in_arabic_and_mirrors(chromium, live_server):
    page = open_in(chromium, 'ar', f'{live_server.url}{DASHBOARD}/allowances?student=course_staff')
    expect(page.locator('html')).to_have_attribute('dir', 'rtl')
    tabs = page.get_by_role('navigation').get_by_role('link')
    expect(tabs.first).to_have_text('التسهيلات')
    first, last = tabs.first.bounding_box(), tabs.last.bounding_box()
    assert first['x'] > last['x']   # the first tab is the rightmost
    keep_screenshot(page, 'dashboard-ar')
    page.context.close()
