"""One module per probe kind, each its model, its reader and its registration; nothing else lists them."""
