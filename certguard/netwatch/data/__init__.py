"""Package data of netwatch: the default official hosts and ad keyword list."""
