"""The language a talk is given in: how pages name it ("in Russian", "на русском") and
the schedule's filter by it (``?language=ru``)."""

from django.utils.translation import get_language_info, gettext
from django.utils.translation import gettext_lazy as _

FILTER_PARAMETER = "language"

# The languages talks are given in at this site's events, with the words pages use.
SPOKEN_IN = {"en": _("in English"), "ru": _("in Russian")}


def spoken_in(code: str) -> str:
    """ "in Russian" ("на русском"); another code by its name: "language: Deutsch"."""
    label = SPOKEN_IN.get(code)
    if label is not None:
        return str(label)
    try:
        name = get_language_info(code)["name_translated"]
    except KeyError:
        name = code
    return gettext("language: %(name)s") % {"name": name}


def known(code: str) -> bool:
    """A language the pages can name, and so a ``lang`` attribute and a filter value."""
    return code in SPOKEN_IN


def chosen(request) -> str:
    """The talk language the schedule is filtered by: a known code, else "" (all talks).

    Anything else in ``?language=`` is ignored, so made-up values neither fail nor
    make pages of their own in the cache.
    """
    value = request.GET.get(FILTER_PARAMETER, "")
    return value if known(value) else ""


def choices(current: str) -> list[dict]:
    """The options of the filter form: all languages first."""
    options = [{"value": "", "label": gettext("in all languages"), "selected": not current}]
    options += [
        {"value": code, "label": str(label), "selected": code == current}
        for code, label in SPOKEN_IN.items()
    ]
    return options
