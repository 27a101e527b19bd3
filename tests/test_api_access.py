"""Who may talk to moien over HTTP: sites and their origins, secret keys, single sign-on, quotas.

Real ``moien api`` processes (uvicorn) on a temporary ``MOIEN_HOME``; keys and sites are made with the real
``moien sites`` / ``moien keys`` commands, as an administrator would; requests come from ``httpx`` and the official
``openai`` client. Every request here is refused or lists models, so no test needs the language model.

Distinct client addresses come through ``X-Forwarded-For``: uvicorn trusts it from 127.0.0.1 by default, exactly as
behind a reverse proxy, so the per-IP quota sees one address per test.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import os
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jwt
import openai
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.api_server import api_server

ROOT = Path(__file__).resolve().parents[1]
MOIEN = ROOT / ".venv" / "bin" / "moien"
INTRANET = "https://intranet.example.lu"
ELSEWHERE = "https://elsewhere.example.com"
SECRET = "test-only-hs256-secret-of-sufficient-length-0123456789"
PER_USER_RPM = 4
PER_IP_RPM = 5


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("api-access-home")


def moien(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The real ``moien`` command, as an administrator runs it, on ``home``."""
    env = {**os.environ, "MOIEN_HOME": str(home), "COLUMNS": "200"}
    return subprocess.run([str(MOIEN), *args], capture_output=True, text=True, env=env, cwd=ROOT, check=False)


def new_key(home: Path, *args: str) -> str:
    done = moien(home, *args)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def add_key(
    home: Path, name: str, *, assistants: tuple[str, ...] = (), rpm: int | None = None, per_day: int | None = None
) -> str:
    """A secret key made in process (the command line itself is tested above; this keeps the module quick)."""
    from moien.connectors.channels.access import AccessStore

    return AccessStore(home / "access.sqlite3").add_key(name, list(assistants), rpm, per_day)


def _env(home: Path, **extra: str) -> dict[str, str]:
    return {
        "MOIEN_HOME": str(home),
        "MOIEN_NEO4J__URI": "bolt://127.0.0.1:9",  # no question reaches an assistant here
        "MOIEN_API__DEMO_SITE": "false",
        "MOIEN_API__PER_USER_RPM": str(PER_USER_RPM),
        "MOIEN_API__PER_IP_RPM": str(PER_IP_RPM),
        **extra,
    }


@pytest.fixture(scope="module")
def api(home: Path) -> Iterator[str]:
    """A server with HS256 single sign-on."""
    with api_server(_env(home, MOIEN_API__JWT_SECRET=SECRET)) as url:
        yield url


