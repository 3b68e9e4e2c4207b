"""Realistic German data for trials, demos and benchmarks.

``german_data`` holds the curated vocabulary (names, places with their real postcodes, banks,
trades), ``timeline_texts`` what customers and agents write, ``generate`` turns a seeded random
generator into people and organisations, ``demo`` tells the demo story through the real
services, and ``bulk`` writes millions of customers with bulk inserts.
"""
