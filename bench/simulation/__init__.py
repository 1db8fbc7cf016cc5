"""The seeded fault simulation (`python -m bench simulate`): real tills, a real server, faults.

`simulate` runs it; `fund` seeds the fund, `faults` draws the plan, `world` and `tills` are
the server and the till processes (`till_host`), `run` plays the payments, `rogue_till` the
cheating tills, `checks` and `rogue_checks` decide. Each till's line is a
testsupport.network.Line, the relay the till tests cut too.
"""
