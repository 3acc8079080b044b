import os
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by the
# test itself (fixtures) are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    # Called with every test of the session, not only this folder's. The browser tests run on
    # Postgres only: the SQLite run proves the quick start's database, not the browser.
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.postgres)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="sv-SE")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def demo(transactional_db):
    from django.core.management import call_command

    call_command("demo_data", stdout=open(os.devnull, "w"))


def log_in(page, email, password="demo-losen-2026"):
    page.goto("/konto/login/")
    page.get_by_label("E-post").fill(email)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in").click()


# journeys and accessibility: fixtures and helpers

# The axe-core that `make axe` unpacks from the npm registry (one pinned version).
AXE_JS = Path(__file__).resolve().parents[2] / "var" / "axe-core-4.14.1" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PASSWORD = "demo-losen-2026"


@pytest.fixture
def team(transactional_db):
    """A public group with Anne (facilitator), Barbro, Eva and Tina, each with a login.

    Smaller than the demo, so that a journey starts in a fraction of the time.
    """
    from groupwork.models import Membership, Person
    from tests.factories import make_group, make_user

    group = make_group(
        "Föräldragruppen",
        slug="foraldragruppen",
        is_public=True,
        description="Föräldrar och socialtjänst arbetar sida vid sida.",
    )
    people = {}
    for first_name, role, represents in [
        ("Anne", Membership.Role.FACILITATOR, "Socialförvaltningen"),
        ("Barbro", Membership.Role.MEMBER, "Föräldrarepresentant"),
        ("Eva", Membership.Role.MEMBER, "Familjehemsavdelningen"),
        ("Tina", Membership.Role.MEMBER, "Föräldrarepresentant"),
    ]:
        user = make_user(f"{first_name.lower()}@exempel.se", password=PASSWORD)
        person = Person.objects.create(first_name=first_name, user=user)
        Membership.objects.create(group=group, person=person, role=role, represents=represents)
        people[first_name] = person
    return SimpleNamespace(group=group, **people)


@pytest.fixture
def browser_context(browser, live_server):
    """new_context() for a second person (or a logged-out visitor) beside `page`."""
    contexts = []

    def new_context():
        context = browser.new_context(base_url=live_server.url, locale="sv-SE")
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield new_context
    for context in contexts:
        context.close()


def assert_accessible(page):
    """axe-core finds no WCAG 2.1 A or AA violation on the page as it is now.

    Evaluated rather than added as a script tag: the site's CSP allows only its own scripts.
    """
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run `make axe` (make test does it).")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text())
    violations = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {
                runOnly: {type: "tag", values: tags}, resultTypes: ["violations"],
            });
            return result.violations.map((v) => ({
                id: v.id, help: v.help,
                nodes: v.nodes.map((n) => n.target.join(" ") + " " + n.failureSummary),
            }));
        }""",
        WCAG_21_AA,
    )
    report = "\n".join(
        f"{v['id']}: {v['help']}\n  " + "\n  ".join(v["nodes"]) for v in violations
    )
    assert not violations, f"axe on {page.url}:\n{report}"


def tab_to(page, locator, limit=250):
    """Press Tab until the locator's element has the focus, as a keyboard user would.

    Every element passed on the way must show where the focus is (an outline or a shadow).
    """
    handle = locator.element_handle()
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => {
                const element = document.activeElement, style = getComputedStyle(element);
                // On the calendar button inside a date input the input itself has no :focus;
                // Chromium draws its own ring around the button.
                const pickerButton = /^(date|datetime-local|time)$/.test(element.type)
                    && !element.matches(":focus");
                return {
                    visible: style.outlineStyle !== "none" || style.boxShadow !== "none"
                        || pickerButton,
                    html: element.outerHTML.slice(0, 120),
                };
            }"""
        )
        assert focused["visible"], f"no visible focus on {focused['html']} ({page.url})"
        if handle.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{locator} is not reachable with Tab ({limit} presses)")
