"""A real IMAP server for the tests: Debian's dovecot on 127.0.0.1, with its own configuration, users
and maildirs in a temporary folder, TLS on one port (implicit) and STARTTLS/plain on another.

Its certificate is signed by a CA made here; `ca_file` is what CAREDESK_IMAP_CA_FILE is set to, so the
poller verifies the server as it would a real one. Mail is put in with IMAP APPEND, as a mail server's
delivery would leave it.
"""

import datetime
import grp
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from imapclient import IMAPClient

DOVECOT = "/usr/sbin/dovecot"
USER = "desk"
PASSWORD = "pies-and-marmalade"
STARTUP_SECONDS = 20


@dataclass
class Dovecot:
    ssl_port: int
    plain_port: int
    ca_file: str
    host: str = "127.0.0.1"

    def client(self) -> IMAPClient:
        """A plain connection as the test user, for putting mail in and looking at flags."""
        client = IMAPClient(self.host, port=self.plain_port, ssl=False, timeout=10)
        client.login(USER, PASSWORD)
        return client

    def create_folder(self, name: str) -> None:
        with self.client() as client:
            client.create_folder(name)

    def delete_folder(self, name: str) -> None:
        with self.client() as client:
            client.delete_folder(name)

    def append(self, folder: str, *messages: bytes, seen: bool = False) -> None:
        with self.client() as client:
            for raw in messages:
                client.append(folder, raw, flags=[b"\\Seen"] if seen else [])

    def uidvalidity(self, folder: str) -> int:
        with self.client() as client:
            return client.folder_status(folder, [b"UIDVALIDITY"])[b"UIDVALIDITY"]

    def flags(self, folder: str) -> dict[int, tuple]:
        with self.client() as client:
            client.select_folder(folder, readonly=True)
            return {uid: data[b"FLAGS"] for uid, data in client.fetch(client.search("ALL"), ["FLAGS"]).items()}


def ensure_dovecot() -> None:
    """Install Debian's dovecot-imapd when it is missing (as caredesk/conftest.py does chromium)."""
    if os.path.exists(DOVECOT):
        return
    if shutil.which("apt-get") and os.geteuid() == 0:
        subprocess.run(["apt-get", "update", "-qq"], check=False)
        subprocess.run(["apt-get", "install", "-y", "-qq", "dovecot-imapd"], check=False)
    if not os.path.exists(DOVECOT):
        pytest.fail(f"{DOVECOT} is missing; install Debian's dovecot-imapd (apt-get install dovecot-imapd)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def write_certificates(folder: Path) -> tuple[Path, Path, Path]:
    """A CA, and a certificate it signs for 127.0.0.1 and localhost: (ca, cert, key) PEM files."""
    from ipaddress import IPv4Address

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.timezone.utc)

    def build(subject: str, key, *, issuer: str, signer, ca: bool) -> x509.Certificate:
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
            .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        )
        if ca:
            builder = builder.add_extension(
                x509.KeyUsage(True, False, False, False, False, True, True, False, False), critical=True
            ).add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        else:
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(IPv4Address("127.0.0.1"))]),
                critical=False,
            ).add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(signer.public_key()), critical=False
            ).add_extension(
                x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
            )
        return builder.sign(signer, hashes.SHA256())

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = build("caredesk test CA", ca_key, issuer="caredesk test CA", signer=ca_key, ca=True)
    key = ec.generate_private_key(ec.SECP256R1())
    cert = build("127.0.0.1", key, issuer="caredesk test CA", signer=ca_key, ca=False)
    paths = folder / "ca.pem", folder / "server.pem", folder / "server.key"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return paths


def _users() -> tuple[str, str, int, int]:
    """(internal user, login user, mail uid, mail gid). Unprivileged, everything runs as the current user.
    As root, dovecot refuses to run its log-in processes or mail as root: the package's own users do."""
    if os.geteuid() != 0:
        me = pwd.getpwuid(os.getuid()).pw_name
        return me, me, os.getuid(), os.getgid()
    internal = pwd.getpwnam("dovecot")
    return "dovecot", "dovenull", internal.pw_uid, internal.pw_gid


def write_config(folder: Path, *, ssl_port: int, plain_port: int, cert: Path, key: Path) -> Path:
    internal, login, uid, gid = _users()
    mail = folder / "mail"
    (mail / USER).mkdir(parents=True)
    for path in (mail, mail / USER):
        if os.geteuid() == 0:
            os.chown(path, uid, gid)
    (folder / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}:{uid}:{gid}::{mail / USER}::\n")
    config = folder / "dovecot.conf"
    config.write_text(f"""\
protocols = imap
listen = 127.0.0.1
base_dir = {folder / "run"}
state_dir = {folder / "state"}
instance_name = caredesk-test-{ssl_port}
log_path = {folder / "dovecot.log"}
info_log_path = {folder / "dovecot.log"}
default_internal_user = {internal}
default_internal_group = {grp.getgrgid(gid).gr_name}
default_login_user = {login}
first_valid_uid = 1
first_valid_gid = 1
# The tests log in with a wrong password on purpose: no penalty delay.
auth_failure_delay = 0
auth_mechanisms = plain login
# The plain port serves STARTTLS, and plain log-ins for the security=none test (loopback only).
disable_plaintext_auth = no
ssl = yes
ssl_cert = <{cert}
ssl_key = <{key}
passdb {{
  driver = passwd-file
  args = {folder / "users"}
}}
userdb {{
  driver = passwd-file
  args = {folder / "users"}
}}
mail_location = maildir:~/Maildir
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {plain_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {ssl_port}
  }}
}}
service anvil {{
  chroot =
}}
""")
    return config


def _wait_until_listening(process: subprocess.Popen, ports: tuple[int, ...], log: Path) -> None:
    """Until each port accepts; on the plain one (last) until the greeting: the log-in process is up."""
    deadline = time.monotonic() + STARTUP_SECONDS
    for port in ports:
        while True:
            if process.poll() is not None:
                pytest.fail(f"dovecot exited at start-up:\n{log.read_text() if log.exists() else ''}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
                    if port == ports[-1] and not connection.recv(1):
                        raise ConnectionResetError
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"dovecot did not listen on {port}:\n{log.read_text() if log.exists() else ''}")
                time.sleep(0.1)


@pytest.fixture(scope="module")
def dovecot() -> Iterator[Dovecot]:
    """One dovecot for a test module. Tests keep apart by using a folder each (the `folder` fixture)."""
    ensure_dovecot()
    # Not under pytest's tmp_path: that is private to the user running the tests, and as root the mail
    # is read and written by dovecot's own user, which must reach its maildir.
    folder = Path(tempfile.mkdtemp(prefix="caredesk-dovecot-"))
    folder.chmod(0o755)
    ca, cert, key = write_certificates(folder)
    ssl_port, plain_port = free_port(), free_port()
    config = write_config(folder, ssl_port=ssl_port, plain_port=plain_port, cert=cert, key=key)
    process = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    try:
        _wait_until_listening(process, (ssl_port, plain_port), folder / "dovecot.log")
        yield Dovecot(ssl_port=ssl_port, plain_port=plain_port, ca_file=str(ca))
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(folder, ignore_errors=True)
