"""vizgraph's built-in Jinja templates; a package only so that the wheel can ship and find them."""
