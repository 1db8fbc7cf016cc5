"""What the tests and the benchmarks share, and nothing else: neither the server nor the tills
import it, and it is not part of the wheel.

- `network`: the shop's line, a TCP relay to the wallet server that a test or the fault
  simulation cuts (tests/pos_client, bench/simulation);
- `fund`: a fund ready to pay, seeded through the services a coordinator's actions go
  through: funded wallets, approved shops with pairing codes for their tills, a signing key
  (tests/payments.py, tests/factories.py, the benchmarks' seeds).
"""
