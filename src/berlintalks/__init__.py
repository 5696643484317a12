"""berlintalks: a fact-checking knowledge base kept as YAML and published as a site."""

__version__ = "0.1.0"
