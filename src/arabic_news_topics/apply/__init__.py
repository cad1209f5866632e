"""Stage 10: the run's model bundle and its use on new articles (``bundle``: the folder's
manifest and checks; ``core``: :func:`load_bundle` and ``transform``; ``step``: the rules'
reading and writing)."""

from .core import TopicBundle, load_bundle

__all__ = ["TopicBundle", "load_bundle"]
