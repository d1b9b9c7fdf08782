"""The attribution entry point other tools score (a contract: see DESIGN.md).

``attribute_text(text, lang="en")`` returns items with ``cue_span``, ``source_span`` and
``content_span`` (character offsets into ``text``, end exclusive). The work is done in
:mod:`parallax.outlet.attribution`; this module only keeps the public name stable.
"""

from parallax.outlet.attribution import (Attribution, SentenceAttribution, attribute_paragraphs,
                                         attribute_text, method)

__all__ = ["Attribution", "SentenceAttribution", "attribute_paragraphs", "attribute_text", "method"]
