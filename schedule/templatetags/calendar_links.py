from django import template

from schedule import calendar_links

register = template.Library()


@register.filter
def google_calendar_url(talk):
    return calendar_links.google_calendar_url(talk)


@register.filter
def webcal(url):
    return calendar_links.webcal_url(url)


@register.simple_tag
def personal_calendar_url(user):
    return calendar_links.personal_calendar_url(user)
