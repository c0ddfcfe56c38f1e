def site(request):
    """The site's name, and its root as this request reached it (for absolute links)."""
    return {"SITE_NAME": "Eventsite", "SITE_URL": f"{request.scheme}://{request.get_host()}"}
