"""JSON API blueprints. Views are thin: parse, call a service, shape the answer."""
