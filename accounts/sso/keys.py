"""The portal's own SAML signing key and certificate (the SP's)."""

import datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.conf import settings


def make_key_pair(
    key_path: Path, cert_path: Path, *, common_name: str, key_size: int = 3072
) -> None:
    """An RSA key (3072 bits unless told) and a self-signed certificate valid for ten years (SAML metadata
    carries the certificate itself; no CA is involved)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=key_size)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64])])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
    key_path.parent.mkdir(parents=True, exist_ok=True)
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def sp_key_pair() -> tuple[str, str]:
    """Paths of the SP's key and certificate: SAML_SP_KEY_FILE / SAML_SP_CERT_FILE, or a pair
    made on first use under VAR_DIR (development and tests)."""
    key_path = Path(settings.SAML_SP_KEY_FILE)
    cert_path = Path(settings.SAML_SP_CERT_FILE)
    if not key_path.exists() or not cert_path.exists():
        make_key_pair(key_path, cert_path, common_name="HoS-portalen SAML SP")
    return str(key_path), str(cert_path)
