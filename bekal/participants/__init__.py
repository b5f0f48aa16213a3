"""The participant as a whole: the journey across every app, and what staff see of it.

Not a Django app (no models): read-models composed from the domain apps below it.
"""
