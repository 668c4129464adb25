"""The shipping area: shipment orders sent to carriers exactly once, tracking, and (beside them) the
price lists and quotes they are charged by. Carrier ports arrive as arguments (`PortFor`)."""
