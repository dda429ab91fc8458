"""Kompetansemegler catalog: ingest, normalisation, reference data and storage."""
