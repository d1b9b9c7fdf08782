"""From a page to an Article: extractors, metadata, and the cleaning extractors do not do."""
