"""The Design page: the piece, its price and preview, the form, the check and the files."""

from webapp.design_page import design_page

design_page()
