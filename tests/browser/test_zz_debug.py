from .test_exam_timer import FAKE_WALL_CLOCK, start_one_minute_exam, scenario_url
import pytest
@pytest.mark.parametrize('fake', [False, True])
def test_debug(workbench, page, learner_name, orm, fake):
    page.on('pageerror', lambda e: print('STACK', e.stack))
    if fake: page.add_init_script(FAKE_WALL_CLOCK)
    try:
        start_one_minute_exam(page, scenario_url(workbench, learner_name))
    finally:
        print(page.js_errors)
