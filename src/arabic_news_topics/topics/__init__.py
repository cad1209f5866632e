"""Stage 4: topic models (four engines), their measures, and the choice of K over seeds."""
