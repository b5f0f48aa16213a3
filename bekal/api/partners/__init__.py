"""APIs for partners: training platforms (v1)."""
