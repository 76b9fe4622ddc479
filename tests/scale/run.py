"""make test-scale: Comptoir scaled out on one machine, driven over HTTP, then checked in the database.

A fresh PostgreSQL database, production settings, Redis, two `qcluster` processes and gunicorn with two
workers. A guest buys a service in the sandbox (its webhook is delivered by a worker over HTTP), a customer
orders cash on delivery, staff run a background import; then the database must hold exactly one payment,
one service request, one confirmation e-mail sent, one order and one finished import job, and gunicorn's
access log exactly one webhook delivery. Run it with `make test-scale` (python -m tests.scale.run).
Every process is stopped and the database dropped at the end, pass or fail. Exits 1 on any mismatch.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import psycopg
import redis
import requests
import requests.adapters

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
DATABASE_URL = os.environ.get("SCALE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/comptoir_scale")
REDIS_URL = os.environ.get("SCALE_REDIS_URL", "redis://127.0.0.1:6379/13")
PASSWORD = "scale-check-Pa55"
IMPORT_ROWS = 50  # above IMPORT_BACKGROUND_THRESHOLD below, so the admin hands the file to a worker
WAIT_SECONDS = 60


class Mismatch(Exception):
    pass


# --- processes and the database


def settings_env(port: int, tmp: Path) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "project.settings.production",
        "SECRET_KEY": "scale-check-" + os.urandom(16).hex(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "SECURE_SSL_REDIRECT": "false",  # no TLS proxy in front: plain HTTP on the loopback
        "SITE_URL": f"http://127.0.0.1:{port}",
        "PAYMENT_SANDBOX_ENABLED": "true",
        "SANDBOX_WEBHOOK_SECRET": os.urandom(16).hex(),
        "IMPORT_BACKGROUND_THRESHOLD": "10",
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        "STATIC_ROOT": str(tmp / "static"),
        "MEDIA_ROOT": str(tmp / "media"),
        "PRIVATE_MEDIA_ROOT": str(tmp / "private"),
    }


def admin_sql(statement: str) -> None:
    """Run one statement on the server's maintenance database (CREATE/DROP DATABASE cannot run in ours)."""
    with psycopg.connect(re.sub(r"/[^/]*$", "/postgres", DATABASE_URL), autocommit=True) as conn:
        conn.execute(statement)


def database_name() -> str:
    return urlsplit(DATABASE_URL).path.lstrip("/")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(name: str, args: list[str], logs: Path) -> subprocess.Popen:
    """A process in its own group, so that stop() can end its children (qcluster's workers) too."""
    with open(logs / f"{name}.log", "wb") as log:
        return subprocess.Popen([PYTHON, *args], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)


def run(args: list[str], logs: Path, name: str) -> None:
    with open(logs / f"{name}.log", "wb") as log:
        if subprocess.run([PYTHON, *args], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT).returncode:
            raise Mismatch(f"{' '.join(args)} failed: see {logs / name}.log")


def stop(processes: list[subprocess.Popen]) -> None:
    # SIGTERM to the parent only: qcluster and gunicorn stop their own children in a few seconds, whereas
    # a qcluster whose children get the signal too hangs
    for process in processes:
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + 20
    for process in processes:
        try:
            process.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(process.pid, signal.SIGKILL)  # the whole group: a child may outlive its parent
        except ProcessLookupError:
            pass
        process.wait()


STARTED = time.monotonic()


def say(message: str) -> None:
    print(f"test-scale [{time.monotonic() - STARTED:3.0f} s] {message}", flush=True)


