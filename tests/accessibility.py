"""axe-core (vendored from npm in tests/browser_vendor) run in a page under test."""

from pathlib import Path

AXE = Path(__file__).parent / "browser_vendor" / "axe.min.js"


def axe_findings(page) -> list[str]:
    """The serious and critical WCAG 2.2 AA violations axe finds on the page as it is now.

    axe is added as a script: the page's context must bypass its CSP."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async () => (await axe.run(document, {runOnly: {type: 'tag', values:
            ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})).violations
            .filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"""
    )
    return list(found)
