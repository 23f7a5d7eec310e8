"""The pipeline: pure stages from bytes to facts, importing no storage and no front end.

``read`` (bytes → :class:`~workreport.model.Document`, one opener for every format),
``sources`` (the one walker over files and folders), ``normalise`` (a length-preserving
fold), ``numerals`` (Chinese, Arabic and mixed numerals), ``places`` (the gazetteer of
jurisdictions), ``structure`` (metadata, sections, paragraph roles and periods),
``extract`` (facts), ``resolve`` (commitments and observations from facts), ``evaluate``
(FACTS.md §6 scoring).
"""
