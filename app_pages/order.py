"""The Your order page: where a client's order stands, behind her access code; her approval of its design."""

from webapp.order_page import order_page

order_page()
