import sys

from offline_rules.vectors import main

sys.exit(main())
