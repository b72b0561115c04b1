"""`python -m deploy`: N replicas of the app behind nginx on this machine (deploy/run.py)."""

from deploy.run import main

raise SystemExit(main())
