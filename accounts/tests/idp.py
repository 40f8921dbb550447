"""The real identity providers the SSO tests sign in through, started on 127.0.0.1.

SimpleSAMLphp (Debian's package, run by ``php -S``) as the SAML IdP and node's pinned
``oidc-provider`` (started by ``idp/oidc/op.mjs``) as the OpenID Provider, each configured from
our templates in ``idp/`` with keys made at test time. Each is started once per test session.
"""

import json
import os
import secrets
import shutil
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import requests

ROOT = Path(__file__).resolve().parents[2]
SIMPLESAMLPHP = Path("/usr/share/simplesamlphp")
PASSWORD = "idp-losen-2026"


@dataclass
class SamlUser:
    username: str
    hsa_id: str
    organisation: str
    email: str
    given_name: str
    surname: str


@dataclass
class RunningIdp:
    base_url: str
    process: subprocess.Popen
    users: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


# The people who exist at the IdPs. Their organisations decide what the portal does with them.
SAML_USERS = [
    SamlUser(
        "anna", "SE2321000131-E000000000101", "VGR-TEST", "anna.sso@vgregion.test", "Anna", "Saml"
    ),
    SamlUser("bo", "SE2321000131-E000000000102", "OKAND-ORG", "bo.sso@okand.test", "Bo", "Okänd"),
    SamlUser("cia", "SE2321000131-E000000000103", "BORAS-TEST", "cia.sso@boras.test", "Cia", "Ny"),
]
OIDC_ACCOUNTS = {
    "dan": {
        "email": "dan.oidc@goteborg.test",
        "email_verified": True,
        "given_name": "Dan",
        "family_name": "Oidc",
        "https://id.oidc.se/claim/orgNumber": "212000-1355",
    },
    "eva": {
        "email": "eva.oidc@okand.test",
        "email_verified": True,
        "given_name": "Eva",
        "family_name": "Okänd",
        "https://id.oidc.se/claim/orgNumber": "000000-0000",
    },
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(url: str, process: subprocess.Popen, what: str, expect: str = "") -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"{what} avslutades: {process.stdout.read() if process.stdout else ''}"
            )
        try:
            response = requests.get(url, timeout=2)
            if response.status_code == 200 and expect in response.text:
                return
            if response.status_code == 200:
                raise RuntimeError(f"{what} svarade med fel: {response.text[-3000:]}")
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{what} svarade inte på {url}")


def _php_string(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _users_php(users: list[SamlUser]) -> str:
    entries = []
    for user in users:
        attributes = {
            "http://sambi.se/attributes/1/employeeHsaId": user.hsa_id,
            "urn:oid:2.5.4.10": user.organisation,
            "urn:oid:0.9.2342.19200300.100.1.3": user.email,
            "urn:oid:2.5.4.42": user.given_name,
            "urn:oid:2.5.4.4": user.surname,
        }
        values = ", ".join(f"{_php_string(k)} => [{_php_string(v)}]" for k, v in attributes.items())
        entries.append(f"{_php_string(user.username + ':' + PASSWORD)} => [{values}]")
    return "[" + ", ".join(entries) + "]"


def start_simplesamlphp(
    workdir: Path, *, host: str, sp_entity_id: str, sp_acs: str, sp_sls: str, sp_cert_pem: str
) -> RunningIdp:
    port = free_port()
    base_url = f"http://{host}:{port}"
    for sub in ("cert", "log", "data", "tmp", "sessions", "metadata"):
        (workdir / sub).mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=SimpleSAMLphp test IdP",
            "-keyout",
            str(workdir / "cert" / "idp.key"),
            "-out",
            str(workdir / "cert" / "idp.crt"),
        ],
        check=True,
        capture_output=True,
    )
    cert_b64 = "".join(
        line for line in sp_cert_pem.strip().splitlines() if not line.startswith("-----")
    )
    values = {
        "@@BASEURL@@": base_url,
        "@@DIR@@": str(workdir),
        "@@SALT@@": secrets.token_hex(16),
        "@@USERS@@": _users_php(SAML_USERS),
        "@@SP_ENTITY_ID@@": sp_entity_id,
        "@@SP_ACS@@": sp_acs,
        "@@SP_SLS@@": sp_sls,
        "@@SP_CERT@@": cert_b64,
    }
    source = ROOT / "idp" / "simplesamlphp"
    for template in source.rglob("*.php"):
        text = template.read_text(encoding="utf-8")
        for key, value in values.items():
            text = text.replace(key, value)
        target = workdir / template.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    env = {**os.environ, "SIMPLESAMLPHP_CONFIG_DIR": str(workdir)}
    process = subprocess.Popen(
        ["php", "-S", f"127.0.0.1:{port}", "-t", str(SIMPLESAMLPHP / "www")],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    idp = RunningIdp(base_url=base_url, process=process, users={u.username: u for u in SAML_USERS})
    idp.extra["metadata_url"] = f"http://127.0.0.1:{port}/saml2/idp/metadata.php"
    try:
        _wait(idp.extra["metadata_url"], process, "SimpleSAMLphp", "EntityDescriptor")
    except RuntimeError as error:
        idp.stop()
        log = workdir / "log" / "simplesamlphp.log"
        raise RuntimeError(f"{error}\n{log.read_text() if log.exists() else ''}") from error
    return idp


def start_oidc_provider(*, host: str, redirect_uri: str, post_logout_uri: str) -> RunningIdp:
    port = free_port()
    issuer = f"http://{host}:{port}"
    client = {
        "client_id": "hos-portalen",
        "client_secret": secrets.token_urlsafe(32),
        "redirect_uris": [redirect_uri],
        "post_logout_redirect_uris": [post_logout_uri],
        "grant_types": ["authorization_code"],
        "response_types": ["code"],
        "token_endpoint_auth_method": "client_secret_post",
    }
    settings = {
        "port": port,
        "issuer": issuer,
        "client": client,
        "accounts": OIDC_ACCOUNTS,
        "cookieKey": secrets.token_urlsafe(32),
    }
    process = subprocess.Popen(
        [shutil.which("node") or "node", str(ROOT / "idp" / "oidc" / "op.mjs")],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    process.stdin.write(json.dumps(settings))
    process.stdin.close()
    seen = []
    for line in process.stdout:
        seen.append(line)
        if line.strip() == "ready":
            break
    else:
        process.kill()
        raise RuntimeError("oidc-provider startade inte: " + "".join(seen))
    # What it prints afterwards (warnings about development keys and forms) is not read.
    threading.Thread(target=process.stdout.read, daemon=True).start()
    idp = RunningIdp(base_url=issuer, process=process, users=OIDC_ACCOUNTS)
    idp.extra.update(client=client, issuer=issuer)
    return idp


def host_of(url: str) -> str:
    return urlsplit(url).hostname or "127.0.0.1"
