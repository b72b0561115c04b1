"""The Store stones page: staff manage the store's loose stones."""

from webapp.stones_page import stones_page

stones_page()
