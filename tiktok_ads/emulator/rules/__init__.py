"""TikTok's API rules, endpoint by endpoint: parameters, checks, errors, paging, each with its source.

``api.Api`` holds the route table; each ``api_*`` module and the report modules register their routes.
A new endpoint's rules go in a handler here, registered in its module's ``*_ROUTES``.
"""