@pytest.fixture(scope="module")
def rsa_key(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, Path]:
    """A fresh RSA key pair: the private key (PEM) signs, the public key file is what moien is given."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    path = tmp_path_factory.mktemp("sso") / "intranet-sso.pub.pem"
    path.write_bytes(public)
    return private, path


_ADDRESSES = itertools.count(1)


def ip() -> str:
    """A client address of its own (documentation ranges), so one test's per-IP quota does not touch another's."""
    n = next(_ADDRESSES)
    return f"198.51.{100 + n // 250}.{n % 250 + 1}"


def token(key: Any = SECRET, algorithm: str = "HS256", **claims: Any) -> str:
    now = int(time.time())
    payload = {"sub": "alice", "groups": ["finance"], "aud": "moien", "iat": now, "exp": now + 300} | claims
    return jwt.encode({k: v for k, v in payload.items() if v is not None}, key, algorithm=algorithm)


def _hs256_by_hand(payload: dict[str, Any], secret: bytes) -> str:
    """An HS256 token made without pyjwt, which (rightly) refuses a PEM key as an HMAC secret."""

    def b64(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    signing_input = b64(b'{"alg":"HS256","typ":"JWT"}') + "." + b64(json.dumps(payload).encode())
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + b64(signature)


def models(url: str, *, key: str | None = None, origin: str | None = None, user: str | None = None) -> httpx.Response:
    headers = {"X-Forwarded-For": ip()}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    if origin:
        headers["Origin"] = origin
    if user:
        headers["X-Moien-User-Token"] = user
    return httpx.get(f"{url}/v1/models", headers=headers, timeout=60)


def error_of(response: httpx.Response) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"} and {"message", "type", "code"} <= set(body["error"]), body
    return dict(body["error"])


# -- the command line --------------------------------------------------------------------------------------------


def test_a_new_key_is_printed_once_alone_on_the_last_line_and_stored_only_as_its_digest(home: Path) -> None:
    done = moien(home, "keys", "add", "backend", "--assistant", "general", "--rpm", "50")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    key = lines[-1]
    assert key.startswith("msk_") and len(key) == 44 and key == key.strip(), lines
    assert "not be shown again" in lines[-2], "the line before the key warns it is shown once"
    assert done.stdout.count(key) == 1

    listed = moien(home, "keys", "list")
    assert listed.returncode == 0 and "backend" in listed.stdout
    assert key not in listed.stdout and key[:8] in listed.stdout, "list shows a prefix, never the key"

    site = moien(home, "sites", "add", "portal", "--origin", INTRANET, "--assistant", "general")
    assert site.returncode == 0, site.stderr
    site_key = site.stdout.strip().splitlines()[-1]
    assert site_key.startswith("mpk_") and len(site_key) == 36

    stored = b"".join(p.read_bytes() for p in home.glob("access.sqlite3*"))  # the database and its WAL
    for secret in (key, site_key):
        assert secret.encode() not in stored, "a key must never be stored in clear"
        assert hashlib.sha256(secret.encode()).hexdigest().encode() in stored, "its SHA-256 digest is stored"


def test_the_cli_refuses_mistakes_with_exit_code_2_and_says_what_to_do(home: Path) -> None:
    moien(home, "sites", "add", "dup", "--origin", INTRANET)
    duplicate = moien(home, "sites", "add", "dup", "--origin", INTRANET)
    assert (
        duplicate.returncode == 2 and "already exists" in duplicate.stderr and "moien sites remove" in duplicate.stderr
    )
    for origin, hint in (
        ("http://intranet.example.lu", "https://"),
        ("https://intranet.example.lu/chat", "scheme://host"),
        ("https://*.example.lu", "wildcard"),
    ):
        bad = moien(home, "sites", "add", "bad", "--origin", origin)
        assert bad.returncode == 2 and hint in bad.stderr, (origin, bad.stderr)
        assert "Traceback" not in bad.stderr
    unknown = moien(home, "keys", "revoke", "nobody")
    assert unknown.returncode == 2 and "moien keys list" in unknown.stderr


# -- keys --------------------------------------------------------------------------------------------------------


def test_a_secret_key_works_with_the_openai_client_and_a_revoked_one_is_refused_at_once(home: Path, api: str) -> None:
    key = new_key(home, "keys", "add", "revoke-me")
    client = openai.OpenAI(base_url=f"{api}/v1", api_key=key, max_retries=0)
    assert "auto" in [m.id for m in client.models.list()]

    assert moien(home, "keys", "revoke", "revoke-me").returncode == 0
    with pytest.raises(openai.AuthenticationError) as refused:
        client.models.list()
    assert refused.value.status_code == 401
    assert "revoked" in refused.value.message
    listed = moien(home, "keys", "list").stdout
    assert "revoke-me" in listed


def test_unknown_and_malformed_keys_are_refused(api: str) -> None:
    for key in ("msk_" + "x" * 40, "mpk_" + "x" * 32, "sk-not-a-moien-key"):
        response = models(api, key=key)
        assert response.status_code == 401, key
        assert error_of(response)["code"] == "invalid_api_key"
    assert models(api).status_code == 401, "no key and no origin"


# -- sites and origins -------------------------------------------------------------------------------------------


def test_a_listed_origin_gets_cors_headers_and_an_unlisted_one_gets_none_and_is_refused(home: Path, api: str) -> None:
    site_key = new_key(home, "sites", "add", "cors-site", "--origin", INTRANET)

    preflight = httpx.options(
        f"{api}/v1/chat/completions",
        headers={"Origin": INTRANET, "Access-Control-Request-Method": "POST"},
        timeout=60,
    )
    assert preflight.headers.get("access-control-allow-origin") == INTRANET
    allowed = models(api, key=site_key, origin=INTRANET)
    assert allowed.status_code == 200
    assert allowed.headers.get("access-control-allow-origin") == INTRANET
    by_origin_only = models(api, origin=INTRANET)  # an unchanged Rasa front end sends no key
    assert by_origin_only.status_code == 200

    for response in (
        httpx.options(
            f"{api}/v1/chat/completions",
            headers={"Origin": ELSEWHERE, "Access-Control-Request-Method": "POST"},
            timeout=60,
        ),
        models(api, key=site_key, origin=ELSEWHERE),
        models(api, origin=ELSEWHERE),
    ):
        assert "access-control-allow-origin" not in response.headers, response.request.method
    assert models(api, key=site_key, origin=ELSEWHERE).status_code == 403
    assert error_of(models(api, origin=ELSEWHERE))["code"] == "origin_not_allowed"
    no_origin = models(api, key=site_key)
    assert no_origin.status_code == 403, "a publishable key alone (no page) is refused"
    assert "moien keys add" in error_of(no_origin)["message"]


def test_a_site_with_no_origin_denies_every_origin(home: Path, api: str) -> None:
    closed_key = new_key(home, "sites", "add", "closed")
    for origin in (INTRANET, ELSEWHERE, "http://localhost:8000", None):
        response = models(api, key=closed_key, origin=origin)
        assert response.status_code == 403, origin
        assert error_of(response)["code"] == "origin_not_allowed"


def test_a_removed_site_stops_working(home: Path, api: str) -> None:
    origin = "https://gone.example.lu"
    key = new_key(home, "sites", "add", "gone", "--origin", origin)
    assert models(api, key=key, origin=origin).status_code == 200
    assert moien(home, "sites", "remove", "gone").returncode == 0
    assert models(api, key=key, origin=origin).status_code == 401


def test_a_restricted_key_sees_only_its_assistants(home: Path, api: str) -> None:
    key = add_key(home, "general-only", assistants=("general",))
    ids = [m["id"] for m in models(api, key=key).json()["data"]]
    assert "general" in ids and "heritage" not in ids and "education" not in ids


# -- single sign-on ----------------------------------------------------------------------------------------------


def test_a_signed_in_users_quota_follows_them_across_keys(home: Path, api: str) -> None:
    """The user is carried: the per-user quota counts alice's requests through two different keys together."""
    first = add_key(home, "app-one")
    second = add_key(home, "app-two")
    alice = token(sub=f"alice-{uuid.uuid4().hex[:6]}")
    statuses = [models(api, key=(first, second)[i % 2], user=alice).status_code for i in range(PER_USER_RPM)]
    assert statuses == [200] * PER_USER_RPM
    refused = models(api, key=second, user=alice)
    assert refused.status_code == 429
    assert error_of(refused)["code"] == "rate_limit_exceeded"
    assert int(refused.headers["retry-after"]) >= 1
    assert models(api, key=first, user=token(sub=f"bob-{uuid.uuid4().hex[:6]}")).status_code == 200, (
        "another user on the same key is not affected"
    )
    assert models(api, key=first).status_code == 200, "nor the key without a user"


