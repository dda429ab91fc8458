"""Kompetansemegler matcher: pure ranking, rules and demand analysis (no database, no HTTP)."""
