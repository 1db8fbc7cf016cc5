"""The web core: what every slice's routes and pages stand on, and nothing of any slice.

- `app`: the application factory, the one place that knows every slice (it registers their
  blueprints, and gives the rate limiter the till look-up it needs);
- `request`: the request's database session and the settings, and the wrapper that is the
  only place a request commits or rolls back;
- `errors`: the single renderer of refusals as JSON;
- `security`: proxies, cookies, security headers and rate limits.

Slices import from here; nothing here but `app` imports a slice (an import-linter contract in
pyproject.toml says so, and `make lint` checks it).
"""
