"""Security headers on every response the app gives — pages, JSON, static files,
error pages — and the settings for serving it behind an HTTPS proxy.

The Content-Security-Policy allows scripts, styles and images from this site only:
no inline ``<script>``, no ``style=`` attributes, no plugins, no ``<base>`` elsewhere,
forms posting only here, and no framing (``frame-ancestors``, and X-Frame-Options for
older browsers). A response that brings its own, stricter policy keeps it (the
buying center's SVG download: ``default-src 'none'``), with framing forbidden too. The diagrams are inline SVG with presentation attributes, which the
policy does not touch. HSTS is sent only on a request that arrived over HTTPS: behind
a proxy that ends TLS, set DEALFLOW_TRUSTED_PROXIES to the number of proxies in front
so ProxyFix reads their X-Forwarded-Proto (and X-Forwarded-For, the client's address
that login throttling counts by).

A hook of our own rather than flask-talisman: it is these six fixed headers, and
flask-talisman (no release since 1.1.0 in August 2023) would need its defaults turned
off (a redirect to HTTPS, forced Secure cookies) to behave like this."""

from __future__ import annotations

from flask import Flask, Response, request
from werkzeug.middleware.proxy_fix import ProxyFix

POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def init_app(app: Flask) -> None:
    """Add the headers to every response of ``app``; trust ``TRUSTED_PROXIES``
    proxies' X-Forwarded-* headers (0: none, the app faces the clients itself)."""
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)  # type: ignore[method-assign]
    hsts = f"max-age={int(app.config.get('HSTS_SECONDS', 365 * 24 * 3600))}; includeSubDomains"

    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers.update(HEADERS)
        own = response.headers.get("Content-Security-Policy")
        if own is None:
            response.headers["Content-Security-Policy"] = POLICY
        elif "frame-ancestors" not in own:  # a view's stricter policy (the SVG download) stays
            response.headers["Content-Security-Policy"] = f"{own}; frame-ancestors 'none'"
        if request.is_secure:
            response.headers["Strict-Transport-Security"] = hsts
        return response
