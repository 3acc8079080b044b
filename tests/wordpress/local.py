"""A real WordPress on this machine, for the mirror's tests and for `make wordpress`.

Debian's packages (`wordpress`, `php-cli`, `php-mysql`, `make wordpress-packages` installs
them), a MariaDB of its own (`mariadb-install-db` into a private data directory, `mariadbd`
on a socket only: no port to collide with), WordPress served by `php -S 127.0.0.1:PORT` with
router.php, installed by install.php through WordPress's own functions. Every process it starts
is stopped by its pid.

    python tests/wordpress/local.py --port 8080 --data var/wordpress   # what `make wordpress` runs
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORDPRESS = Path("/usr/share/wordpress")
CONFIG = Path("/etc/wordpress/config-groupwork.php")
PACKAGES = "wordpress, php-cli and php-mysql (run `make wordpress-packages`)"


class NotAvailable(RuntimeError):
    """Debian's WordPress, PHP or MariaDB is missing on this machine."""


def missing():
    """What this machine lacks to run a local WordPress, or ''."""
    needs = [shutil.which("php"), shutil.which("mariadbd") or Path("/usr/sbin/mariadbd").exists(),
             shutil.which("mariadb-install-db"), (WORDPRESS / "wp-settings.php").exists()]
    if not all(needs):
        return f"Debian's {PACKAGES} and mariadb-server are needed"
    probe = subprocess.run(["php", "-m"], capture_output=True, text=True)
    if "mysqli" not in probe.stdout:
        return f"PHP has no mysqli: install {PACKAGES}"
    return ""


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(check, what, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise RuntimeError(f"{what} did not start within {seconds} s")


def _answers(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


class LocalWordPress:
    """One WordPress site: start(), then .url, .user, .password, .category_id."""

    def __init__(self, data=None, port=None, database="groupwork_wp"):
        self._tmp = None if data else tempfile.mkdtemp(prefix="gw-wp-")
        self.data = Path(data or self._tmp).resolve()
        self.port = port or _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.database = database
        # A socket path has at most 107 bytes: keep it short, outside a deep work tree.
        self._run = Path(tempfile.mkdtemp(prefix="gw-wp-run-"))
        self.socket = self._run / "mysqld.sock"
        self.content = self.data / "wp-content"
        self.server_log = self.data / "php-server.log"
        self.request_log = self.data / "requests.log"
        self._mariadb = None
        self._php = None
        self.user = self.password = self.category_id = None

    # --- processes --------------------------------------------------------------------------

    def start(self):
        problem = missing()
        if problem:
            raise NotAvailable(problem)
        self._install_config()
        self._start_mariadb()
        self._make_content_dir()
        self.start_server()
        installed = subprocess.run(
            ["php", "-d", "display_errors=stderr", str(HERE / "install.php")],
            env=self._env(), capture_output=True, text=True, timeout=120,
        )
        if installed.returncode != 0:
            raise RuntimeError(f"WordPress install failed: {installed.stderr[-2000:]}")
        found = json.loads(installed.stdout.strip().splitlines()[-1])
        self.user, self.password = found["user"], found["password"]
        self.category_id = found["category_id"]
        return self

    def stop(self):
        self.stop_server()
        if self._mariadb is not None:
            self._mariadb.send_signal(signal.SIGTERM)
            try:
                self._mariadb.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._mariadb.kill()
                self._mariadb.wait()
            self._mariadb = None
        shutil.rmtree(self._run, ignore_errors=True)
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)

    def start_server(self):
        """php -S on the site's port (again, after stop_server())."""
        log = open(self.server_log, "ab")
        self._php = subprocess.Popen(
            ["php", "-d", "display_errors=0", "-d", "log_errors=1",
             "-d", "upload_max_filesize=32M", "-d", "post_max_size=32M",
             "-S", f"127.0.0.1:{self.port}", "-t", str(WORDPRESS), str(HERE / "router.php")],
            env={**self._env(), "PHP_CLI_SERVER_WORKERS": "4"},
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        log.close()
        _wait(lambda: _answers(self.port), f"php -S on port {self.port}")

    def stop_server(self):
        """Stop php -S (WordPress is down; its database stays)."""
        if self._php is None:
            return
        # PHP_CLI_SERVER_WORKERS forks workers: the session holds them all, and only them.
        try:
            os.killpg(self._php.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self._php.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self._php.pid, signal.SIGKILL)
            self._php.wait()
        self._php = None
        _wait(lambda: not _answers(self.port), f"php -S on port {self.port} to stop", 10)

    def _start_mariadb(self):
        datadir = self.data / "mariadb"
        if not (datadir / "mysql").exists():
            datadir.mkdir(parents=True, exist_ok=True)
            subprocess.run(
                ["mariadb-install-db", "--no-defaults", f"--datadir={datadir}", "--user=root",
                 "--auth-root-authentication-method=normal", "--skip-test-db",
                 "--skip-name-resolve"],
                check=True, capture_output=True, timeout=120,
            )
        mariadbd = shutil.which("mariadbd") or "/usr/sbin/mariadbd"
        self._mariadb = subprocess.Popen(
            [mariadbd, "--no-defaults", f"--datadir={datadir}", f"--socket={self.socket}",
             "--skip-networking", "--user=root", f"--pid-file={self._run / 'mysqld.pid'}",
             "--innodb-buffer-pool-size=32M", "--skip-log-bin",
             f"--log-error={self.data / 'mariadb.log'}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
        )
        _wait(lambda: self.sql("SELECT 1", check=False, database=False).returncode == 0,
              "mariadbd")
        self.sql(f"CREATE DATABASE IF NOT EXISTS {self.database} CHARACTER SET utf8mb4",
                 database=False)

    def _install_config(self):
        wanted = (HERE / "config-groupwork.php").read_text()
        if not CONFIG.exists() or CONFIG.read_text() != wanted:
            try:
                CONFIG.parent.mkdir(parents=True, exist_ok=True)
                CONFIG.write_text(wanted)
            except PermissionError as denied:
                raise NotAvailable(f"cannot write {CONFIG}: run as root once") from denied

    def _make_content_dir(self):
        (self.content / "uploads").mkdir(parents=True, exist_ok=True)
        for part in ("themes", "plugins", "languages"):
            link = self.content / part
            if not link.exists():
                link.symlink_to(WORDPRESS / "wp-content" / part)

    def _env(self):
        return {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "GW_WP_DB_NAME": self.database,
            "GW_WP_DB_SOCKET": str(self.socket),
            "GW_WP_URL": self.url,
            "GW_WP_CONTENT_DIR": str(self.content),
            "GW_WP_REQUEST_LOG": str(self.request_log),
        }

    # --- what tests look at -----------------------------------------------------------------

    def sql(self, statement, check=True, database=True):
        return subprocess.run(
            ["mariadb", "--no-defaults", "-S", str(self.socket), "-u", "root", "-N", "-B",
             *([self.database] if database else []), "-e", statement],
            capture_output=True, text=True, check=check, timeout=30,
        )

    def reset(self):
        """No posts and no media: each test starts with an empty site."""
        kinds = "('post', 'attachment', 'revision')"
        self.sql(
            f"DELETE FROM wp_term_relationships WHERE object_id IN "
            f"(SELECT ID FROM wp_posts WHERE post_type IN {kinds});"
            f"DELETE FROM wp_postmeta WHERE post_id IN "
            f"(SELECT ID FROM wp_posts WHERE post_type IN {kinds});"
            f"DELETE FROM wp_posts WHERE post_type IN {kinds};"
        )
        shutil.rmtree(self.content / "uploads", ignore_errors=True)
        (self.content / "uploads").mkdir()
        self.request_log.write_text("")

    def api(self, path, **params):
        """GET /wp-json/wp/v2/<path> as the Author, in the edit context (raw fields)."""
        import requests

        response = requests.get(f"{self.url}/wp-json/wp/v2/{path}",
                                auth=(self.user, self.password),
                                params={"context": "edit", **params}, timeout=10)
        response.raise_for_status()
        return response.json()

    def requests_seen(self):
        """The requests WordPress has received so far, one "METHOD /path?query" each."""
        if not self.request_log.exists():
            return []
        return self.request_log.read_text(errors="replace").splitlines()


def _connect_demo_group(site):
    """Connect the demo group of `make run` to the site (the Django database of `make run`)."""
    sys.path.insert(0, str(HERE.parents[1]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "groupwork.settings")
    import django

    django.setup()
    from groupwork.models import Group
    from publishing.models import WordPressSite

    group = Group.objects.filter(is_public=True).order_by("pk").first()
    if group is None:
        print("No public group yet: run `make run` once, then `make wordpress` again.")
        return
    WordPressSite.objects.update_or_create(
        group=group,
        defaults={"url": site.url, "username": site.user, "app_password": site.password,
                  "category_id": site.category_id},
    )
    print(f"The group {group.name} mirrors to {site.url} (user {site.user}).")


def main(argv=None):
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--data", default="var/wordpress")
    parser.add_argument("--no-connect", action="store_true")
    args = parser.parse_args(argv)
    site = LocalWordPress(data=args.data, port=args.port)
    try:
        site.start()
        print(f"WordPress: {site.url}/  (wp-admin: {site.url}/wp-admin/)")
        if not args.no_connect:
            _connect_demo_group(site)
        print("Ctrl-C stops it.")
        signal.signal(signal.SIGTERM, signal.default_int_handler)
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        site.stop()


if __name__ == "__main__":
    main()
