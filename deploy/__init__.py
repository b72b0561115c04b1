"""Several app servers behind nginx, for a store (or a chain) that one machine no longer carries.

`deploy.config` renders nginx's configuration from `deploy/nginx.conf.template`; `python -m deploy` (deploy/run.py)
starts N `streamlit run app.py` replicas and nginx in front of them on this machine; `deploy/compose.yaml` does the
same with containers. How it works and what was tested: docs/deploy.md.
"""
