from django.http import HttpRequest, HttpResponse


def _todo(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    return HttpResponse("")


portal = portal_lead = availability = forward = supervision = lead_detail = coverage = coverage_csv = survey = _todo
