"""Words: the catalogs and their rendering, the catalog check, SMS segments. Pure, no I/O."""
