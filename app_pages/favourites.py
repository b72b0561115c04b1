"""The Favourites page: the designs a visitor starred, two to four side by side."""

from webapp.favourites_page import favourites_page

favourites_page()
