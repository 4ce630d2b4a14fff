"""The promise forms that create something, with a one-time key: sent twice, created once."""
from __future__ import annotations

from tracker.once import OnceForm
from tracker.promises.forms import CommitmentForm, CopyForm, FocusAreaForm, PromiseForm


class NewPromiseForm(OnceForm, PromiseForm):
    """Creating a promise: sent twice, one draft."""


class NewFocusAreaForm(OnceForm, FocusAreaForm):
    """Adding a focus area: sent twice, one area."""


class NewCommitmentForm(OnceForm, CommitmentForm):
    """Adding a commitment: sent twice, one commitment."""


class NewCopyForm(OnceForm, CopyForm):
    """Copying a promise to the next period: sent twice, one copy."""
