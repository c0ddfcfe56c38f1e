"""Live questions for each talk: asking, voting, moderation, the stage view.

``models`` holds the rows (imported by ``schedule.models``), ``rules`` who may do
what, ``services`` the changes (each bumps the talk's question version),
``versions`` that version, ``views`` and ``urls`` the pages.
"""
