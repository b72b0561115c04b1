"""The Step by step page: the guided way through a design, a step a screen."""

from webapp.guided_page import guided_page

guided_page()
