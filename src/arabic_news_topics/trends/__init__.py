"""Stage 8: topic and theme prevalence over time and by source."""
