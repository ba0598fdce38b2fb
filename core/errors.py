"""One small hierarchy of domain errors; the CLI and UI turn them into one-line messages.

Each class carries the process exit code the CLI uses for it.
"""

from __future__ import annotations


class PlantCopilotError(Exception):
    """Base class: an expected failure that the user can act on."""

    exit_code = 1


class UsageError(PlantCopilotError):
    """The request itself is malformed (bad flag value, unknown role, unknown site...)."""

    exit_code = 2


class UnknownRoleError(UsageError):
    """A role outside operator, technician, quality, admin."""


class UnknownSiteError(UsageError):
    """A site that is not registered."""


class AccessDeniedError(PlantCopilotError):
    """The user may not see this document, page or site."""

    exit_code = 3


class NotFoundError(PlantCopilotError):
    """A document, chunk, user or run that does not exist."""

    exit_code = 4


class DocumentError(PlantCopilotError):
    """One input document could not be ingested; the rest of the run goes on."""


class MetadataError(DocumentError):
    """Document metadata is missing, malformed or contradictory."""


class ParseError(DocumentError):
    """The file could not be parsed into text."""


class RevisionConflictError(DocumentError):
    """Two different contents claim the same doc_id and revision."""


class IngestionBusyError(PlantCopilotError):
    """Another ingest or reindex run holds the ingestion lock (runs never overlap)."""

    exit_code = 6


class BackendUnavailableError(PlantCopilotError):
    """The vector index, database or LLM endpoint cannot be reached."""

    exit_code = 5


class AuthenticationError(PlantCopilotError):
    """A login failed: unknown user, wrong password or disabled account (deliberately vague)."""

    exit_code = 3


class AccountLockedError(AuthenticationError):
    """Too many failed logins: the account refuses logins until its lock-out ends."""


class SessionExpiredError(AuthenticationError):
    """A UI session was idle longer than the timeout, or its user was disabled meanwhile."""


class PasswordPolicyError(UsageError):
    """A new password is too short, too long for bcrypt (72 bytes) or otherwise unusable."""


class EmbedderMismatchError(PlantCopilotError):
    """The index was built with another embedder than the configured one (vectors not comparable).

    Fixed by re-embedding the index with the configured embedder: ``plant-copilot reindex --full``.
    """

    exit_code = 2