@pytest.mark.parametrize(
    ("what", "make"),
    [
        ("expired", lambda: token(iat=int(time.time()) - 600, exp=int(time.time()) - 300)),
        ("wrong audience", lambda: token(aud="someone-else")),
        ("no expiry", lambda: token(exp=None)),
        ("lives too long", lambda: token(exp=int(time.time()) + 7 * 24 * 3600)),
        ("wrong secret", lambda: token(key="another-secret-another-secret-another-secret")),
        ("alg none", lambda: token(key=None, algorithm="none")),
        ("groups not a list", lambda: token(groups="admins")),
        ("garbage", lambda: "not.a.jwt"),
    ],
)
def test_a_bad_user_token_is_refused_never_ignored(home: Path, api: str, what: str, make: Any) -> None:
    key = add_key(home, f"sso-{uuid.uuid4().hex[:8]}")
    response = models(api, key=key, user=make())
    assert response.status_code == 401, what
    assert error_of(response)["code"] == "invalid_user_token"


def test_rs256_tokens_are_verified_with_the_public_key_file(
    home: Path, rsa_key: tuple[bytes, Path], tmp_path: Path
) -> None:
    private, public_file = rsa_key
    rs_home = tmp_path / "rs-home"
    key = add_key(rs_home, "rs-app")
    other = add_key(rs_home, "rs-app-2")
    with api_server(_env(rs_home, MOIEN_API__JWT_PUBLIC_KEY_FILE=str(public_file))) as url:
        carol = token(private, "RS256", sub="carol")
        statuses = [models(url, key=(key, other)[i % 2], user=carol).status_code for i in range(PER_USER_RPM + 1)]
        assert statuses == [200] * PER_USER_RPM + [429], "carol is carried: her quota spans both keys"

        # Algorithm confusion: an HS256 token "signed" with the public key as the secret must not pass.
        forged = _hs256_by_hand(
            {"sub": "mallory", "aud": "moien", "exp": int(time.time()) + 60}, public_file.read_bytes()
        )
        assert models(url, key=key, user=forged).status_code == 401
        assert models(url, key=key, user=token(SECRET, "HS256", sub="dave")).status_code == 401
        other_pair = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        assert models(url, key=key, user=token(other_pair, "RS256", sub="eve")).status_code == 401


