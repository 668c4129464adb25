"""The broker's price lists ("Cennik"): lists and their rows, the services they may name, CSV in and out,
the public list a fresh desk starts with, and quotes priced by the list valid on a day."""
