"""Real mail servers for the mail channel's tests: a private Dovecot (IMAP) and an aiosmtpd sink (SMTP).

Both listen on 127.0.0.1 on a free port and keep everything in a directory of the test session,
so that parallel test workers and a system Dovecot on the same machine never meet.
"""

from __future__ import annotations

import contextlib
import grp
import imaplib
import logging
import os
import pwd
import re
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from imap_tools import MailBoxUnencrypted

# aiosmtpd logs every dropped client connection from its own thread; under pytest's output
# capture those lines end up as "Logging error" tracebacks that say nothing about the test.
logging.getLogger("mail.log").setLevel(logging.CRITICAL)

DOVECOT_MISSING = "Dovecot (Debian package dovecot-imapd) is not installed: mail tests skipped"
START_TIMEOUT = 15.0


def dovecot_binary() -> str | None:
    found = shutil.which("dovecot")
    if found:
        return found
    return "/usr/sbin/dovecot" if os.access("/usr/sbin/dovecot", os.X_OK) else None


def require_mail_servers() -> None:
    """Skip mail tests where Dovecot is missing, except where they must run (CI sets KUNDENNAH_REQUIRE_MAIL=1)."""
    if dovecot_binary() is not None:
        return
    if os.environ.get("KUNDENNAH_REQUIRE_MAIL") == "1":
        pytest.fail(DOVECOT_MISSING)
    pytest.skip(DOVECOT_MISSING)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _quote_imap(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


class DovecotServer:
    """A Dovecot of our own: own configuration, own users (passwd-file), a Maildir per user.

    Dovecot never lets a mail process run as root and wants its login processes unprivileged.
    As a normal user everything runs as that user. As root (CI), the login processes run as
    Dovecot's own unprivileged user, the mail processes as ``nobody`` chrooted into the mail
    directory (so the private, root-only temporary directories above it need not be opened up),
    and the auth process stays root so that it can read our password file.
    """

    host = "127.0.0.1"

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.port = 0
        self._process: subprocess.Popen[bytes] | None = None
        self._passwords: dict[str, str] = {}
        self._lock = threading.Lock()

    # --- paths -------------------------------------------------------------------------------

    @property
    def config_path(self) -> Path:
        return self.directory / "dovecot.conf"

    @property
    def passwd_dir(self) -> Path:
        return self.directory / "passwd.d"

    @property
    def log_path(self) -> Path:
        return self.directory / "dovecot.log"

    @property
    def output_path(self) -> Path:
        return self.directory / "dovecot.out"

    @property
    def mail_root(self) -> Path:
        return self.directory / "mail"

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return "(Dovecot wrote no log)"

    # --- configuration -----------------------------------------------------------------------

    def _identity(self) -> dict[str, str]:
        if os.geteuid() != 0:
            me = pwd.getpwuid(os.getuid())
            group = grp.getgrgid(os.getgid()).gr_name
            return {
                "internal_user": me.pw_name, "internal_group": group, "login_user": me.pw_name,
                "mail_uid": str(os.getuid()), "mail_gid": str(os.getgid()), "root": "",
            }
        login_user = next((name for name in ("dovenull", "dovecot", "nobody") if _user_exists(name)), "nobody")
        internal_user = "dovecot" if _user_exists("dovecot") else "nobody"
        nobody = pwd.getpwnam("nobody")
        return {
            "internal_user": internal_user, "internal_group": grp.getgrgid(pwd.getpwnam(internal_user).pw_gid).gr_name,
            "login_user": login_user, "mail_uid": str(nobody.pw_uid), "mail_gid": str(nobody.pw_gid), "root": "yes",
        }

    def config_text(self) -> str:
        ident = self._identity()
        if ident["root"]:
            # Mail processes chroot into the mail root before dropping to nobody.
            mail = (
                f"valid_chroot_dirs = {self.mail_root}\n"
                f"mail_chroot = {self.mail_root}\n"
                "mail_location = maildir:/%u\n"
                f"userdb {{\n  driver = static\n  args = uid={ident['mail_uid']} gid={ident['mail_gid']} home=/%u\n}}\n"
                "service auth {\n  user = root\n}\n"
            )
            unconfined = ""
        else:
            mail = (
                f"mail_location = maildir:{self.mail_root}/%u\n"
                f"userdb {{\n  driver = static\n  args = uid={ident['mail_uid']} gid={ident['mail_gid']} "
                f"home={self.mail_root}/%u\n}}\n"
            )
            # Chroot needs root; as a normal user these processes simply run unconfined.
            unconfined = "  chroot =\n"
        return (
            f"base_dir = {self.directory / 'run'}\n"
            f"state_dir = {self.directory / 'state'}\n"
            f"log_path = {self.log_path}\n"
            f"info_log_path = {self.log_path}\n"
            f"debug_log_path = {self.log_path}\n"
            "protocols = imap\n"
            "listen = 127.0.0.1\n"
            "ssl = no\n"
            "disable_plaintext_auth = no\n"
            "auth_mechanisms = plain login\n"
            f"default_internal_user = {ident['internal_user']}\n"
            f"default_internal_group = {ident['internal_group']}\n"
            f"default_login_user = {ident['login_user']}\n"
            "first_valid_uid = 1\n"
            "first_valid_gid = 1\n"
            "auth_cache_size = 0\n"
            "auth_failure_delay = 0\n"
            "mail_fsync = never\n"
            # Folders as most hosted servers show them: INBOX and its siblings, "/" between levels.
            "namespace inbox {\n  inbox = yes\n  separator = /\n}\n"
            # One passwd file per user: Dovecot looks at a known file at most once a second, so a user
            # added to a shared file could stay unknown for a moment; a file it never saw is read at once.
            f"passdb {{\n  driver = passwd-file\n  args = scheme=PLAIN {self.passwd_dir}/%u\n}}\n"
            f"{mail}"
            # Without the penalty socket the auth process does not slow 127.0.0.1 down after a test's
            # deliberately wrong password.
            f"service anvil {{\n{unconfined}  unix_listener anvil-auth-penalty {{\n    mode = 0\n  }}\n}}\n"
            f"service imap-login {{\n{unconfined}"
            f"  inet_listener imap {{\n    address = 127.0.0.1\n    port = {self.port}\n  }}\n"
            "  inet_listener imaps {\n    port = 0\n  }\n"
            "}\n"
        )

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self) -> None:
        binary = dovecot_binary()
        if binary is None:
            raise RuntimeError(DOVECOT_MISSING)
        for sub in ("run", "state", "mail", "passwd.d"):
            (self.directory / sub).mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            nobody = pwd.getpwnam("nobody")
            os.chown(self.mail_root, nobody.pw_uid, nobody.pw_gid)
        last_error = ""
        for _attempt in range(3):
            self.port = free_port()
            self.config_path.write_text(self.config_text())
            self.log_path.write_text("")
            # What Dovecot says before its log process runs goes to a file: a pipe nobody reads could fill up.
            with self.output_path.open("wb") as output:
                self._process = subprocess.Popen(  # noqa: S603 - fixed binary, our own configuration file
                    [binary, "-F", "-c", str(self.config_path)],
                    stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT,
                )
            try:
                self._wait_ready()
                return
            except RuntimeError as exc:
                last_error = str(exc)
                self.stop()
                # Another process took the port between our probe and Dovecot's bind: try another.
                if "Address already in use" not in last_error:
                    break
        raise RuntimeError(last_error)

    def _wait_ready(self) -> None:
        assert self._process is not None
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                output = self.output_path.read_text(errors="replace")
                raise RuntimeError(
                    f"Dovecot exited with {self._process.returncode} on port {self.port}.\n"
                    f"Output:\n{output}\nLog:\n{self.log()}"
                )
            try:
                client = imaplib.IMAP4(self.host, self.port, timeout=2)
            except OSError:
                time.sleep(0.05)
                continue
            with contextlib.suppress(imaplib.IMAP4.error, OSError):
                client.logout()
            return
        raise RuntimeError(f"Dovecot did not accept IMAP connections on port {self.port}.\nLog:\n{self.log()}")

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)

    def __enter__(self) -> DovecotServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- users and mail ----------------------------------------------------------------------

    def add_user(self, name: str, password: str) -> None:
        if not re.fullmatch(r"[A-Za-z0-9._+-]+(@[A-Za-z0-9.-]+)?", name) or ":" in password or "\n" in password:
            raise ValueError(f"unusable test user {name!r}")
        with self._lock:
            if name in self._passwords:
                raise ValueError(f"test user {name!r} exists already")
            self._passwords[name] = password
            (self.passwd_dir / name).write_text(f"{name}:{{PLAIN}}{password}\n")
        # The home exists before the first login, which Dovecot would otherwise log as an error.
        home = self.mail_root / name
        home.mkdir(exist_ok=True)
        if os.geteuid() == 0:
            nobody = pwd.getpwnam("nobody")
            os.chown(home, nobody.pw_uid, nobody.pw_gid)

    @contextlib.contextmanager
    def login(self, user: str) -> Iterator[MailBoxUnencrypted]:
        """An imap-tools mailbox logged in as ``user`` (no folder selected)."""
        mailbox = MailBoxUnencrypted(self.host, self.port, timeout=10)
        mailbox.login(user, self._passwords[user], initial_folder=None)
        try:
            yield mailbox
        finally:
            with contextlib.suppress(imaplib.IMAP4.error, OSError):
                mailbox.logout()

    def append(self, user: str, raw: bytes, folder: str = "INBOX") -> None:
        with self.login(user) as mailbox:
            mailbox.append(raw, folder)

    def uids(self, user: str, folder: str = "INBOX") -> list[str]:
        with self.login(user) as mailbox:
            mailbox.folder.set(folder, readonly=True)
            return list(mailbox.uids("ALL"))

    def messages(self, user: str, folder: str = "INBOX") -> list[bytes]:
        """Every mail in the folder exactly as the server returns it, in UID order, without marking it seen."""
        with self.login(user) as mailbox:
            mailbox.folder.set(folder, readonly=True)
            typ, data = mailbox.client.uid("FETCH", "1:*", "(BODY.PEEK[])")
            if typ != "OK":
                raise RuntimeError(f"FETCH failed: {data!r}")
            return [item[1] for item in data if isinstance(item, tuple)]

    def folders(self, user: str) -> list[str]:
        with self.login(user) as mailbox:
            return [folder.name for folder in mailbox.folder.list()]

    def create_folder(self, user: str, name: str) -> None:
        with self.login(user) as mailbox:
            mailbox.folder.create(name)

    def clear(self, user: str) -> None:
        """Delete every mail in every folder of the user (the folders stay)."""
        with self.login(user) as mailbox:
            for folder in mailbox.folder.list():
                if "\\Noselect" in folder.flags:
                    continue
                mailbox.client.select(_quote_imap(folder.name))
                mailbox.client.uid("STORE", "1:*", "+FLAGS.SILENT", "(\\Deleted)")
                mailbox.client.expunge()


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


