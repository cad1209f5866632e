"""Stage 7: agreement of clusters and topics with gold labels."""
