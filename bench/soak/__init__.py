"""The soak: minutes of mixed load on gunicorn, an allocation run half-way, then the books.

`soak` runs it; `fixture` seeds the fund, `traffic` is what each client does, `cli` runs the
`caisse` command, `monitor` watches the run, `checks` decide whether it held, `report` prints.
"""
