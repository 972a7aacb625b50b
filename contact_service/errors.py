"""Error pages that must work when the database does not."""

import sys

from django.db import DatabaseError
from django.http import HttpResponse, HttpResponseServerError

# Self-contained: the usual base template asks the database who is logged in.
_UNAVAILABLE = """<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><title>Briefly unavailable · Contact Service</title>
</head><body><main>
<h1>The Contact Service is briefly unavailable</h1>
<p>Its database cannot be reached just now. Nothing you sent was half-saved: try again in a
minute. If this lasts, tell the service desk.</p>
</main></body></html>
"""
_ERROR = """<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><title>Error · Contact Service</title></head>
<body><main><h1>Something went wrong</h1>
<p>The error has been logged. Go back and try again, or tell the service desk.</p>
</main></body></html>
"""


def server_error(request):
    """handler500: a database outage answers 503 with Retry-After, anything else a plain 500."""
    error = sys.exc_info()[1]
    if isinstance(error, DatabaseError):
        response = HttpResponse(_UNAVAILABLE, status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponseServerError(_ERROR)
