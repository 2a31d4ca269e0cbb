"""A small hotline case service over urbangov: FastAPI, SQLite, append-only events.

``hotline.store`` holds the SQL, ``hotline.service`` the urbangov calls, ``hotline.app``
the HTTP routes and error responses, ``hotline.serve`` a way to run it on a free port
(for the demo and the tests).
"""
