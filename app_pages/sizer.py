"""The Find my size page: a printable sizer, and a size from a measurement."""

from webapp.sizer_page import sizer_page

sizer_page()
