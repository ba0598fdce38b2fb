"""Password hashing with bcrypt, and the password policy new passwords must meet.

Passwords are only hashed or compared here; they are never stored, returned or logged.
"""

from __future__ import annotations

import functools

import bcrypt

from core.errors import PasswordPolicyError
from core.settings import AuthSettings

BCRYPT_MAX_BYTES = 72


def hash_password(password: str, settings: AuthSettings) -> str:
    """bcrypt hash of a new password; PasswordPolicyError when too short or over 72 bytes.

    bcrypt 5 refuses passwords longer than 72 bytes with a bare ValueError (older versions
    silently truncated them): we check first and say so in words a user can act on.
    """
    size = len(password.encode("utf-8"))
    if size > BCRYPT_MAX_BYTES:
        raise PasswordPolicyError(
            f"password too long: {size} bytes in UTF-8, bcrypt accepts at most {BCRYPT_MAX_BYTES}"
        )
    if len(password) < settings.min_password_length:
        raise PasswordPolicyError(
            f"password too short: at least {settings.min_password_length} characters"
        )
    try:
        digest = bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(settings.bcrypt_rounds))
    except ValueError as exc:  # any other refusal by bcrypt; never echo the password
        raise PasswordPolicyError(f"password rejected by bcrypt: {type(exc).__name__}") from None
    return digest.decode("ascii")


def verify_password(password: str, password_hash: str) -> bool:
    """True when ``password`` matches the hash; an over-long or malformed input is just False."""
    try:
        return bcrypt.checkpw(password.encode("utf-8"), password_hash.encode("ascii"))
    except ValueError:
        return False


@functools.cache
def dummy_hash(rounds: int) -> str:
    """A hash of a throw-away secret at the configured cost: checking a login for an unknown
    user against it takes as long as a real check, so response times do not reveal usernames."""
    return bcrypt.hashpw(b"timing-equaliser", bcrypt.gensalt(rounds)).decode("ascii")
