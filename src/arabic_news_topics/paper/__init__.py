"""The paper target: numbered figures and LaTeX/Markdown tables with checksums."""
