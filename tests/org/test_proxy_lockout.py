"""The login lockout behind a real reverse proxy (nginx on loopback, started here): the address it
keys on is the one the proxy appended, whatever the client writes in X-Forwarded-For."""

import http.client
import os
import shutil
import socket
import subprocess
import time
import urllib.parse

import pytest
from django.conf import settings as django_settings

from ebank.org.addresses import client_address

GOOD = "correct-horse-battery"
CSRF = "a" * 32  # a well-formed CSRF secret, sent as cookie and as form field


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def nginx(live_server, tmp_path):
    """nginx on a loopback port, proxying to the live server as production's proxy does."""
    binary = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
    if binary is None:
        assert not os.environ.get("EBANK_REQUIRE_PROXY"), (
            "CI must run the reverse-proxy test (apt nginx-light)"
        )
        pytest.skip("needs nginx (apt-get install nginx-light)")
    port = _free_port()
    upstream = urllib.parse.urlsplit(live_server.url).netloc
    temp = {name: tmp_path / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for folder in temp.values():
        folder.mkdir()
    user = "user root;" if os.geteuid() == 0 else ""
    (tmp_path / "nginx.conf").write_text(
        f"""
        {user}
        daemon off;
        worker_processes 1;
        pid {tmp_path}/nginx.pid;
        error_log {tmp_path}/error.log;
        events {{ worker_connections 64; }}
        http {{
            access_log off;
            client_body_temp_path {temp["body"]};
            proxy_temp_path {temp["proxy"]};
            fastcgi_temp_path {temp["fastcgi"]};
            uwsgi_temp_path {temp["uwsgi"]};
            scgi_temp_path {temp["scgi"]};
            server {{
                listen 127.0.0.1:{port};
                location / {{
                    proxy_pass http://{upstream};
                    proxy_set_header Host $host;
                    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                }}
            }}
        }}
        """
    )
    process = subprocess.Popen(
        [binary, "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path), "-e", str(tmp_path / "error.log")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    else:
        process.kill()
        pytest.fail("nginx did not start: " + (tmp_path / "error.log").read_text())
    yield port
    process.terminate()
    process.wait(timeout=10)


def _login(port, password, *, source="127.0.0.1", forwarded_for=None) -> int:
    """POST the admin's login form through the proxy from `source`; return the status."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(source, 0))
    body = urllib.parse.urlencode(
        {"username": "staff", "password": password, "next": "/", "csrfmiddlewaretoken": CSRF}
    )
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"{django_settings.CSRF_COOKIE_NAME}={CSRF}",
    }
    if forwarded_for:
        headers["X-Forwarded-For"] = forwarded_for
    connection.request("POST", "/login/", body=body, headers=headers)
    status = connection.getresponse().status
    connection.close()
    return status


@pytest.fixture
def behind_one_proxy(settings, transactional_db):
    from django.apps import apps

    from ebank.org.roles import Role, groups_sync
    from tests.factories import user_with_role

    groups_sync(apps)  # the role groups, which an earlier transactional test's flush removed
    settings.TRUSTED_PROXY_COUNT = 1
    user = user_with_role(Role.STAFF, username="staff")
    user.set_password(GOOD)
    user.save()
    return user


def test_rotating_forged_addresses_do_not_escape_the_lock(behind_one_proxy, nginx):
    statuses = [_login(nginx, "wrong-password", forwarded_for=f"198.51.100.{n}") for n in range(20)]
    assert statuses[: django_settings.AXES_FAILURE_LIMIT - 1] == [200] * (
        django_settings.AXES_FAILURE_LIMIT - 1
    )
    assert set(statuses[django_settings.AXES_FAILURE_LIMIT :]) == {429}
    assert _login(nginx, GOOD, forwarded_for="203.0.113.99") == 429


def test_a_lock_holds_for_its_address_only(behind_one_proxy, nginx):
    """Five failures from one client lock that client; another address logs in."""
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        _login(nginx, "wrong-password", source="127.0.0.1")
    assert _login(nginx, GOOD, source="127.0.0.1") == 429
    assert _login(nginx, GOOD, source="127.0.0.2") == 302


@pytest.mark.parametrize(
    "proxies,forwarded,remote,expected",
    [
        (0, "198.51.100.1", "192.0.2.10", "192.0.2.10"),  # no proxy: the header is the client's
        (1, "203.0.113.5", "10.0.0.2", "203.0.113.5"),  # one hop: the entry the proxy appended
        (1, "198.51.100.1, 203.0.113.5", "10.0.0.2", "203.0.113.5"),  # forged left entry ignored
        (2, "198.51.100.1, 203.0.113.5, 10.0.0.3", "10.0.0.2", "203.0.113.5"),
        (1, "", "10.0.0.2", "10.0.0.2"),  # not through the proxy
        (1, "not-an-address", "10.0.0.2", "10.0.0.2"),
    ],
)
def test_the_address_is_the_one_the_trusted_proxy_appended(
    rf, settings, proxies, forwarded, remote, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = rf.get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR=remote)
    assert client_address(request) == expected
