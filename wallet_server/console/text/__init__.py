"""One module per console section, each with `TEXT = {key: (french, english)}`."""
