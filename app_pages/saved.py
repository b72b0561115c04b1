"""The Saved designs page: a client's own designs (or, for staff, every client's)."""

from webapp.saved_page import saved_page

saved_page()
