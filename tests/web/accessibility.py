"""axe-core inside the browser tests, the checks axe does not make, and the
Content-Security-Policy violations a page reports.

axe-core comes from the `axe-playwright-python` wheel (its axe.min.js), installed with the
dev dependencies: nothing is downloaded when the tests run. It is evaluated in the page
through the browser's debugging protocol, which the page's Content-Security-Policy does
not restrict, so the policy stays exactly what production sends.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import axe_playwright_python
from playwright.sync_api import Page

AXE_SCRIPT = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text("utf-8")

_UNRESOLVED_DESCRIPTIONS = """() => {
  const missing = [];
  for (const el of document.querySelectorAll("[aria-describedby]")) {
    for (const id of el.getAttribute("aria-describedby").split(/\\s+/)) {
      if (id && !document.getElementById(id)) {
        missing.push(el.outerHTML.slice(0, 160) + " -> #" + id);
      }
    }
  }
  return missing;
}"""

_META_DESCRIPTION = """() => {
  const meta = document.querySelector('meta[name="description"]');
  return meta ? meta.content.trim() : "";
}"""


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it is now, with the rules of WCAG 2.2 A and AA
    and axe's best practices."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return list(result["violations"])


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.extend(f"    {node['html'][:200]}" for node in violation["nodes"][:5])
    return "\n".join(lines)


def expect_accessible(page: Page, state: str) -> None:
    """The page as a person finds it: no axe-core violation, every aria-describedby
    resolves, and a meta description. `state` names the page state in the failure."""
    violations = axe_violations(page)
    unresolved = page.evaluate(_UNRESOLVED_DESCRIPTIONS)
    description = page.evaluate(_META_DESCRIPTION)
    problems = []
    if violations:
        problems.append(describe(violations))
    if unresolved:
        problems.append("aria-describedby points nowhere:\n    " + "\n    ".join(unresolved))
    if not description:
        problems.append("no meta description")
    assert not problems, f"{state} ({page.url}):\n" + "\n".join(problems)


_TRANSFERRED = """() => {
  const page = performance.getEntriesByType("navigation")[0];
  const files = performance.getEntriesByType("resource");
  return page.transferSize + files.reduce((total, file) => total + file.transferSize, 0);
}"""


def expect_light(page: Page, state: str, *, limit: int = 30 * 1024) -> None:
    """What the page cost to load over the network, headers included: the page itself and
    any file not already in the browser's cache (a file read from the cache costs 0)."""
    transferred = page.evaluate(_TRANSFERRED)
    assert 0 < transferred < limit, f"{state} ({page.url}): {transferred} bytes transferred"


def record_csp_violations(page: Page) -> list[str]:
    """Record what the page's Content-Security-Policy blocked (Chromium says so in the
    console): an inline script or style, another origin..."""
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    return violations
