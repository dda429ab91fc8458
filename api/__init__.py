"""Kompetansemegler API, command line and web page."""
