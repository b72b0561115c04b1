"""The Store settings page: staff sign in here; the price table and the shop terminal."""

from webapp.store_page import store_page

store_page()