def test_a_user_token_without_sso_configured_says_how_to_configure_it(tmp_path: Path) -> None:
    """In process: the gate alone, as ``moien api`` builds it, without any SSO setting."""
    from moien.assistants.core.config import Settings
    from moien.connectors.channels.access import AccessDenied, Gate

    gate = Gate(Settings(home=tmp_path))
    key = gate.store.add_key("plain", [], None, None)
    with pytest.raises(AccessDenied) as refused:
        gate.authenticate(authorization=f"Bearer {key}", origin=None, user_token=token(), ip="192.0.2.1")
    assert refused.value.status == 401
    assert (
        "MOIEN_API__JWT_SECRET" in refused.value.message and "MOIEN_API__JWT_PUBLIC_KEY_FILE" in refused.value.message
    )


# -- quotas ------------------------------------------------------------------------------------------------------


def test_a_keys_rpm_gives_429_with_retry_after_in_the_openai_shape(home: Path, api: str) -> None:
    key = add_key(home, "slow", rpm=2)
    client = openai.OpenAI(base_url=f"{api}/v1", api_key=key, max_retries=0)
    client.models.list()
    client.models.list()
    with pytest.raises(openai.RateLimitError) as limited:
        client.models.list()
    error = limited.value.body
    assert isinstance(error, dict) and error["code"] == "rate_limit_exceeded", error
    retry_after = int(limited.value.response.headers["retry-after"])
    assert 1 <= retry_after <= 60
    assert "Retry in" in limited.value.message


def test_a_per_day_quota_says_to_come_back_later(home: Path, api: str) -> None:
    key = add_key(home, "daily", per_day=1)
    assert models(api, key=key).status_code == 200
    refused = models(api, key=key)
    assert refused.status_code == 429
    assert 60 < int(refused.headers["retry-after"]) <= 24 * 3600
    assert "per day" in error_of(refused)["message"]


def test_the_per_ip_quota_limits_one_address_not_the_others(home: Path, api: str) -> None:
    new_key(home, "sites", "add", "busy-page", "--origin", "https://busy.example.lu")
    address = ip()

    def ask(from_ip: str) -> httpx.Response:
        return httpx.get(
            f"{api}/v1/models",
            headers={"Origin": "https://busy.example.lu", "X-Forwarded-For": from_ip},
            timeout=60,
        )

    assert [ask(address).status_code for _ in range(PER_IP_RPM)] == [200] * PER_IP_RPM
    refused = ask(address)
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    assert refused.headers.get("access-control-allow-origin") == "https://busy.example.lu", (
        "the page can read the 429 (CORS headers on refusals too)"
    )
    assert "address" in json.dumps(error_of(refused))
    assert ask(ip()).status_code == 200, "another address is not affected"


