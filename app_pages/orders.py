"""The Orders page (staff): orders placed from saved designs, the board by stage, an order moved on or cancelled."""

from webapp.orders_page import orders_page

orders_page()
