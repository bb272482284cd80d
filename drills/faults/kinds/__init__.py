"""One module per fault kind, each its model, its injector and its registration; nothing else lists them."""