def test_two_processes_sharing_redis_share_the_quota(tmp_path: Path) -> None:
    """Behind a load balancer: a key's per-minute quota is one budget across every ``moien api`` process."""
    from tests.api_server import redis_server

    shared_home = tmp_path / "shared-home"
    key = add_key(shared_home, "balanced", rpm=3)
    with redis_server(tmp_path) as redis_url:
        env = _env(shared_home, MOIEN_SESSIONS__REDIS_URL=redis_url)
        with api_server(env) as first, api_server(env) as second:
            statuses = [models(url, key=key).status_code for url in (first, second, first)]
            assert statuses == [200, 200, 200]
            refused = models(second, key=key)
            assert refused.status_code == 429, "the third request went through the other process: one budget"
            assert int(refused.headers["retry-after"]) >= 1


# -- rules checked on the gate itself (no server needed) ---------------------------------------------------------


@pytest.mark.parametrize("typo", ["https://a b.lu", "https://intra.lu\tx", "https://intra\x00.lu", "https://-bad-.lu"])
def test_an_origin_with_a_typo_is_refused_not_repaired(typo: str) -> None:
    from moien.connectors.channels.access import normalise_origin

    with pytest.raises(ValueError, match=r"origin|host"):
        normalise_origin(typo)


def test_an_international_host_name_is_kept_as_browsers_send_it() -> None:
    from moien.connectors.channels.access import normalise_origin

    assert normalise_origin("https://Bücher.example.lu") == "https://xn--bcher-kva.example.lu"


def test_a_site_with_no_origin_is_refused_even_from_the_apis_own_pages(tmp_path: Path) -> None:
    from moien.assistants.core.config import Settings
    from moien.connectors.channels.access import AccessDenied, AccessStore, Gate

    store = AccessStore(tmp_path / "access.sqlite3")
    empty = store.add_site("nowhere", [], [], None, None)
    listed = store.add_site("intranet", ["https://intranet.example.lu"], [], None, None)
    gate = Gate(Settings(home=tmp_path, api={"port": 8123}), store)
    own = "http://127.0.0.1:8123"
    # The iframe variant: a listed site's key works from the API's own origin (its frame-ancestors guard it)…
    assert gate.authenticate(authorization=f"Bearer {listed}", origin=own, user_token=None, ip="10.0.0.1").name == (
        "intranet"
    )
    # …but a site that lists no origin is refused everywhere.
    with pytest.raises(AccessDenied) as refused:
        gate.authenticate(authorization=f"Bearer {empty}", origin=own, user_token=None, ip="10.0.0.1")
    assert refused.value.status == 403 and refused.value.code == "origin_not_allowed"


def test_two_signed_in_people_on_one_site_own_separate_conversations(tmp_path: Path) -> None:
    from moien.assistants.core.config import Settings
    from moien.assistants.core.session import MemorySessions
    from moien.connectors.channels.access import AccessStore, Gate

    store = AccessStore(tmp_path / "access.sqlite3")
    key = store.add_site("intranet", ["https://intranet.example.lu"], [], None, None)
    gate = Gate(Settings(home=tmp_path, api={"jwt_secret": "s3cret-for-tests-only-32-bytes-long!"}), store)

    def caller(user: str) -> Any:
        token = jwt.encode(
            {"sub": user, "aud": "moien", "iat": int(time.time()), "exp": int(time.time()) + 300},
            "s3cret-for-tests-only-32-bytes-long!",
            algorithm="HS256",
        )
        return gate.authenticate(
            authorization=f"Bearer {key}", origin="https://intranet.example.lu", user_token=token, ip="10.0.0.1"
        )

    anna, ben = caller("anna"), caller("ben")
    sessions = MemorySessions()
    assert sessions.claim("conversation-1", anna.owner)
    assert not sessions.claim("conversation-1", ben.owner), "Ben must not continue (and read) Anna's conversation"
    assert sessions.claim("conversation-1", caller("anna").owner)
