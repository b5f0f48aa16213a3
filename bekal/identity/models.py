"""Identity: NIK/KK parsing lives in bekal.identity.nik; models arrive with registration."""
