"""Compliments from customers, recognised and routed to the people who earned them."""
