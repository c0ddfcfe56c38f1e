"""Speaker self-service at /speaker/: claim a profile, then keep it up to date.

``claims`` decides who may claim which profile (and the organisers' invite links),
``forms`` holds the profile and photo forms the admin shares, ``views`` the pages.
"""
