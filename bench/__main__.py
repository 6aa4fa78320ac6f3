"""``python -m bench``: run the benchmark (see bench/run.py); ``python -m bench
instructions``: count the instructions a message costs (see bench/instructions.py)."""

import sys

if sys.argv[1:2] == ["instructions"]:
    from bench.instructions import main as instructions

    sys.exit(instructions(sys.argv[2:]))

from bench.run import main

sys.exit(main())
