"""
The accessibility audit of the browser tests: axe-core (the copy the ``axe-playwright-python`` package
ships) run in the page with the WCAG 2.0, 2.1 and 2.2 A and AA rules, over the package's own markup.
"""
from pathlib import Path

import axe_playwright_python

# The languages every audit runs in: the catalogues' and one written right to left.
LOCALES = ('en-US', 'fr', 'nl', 'ar')
AXE_SCRIPT = Path(axe_playwright_python.__file__).with_name('axe.min.js')
WCAG_AA_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa']

# Evaluated in the page: axe's violations inside the elements the selector matches, each with the
# rule, its impact and the offending markup.
RUN_AXE = """async ([selector, tags]) => {
    const results = await axe.run({include: Array.from(document.querySelectorAll(selector))},
                                  {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
    return results.violations.map(violation => ({
        rule: violation.id, impact: violation.impact, help: violation.help,
        nodes: violation.nodes.map(node => node.html.slice(0, 300) + '  ' + node.failureSummary)
    }));
}"""


def axe_violations(page, selector='body'):
    """
    The WCAG 2.2 A and AA violations axe-core finds in ``page`` within ``selector`` (the package's own
    markup: the block's root in a host page, the whole body of the package's own pages).
    """
    if not page.evaluate('() => typeof axe !== "undefined"'):
        page.add_script_tag(path=str(AXE_SCRIPT))
    assert page.locator(selector).count(), f'nothing to audit: no {selector} on {page.url}'
    return page.evaluate(RUN_AXE, [selector, WCAG_AA_TAGS])


def describe(violations):
    """The violations, one per paragraph, for an assertion's message."""
    return '\n\n'.join(f"{item['rule']} ({item['impact']}): {item['help']}\n  " + '\n  '.join(item['nodes'])
                       for item in violations)


def assert_accessible(page, selector='body', where=''):
    """Fail with axe-core's findings when ``page`` has any WCAG 2.2 AA violation within ``selector``."""
    violations = axe_violations(page, selector)
    assert not violations, f'{where or page.url}:\n{describe(violations)}'


class Audit:
    """
    A page in a browser context of its own in one language (dialogs such as "End your exam?" answered
    yes), and what axe-core found on it at each ``check``; ``close`` fails with all of it.
    """

    def __init__(self, browser, locale, cookies=()):
        self.context = browser.new_context(locale=locale, viewport={'width': 1000, 'height': 900})
        self.context.set_default_timeout(15_000)
        if cookies:
            self.context.add_cookies(list(cookies))
        self.page = self.context.new_page()
        self.page.on('dialog', lambda dialog: dialog.accept())
        self.locale = locale
        self.found = []

    def check(self, where, selector='body'):
        """Audit the page as it is now, within ``selector`` (``where`` names the state in the report)."""
        violations = axe_violations(self.page, selector)
        if violations:
            self.found.append(f'--- {where} [{self.locale}] {self.page.url}\n{describe(violations)}')

    def close(self):
        """Close the context; fail with everything found."""
        self.context.close()
        assert not self.found, '\n\n'.join(self.found)
