"""The configurator in the browser: a thin Streamlit frame over the `configurator` library.

Run with `streamlit run app.py`. This file sets the page up, draws the sidebar every page shares (the pages'
menu, New client) and runs the page chosen (`pages/*.py`, one `st.Page` each), so that no failure of a page shows a
traceback. The pages' logic lives in `webapp/` (the design in the session, the controls, the staff's sign-in, the
files), the trade's in `configurator/`.

The Design page is the default: the address "/" opens it, with a share link's `?design=` or a private link's
`?saved=&code=`; the other pages keep `?design=` in the address too, so a reload opens the same design. Store
settings, where staff sign in, is listed for everyone; Store stones only for signed-in staff (a visitor who types its
address is told to sign in). The menu's links carry the design (`?design=`), where Streamlit's own menu would drop the
query: a page whose server is gone goes on with its own design on the next server, whichever page it opens first. The pages live in `app_pages/`, not `pages/`: Streamlit runs a `pages/` folder next to
the entry point as pages of their own, around this frame, whenever it finds one (on a server's first run, and in
AppTest on every run).
"""

from __future__ import annotations

import streamlit as st

from webapp.session import address_token, keep_in_address, new_client
from webapp.staff import keep_staff_name, staff
from webapp.ui import LOG, guarded, say
from webapp.visitors import remember_owner, terminal

st.set_page_config(page_title="Jewelry configurator", page_icon="💍", layout="wide")
keep_staff_name()
design = st.Page("app_pages/design.py", title="Design", default=True)
stones = st.Page("app_pages/store_stones.py", title="Store stones")
orders = st.Page("app_pages/orders.py", title="Orders")
pages = [design, st.Page("app_pages/guided.py", title="Step by step"),
         st.Page("app_pages/favourites.py", title="Favourites"), st.Page("app_pages/sizer.py", title="Find my size"),
         st.Page("app_pages/saved.py", title="Saved designs"),
         st.Page("app_pages/order.py", title="Your order"),
         st.Page("app_pages/store_settings.py", title="Store settings"), orders, stones]
page = st.navigation(pages, position="hidden")
with st.sidebar:
    carried = {"design": address_token()}
    for listed in pages:
        if listed not in (stones, orders) or staff():
            st.page_link(listed, query_params=carried, width="stretch")
if st.session_state.pop("open_design", False) and page.url_path != design.url_path:
    st.switch_page(design)  # a saved design loaded, or a new client: the design is what comes next
st.sidebar.button("New client", key="new_client", on_click=guarded(new_client), width="stretch",
                  help="Forget the last client on this browser: her design, codes and saved designs are no longer "
                       "shown here (they stay saved; her code opens them)")
if terminal():
    st.sidebar.caption("Shop terminal: designs saved here are not listed to the next client.")
remember_owner()
try:
    if page.url_path != design.url_path:
        keep_in_address()
    page.run()
except Exception as exc:  # noqa: BLE001 - no traceback reaches a person: one line, the design kept
    LOG.exception("page %s", page.title)
    say("error", (f"Something went wrong on this page ({type(exc).__name__}: {exc}). Your design is kept; "
                   "try again, or reload the page.")[:400])
