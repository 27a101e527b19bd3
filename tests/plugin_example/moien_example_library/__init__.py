"""An example moien plugin: the opening hours and membership rules of a fictional public library."""
