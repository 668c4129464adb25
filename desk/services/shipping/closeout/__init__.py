"""The shipping day's end: the close-out per carrier, labels and packing lists to print, courier pickups."""
