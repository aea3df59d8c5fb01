"""Attachments are stored through Django's storage API, after a size and type check."""

import mimetypes
from collections.abc import Sequence
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# Files that run when opened: refused, whatever the customer meant by them.
FORBIDDEN_EXTENSIONS = {
    ".exe", ".bat", ".cmd", ".com", ".scr", ".pif", ".msi", ".js", ".jse", ".vbs", ".vbe", ".ps1",
    ".jar", ".hta", ".cpl", ".dll", ".lnk", ".reg", ".sh", ".app",
}


def validate(files: Sequence) -> None:
    """Raise ValidationError naming the first file that is too big or of a forbidden type."""
    limit = settings.CAREDESK_MAX_ATTACHMENT_BYTES
    for upload in files:
        name = PurePath(upload.name or "").name
        if PurePath(name.lower()).suffix in FORBIDDEN_EXTENSIONS:
            raise ValidationError(
                _("%(name)s was not accepted: files of this type can run programs. Send it as a ZIP or PDF.")
                % {"name": name}
            )
        if upload.size > limit:
            raise ValidationError(
                _("%(name)s is %(size)s; attachments can be at most %(limit)s.")
                % {"name": name, "size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
            )


def save(message, files: Sequence) -> list:
    from .models import Attachment

    saved = []
    for upload in files:
        name = PurePath(upload.name or "attachment").name[:200] or "attachment"
        content_type = getattr(upload, "content_type", None) or mimetypes.guess_type(name)[0] or "application/octet-stream"
        attachment = Attachment(message=message, filename=name, content_type=content_type[:100], size=upload.size)
        attachment.file.save(name, upload, save=False)
        attachment.save()
        saved.append(attachment)
    return saved
