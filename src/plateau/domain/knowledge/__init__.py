"""Pure text processing of the knowledge base: French normalisation, stemming, synonyms, query building."""
