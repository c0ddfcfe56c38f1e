from django import template

from schedule import calendar_links

register = template.Library()


@register.filter
def google_calendar_url(talk):
    return calendar_links.google_calendar_url(talk)


@register.filter
def webcal(url):
    return calendar_links.webcal_url(url)


@register.simple_tag(takes_context=True)
def personal_calendar_url(context, user):
    return calendar_links.personal_calendar_url(user, context.get("request"))
