"""One module per console section; each is imported by `register_console`."""