# --- SMTP ------------------------------------------------------------------------------------


class _SinkHandler:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        # Checked here rather than with aiosmtpd's auth_required, which warns on every connection without TLS.
        if self.sink.username and not session.authenticated:
            return "530 5.7.0 Authentication required"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.sink.reject_with is not None and self.sink.reject_at == "rcpt":
            code, text = self.sink.reject_with
            return f"{code} {text}"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.sink.reject_with is not None and self.sink.reject_at == "data":
            code, text = self.sink.reject_with
            return f"{code} {text}"
        raw = envelope.original_content or envelope.content
        self.sink._receive(envelope.mail_from, list(envelope.rcpt_tos), bytes(raw))
        return "250 Message accepted for delivery"


class SmtpSink:
    """An SMTP server that keeps what it receives, or refuses it as told.

    ``reject_with=(451, "Try again later")`` answers every mail with that reply, at DATA by default
    or at RCPT with ``reject_at="rcpt"``. With ``username`` set, AUTH PLAIN/LOGIN is offered over
    plain text and required before MAIL.
    """

    host = "127.0.0.1"

    def __init__(self, *, username: str = "", password: str = "", reject_with: tuple[int, str] | None = None,
                 reject_at: str = "data") -> None:
        self.username = username
        self.password = password
        self.reject_with = reject_with
        self.reject_at = reject_at
        self.port = 0
        self.logins: list[str] = []
        self._messages: list[tuple[str, list[str], bytes]] = []
        self._lock = threading.Lock()
        self._controller: Controller | None = None

    @property
    def messages(self) -> list[tuple[str, list[str], bytes]]:
        """(envelope sender, envelope recipients, raw message) of every mail received, oldest first."""
        with self._lock:
            return list(self._messages)

    def _receive(self, mail_from: str, rcpt_tos: list[str], raw: bytes) -> None:
        with self._lock:
            self._messages.append((mail_from, rcpt_tos, raw))

    def _authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        if isinstance(auth_data, LoginPassword):
            login = auth_data.login.decode(errors="replace")
            if login == self.username and auth_data.password.decode(errors="replace") == self.password:
                with self._lock:
                    self.logins.append(login)
                return AuthResult(success=True)
        return AuthResult(success=False, handled=False)

    def start(self) -> None:
        options: dict[str, object] = {}
        if self.username:
            options = {"auth_require_tls": False, "authenticator": self._authenticate}
        last_error: Exception | None = None
        for _attempt in range(3):
            self.port = free_port()
            controller = Controller(_SinkHandler(self), hostname=self.host, port=self.port, ready_timeout=10,
                                    **options)
            try:
                controller.start()
            except (OSError, RuntimeError) as exc:
                last_error = exc
                with contextlib.suppress(Exception):
                    controller.stop()
                continue
            self._controller = controller
            return
        raise RuntimeError(f"SMTP sink did not start: {last_error}")

    def stop(self) -> None:
        controller, self._controller = self._controller, None
        if controller is not None:
            controller.stop()

    def clear(self) -> None:
        """Forget what was received and answer normally again."""
        with self._lock:
            self._messages.clear()
            self.logins.clear()
        self.reject_with = None
        self.reject_at = "data"

    def __enter__(self) -> SmtpSink:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
