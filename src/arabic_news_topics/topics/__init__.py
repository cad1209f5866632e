"""Stage 4: topic models (five engines), their measures, and the choice of K over seeds."""