def wait_for(what: str, check, timeout: float = WAIT_SECONDS, every: float = 0.5):
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise Mismatch(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(every)


# --- a small browser: cookies, forms as the page defines them


@dataclass
class Form:
    action: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    buttons: list[tuple[str, str]] = field(default_factory=list)

    def names(self) -> set[str]:
        return {name for name, _value in self.fields + self.buttons}


class FormParser(HTMLParser):
    """The forms of a page, each with the values a browser would submit by default."""

    def __init__(self):
        super().__init__()
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: list | None = None  # [name, first value, selected value]
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = Form(attrs.get("action") or "")
            self.forms.append(self._form)
        if self._form is None or "disabled" in attrs:
            return
        name, value = attrs.get("name"), attrs.get("value") or ""
        kind = (attrs.get("type") or "text").lower()
        if tag == "button" and name:
            self._form.buttons.append((name, value))
        elif tag == "input" and name:
            if kind in ("submit", "image"):
                self._form.buttons.append((name, value))
            elif kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self._form.fields.append((name, value or "on"))
            elif kind not in ("file", "button", "reset"):
                self._form.fields.append((name, value))
        elif tag == "select" and name:
            self._select = [name, None, None]
        elif tag == "option" and self._select:
            self._select[1] = value if self._select[1] is None else self._select[1]
            if "selected" in attrs:
                self._select[2] = value
        elif tag == "textarea" and name:
            self._textarea = name
            self._form.fields.append((name, ""))

    def handle_data(self, data):
        if self._textarea and self._form:
            name, text = self._form.fields.pop()
            self._form.fields.append((name, text + data))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select and self._form:
            name, first, selected = self._select
            self._form.fields.append((name, selected if selected is not None else first or ""))
            self._select = None
        elif tag == "textarea":
            self._textarea = None


class _BehindTls(requests.adapters.HTTPAdapter):
    """Plays the TLS proxy that production has in front: cookies marked Secure (all of production's) come back
    over plain HTTP here, as a browser sends them back over HTTPS there."""

    def build_response(self, req, resp):
        headers = resp._original_response.msg  # where requests reads the cookies from
        cookies = headers.get_all("Set-Cookie") or []
        del headers["Set-Cookie"]
        for cookie in cookies:
            headers["Set-Cookie"] = re.sub(r";\s*secure(?=;|$)", "", cookie, flags=re.IGNORECASE)
        return super().build_response(req, resp)


class Browser:
    def __init__(self, base: str):
        self.base = base
        self.http = requests.Session()
        self.http.mount("http://", _BehindTls())

    def get(self, path: str, **kwargs) -> requests.Response:
        return self._checked(self.http.get(urljoin(self.base, path), timeout=30, **kwargs))

    def submit(self, page: requests.Response, having: str = "", values: dict | None = None, button: str = "",
               action: str = "", files: dict | None = None) -> requests.Response:
        """Submit, as a browser would, the page's first form with a field (or button) named `having` or
        whose action matches the regular expression `action`; `values` replace the form's own."""
        parser = FormParser()
        parser.feed(page.text)
        form = next((form for form in parser.forms
                     if having in form.names() or action and re.fullmatch(action, form.action)), None)
        if form is None:
            raise Mismatch(f"{page.url}: no form with a field {having!r} or an action {action!r}")
        values = values or {}
        data = [(name, value) for name, value in form.fields if name not in values] + list(values.items())
        if button:
            data += [pair for pair in form.buttons if pair[0] == button][:1]
        url = urljoin(page.url, form.action or page.url)
        return self._checked(self.http.post(url, data=data, files=files, timeout=30))

    @staticmethod
    def _checked(response: requests.Response) -> requests.Response:
        if response.status_code >= 400:
            raise Mismatch(f"{response.request.method} {response.url} answered {response.status_code}")
        return response

    def sign_in(self, path: str, email: str) -> requests.Response:
        """Open a page that needs an account: the login page comes first, then the page itself."""
        page = self.get(path)
        if "/accounts/login/" not in page.url:
            raise Mismatch(f"{path} did not ask to sign in")
        page = self.submit(page, "login", {"login": email, "password": PASSWORD})
        if urlsplit(page.url).path != urlsplit(urljoin(self.base, path)).path:
            raise Mismatch(f"signing in as {email} landed on {page.url}")
        return page


def link(page: requests.Response, pattern: str) -> str:
    match = re.search(rf'href="({pattern})"', page.text)
    if match is None:
        raise Mismatch(f"{page.url}: no link matching {pattern}")
    return match.group(1).replace("&amp;", "&")


# --- the data and the journeys


def seed() -> dict:
    """Minimal data (seed_demo refuses production settings): a seller with a service, a product, two people."""
    from djmoney.money import Money

    from tests import factories

    vendor = factories.VendorFactory(name="Scale Market", slug="scale-market")
    category = factories.ServiceCategoryFactory(name="Home", slug="home")
    service = factories.ServiceFactory(vendor=vendor, category=category, name="Scale check", slug="scale-check",
                                       base_price=Money(150000, "GNF"))
    factories.ServiceTierFactory(service=service, name="Standard", price=Money(150000, "GNF"))
    kettle = factories.ProductFactory(vendor=vendor, category=category, name="Scale kettle", slug="scale-kettle",
                                      price=Money(90000, "GNF"), stock=5)
    factories.ProductImageFactory(product=kettle)
    buyer = factories.UserFactory(email="buyer@scale.example", password=PASSWORD)
    staff = factories.UserFactory(email="staff@scale.example", password=PASSWORD, is_staff=True,
                                  is_superuser=True)
    return {"buyer": buyer.email, "staff": staff.email, "vendor": vendor.slug, "category": category.slug}


def buy_service_in_the_sandbox(base: str) -> str:
    """A guest picks the service, fills the form, pays on the sandbox page; returns the request reference."""
    guest = Browser(base)
    detail = guest.get(link(guest.get("/services/"), r"/services/scale-check/"))
    form = guest.get(link(detail, r"/services/scale-check/buy/\?tier=\d+"))
    sandbox = guest.submit(form, "full_name", {
        "full_name": "Mariam Sylla", "email": "mariam@scale.example", "phone": "+224 620 11 22 33",
        "requirements": "Check under load", "gateway": "sandbox"})
    if "/payments/sandbox/" not in sandbox.url:
        raise Mismatch(f"the purchase form led to {sandbox.url}, not the sandbox")
    waiting = guest.submit(sandbox, "decision", button="decision")  # its first button: Pay
    # the return page redirects to the confirmation once the worker's webhook has completed the payment
    done = wait_for("the sandbox webhook", lambda: _redirected(guest, waiting.url))
    match = re.search(r'data-testid="reference"[^>]*>\s*([^<\s]+)', guest.get(done).text)
    if match is None:
        raise Mismatch(f"{done}: no reference on the confirmation page")
    return match.group(1)


def _redirected(browser: Browser, url: str) -> str | None:
    response = browser.get(url, allow_redirects=False)
    return response.headers["Location"] if response.status_code == 302 else None


def product_photo_loads(base: str) -> str:
    """The shop's product card shows the photo, served by the app itself with DEBUG off (no proxy here)."""
    visitor = Browser(base)
    match = re.search(r'<img src="(/media/products/[^"]+)"', visitor.get("/shop/").text)
    if match is None:
        raise Mismatch("the shop page shows no product photo")
    photo = visitor.get(match.group(1))
    if not photo.headers.get("Content-Type", "").startswith("image/"):
        raise Mismatch(f"{match.group(1)} answered {photo.headers.get('Content-Type')}")
    return match.group(1)


def order_cash_on_delivery(base: str, email: str) -> str:
    buyer = Browser(base)
    buyer.submit(buyer.get("/shop/"), action=r"/cart/add/\d+/")
    checkout = buyer.sign_in("/checkout/", email)
    done = buyer.submit(checkout, "payment_method", {"delivery_mode": "pickup",
                                                     "payment_method": "cash_on_delivery", "action": "place"})
    match = re.search(r"/checkout/([^/]+)/done/$", done.url)
    if match is None:
        raise Mismatch(f"placing the order led to {done.url}")
    return match.group(1)


def import_in_the_background(base: str, email: str, vendor: str, category: str) -> int:
    """Staff upload a product file above the threshold; a worker checks it, staff confirm, a worker imports."""
    from apps.dataio.samples import product_rows, to_csv

    staff = Browser(base)
    page = staff.sign_in("/admin/catalog/product/import/", email)
    csv = to_csv(product_rows(IMPORT_ROWS, vendor=vendor, category=category, prefix="imported"))
    job_page = staff.submit(page, "format", {"format": "0"},  # CSV, the first of IMPORT_EXPORT_FORMATS
                            files={"import_file": ("products.csv", csv, "text/csv")})
    match = re.search(r"/admin/dataio/importjob/(\d+)/change/$", job_page.url)
    if match is None:
        raise Mismatch(f"the upload led to {job_page.url}, not a background job")
    job_id = int(match.group(1))
    panel = f"/admin/dataio/importjob/{job_id}/panel/"
    checked = wait_for("the file check", lambda: _stopped_polling(staff, panel))
    staff.submit(checked, action=r".*/confirm/")
    wait_for("the import", lambda: _stopped_polling(staff, panel))
    return job_id


def _stopped_polling(browser: Browser, panel: str) -> requests.Response | None:
    response = browser.get(panel, headers={"HX-Request": "true"})
    return response if response.status_code == 286 else None  # htmx's "stop polling"


# --- the checks


def check_database(reference: str, order_reference: str, job_id: int, access_log: Path) -> list[str]:
    from apps.catalog.models import Product
    from apps.dataio.models import ImportJob
    from apps.notifications.models import EmailLog
    from apps.orders.models import Order
    from apps.payments.models import Payment
    from apps.servicedesk.models import ServiceRequest
    from apps.servicedesk.services import PURPOSE

    # the confirmation e-mail is sent by a worker after the payment: give it the time a worker needs
    emails = EmailLog.objects.filter(kind="servicedesk.confirmation", related_reference=reference)
    wait_for("the confirmation e-mail", lambda: emails.filter(status=EmailLog.Status.SENT).exists())
    job = ImportJob.objects.get(pk=job_id)
    found = {
        "payments": list(Payment.objects.filter(purpose=PURPOSE).values_list("status", flat=True)),
        "requests": list(ServiceRequest.objects.values_list("reference", flat=True)),
        "emails": list(emails.values_list("status", flat=True)),
        "orders": list(Order.objects.values_list("checkout__reference", "payment_method")),
        "import": (job.status, Product.objects.filter(slug__startswith="imported-").count()),
        # delivered by a worker to gunicorn, as a provider would: the only caller of this URL
        "webhooks": access_log.read_text().count('"POST /payments/webhook/sandbox/ HTTP/1.1" 200'),
    }
    expected = {
        "payments": [Payment.Status.COMPLETED],
        "requests": [reference],
        "emails": [EmailLog.Status.SENT],
        "orders": [(order_reference, Order.CASH_ON_DELIVERY)],
        "import": (ImportJob.Status.DONE, IMPORT_ROWS),
        "webhooks": 1,
    }
    for key in found:
        print(f"  {key}: {found[key]}" + ("" if found[key] == expected[key] else f"  (expected {expected[key]})"))
    return [key for key in found if found[key] != expected[key]]


def main() -> int:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    processes: list[subprocess.Popen] = []
    tmp = Path(tempfile.mkdtemp(prefix="comptoir-scale-"))
    logs = tmp / "logs"
    logs.mkdir()
    os.environ.update(settings_env(port, tmp))
    name = database_name()
    redis.Redis.from_url(REDIS_URL).flushdb()
    admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin_sql(f'CREATE DATABASE "{name}"')
    try:
        # migrate and collectstatic touch different things: side by side they take the time of the longer
        statics = start("collectstatic", ["manage.py", "collectstatic", "--noinput"], logs)
        processes.append(statics)
        run(["manage.py", "migrate", "--noinput"], logs, "migrate")
        if statics.wait():
            raise Mismatch(f"collectstatic failed: see {logs}/collectstatic.log")
        say(f"migrated, static files collected (logs in {logs})")
        processes += [start(f"qcluster-{n}", ["manage.py", "qcluster"], logs) for n in (1, 2)]
        processes.append(start("gunicorn", ["-m", "gunicorn", "project.wsgi", "--workers", "2", "--bind",
                                            f"127.0.0.1:{port}", "--access-logfile", "-", "--timeout", "60"], logs))
        import django

        django.setup()
        people = seed()
        # 200 once the database, Redis and a worker's heartbeat (a scheduled task, due 30 s after start) answer
        wait_for("/health/", lambda: _answers(f"{base}/health/"), timeout=90, every=1)
        say(f"up on {base}: 2 qclusters, gunicorn with 2 workers")

        say(f"product photo loads: {product_photo_loads(base)}")
        reference = buy_service_in_the_sandbox(base)
        say(f"sandbox purchase paid: {reference}")
        order = order_cash_on_delivery(base, people["buyer"])
        say(f"cash-on-delivery checkout placed: {order}")
        job_id = import_in_the_background(base, people["staff"], people["vendor"], people["category"])
        say(f"import job {job_id} done")
        failed = check_database(reference, order, job_id, logs / "gunicorn.log")
        if failed:
            raise Mismatch("unexpected " + ", ".join(failed))
        say("checked; stopping")
    except Exception as problem:
        if not isinstance(problem, Mismatch):
            traceback.print_exc()
        print(f"test-scale: FAILED: {problem}", file=sys.stderr)
        for log in sorted(logs.glob("*.log")):
            print(f"--- last lines of {log.name}", file=sys.stderr)
            print("\n".join(log.read_text(errors="replace").splitlines()[-15:]), file=sys.stderr)
        return 1
    finally:
        stop(processes)
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        redis.Redis.from_url(REDIS_URL).flushdb()
    shutil.rmtree(tmp)  # kept after a failure, for its logs
    say("passed")
    return 0


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=5).status_code == 200
    except requests.RequestException:
        return False


if __name__ == "__main__":
    sys.exit(main())
