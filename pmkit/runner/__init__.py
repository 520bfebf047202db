"""Running reports: plan a batch, execute its notebooks, render, publish, link and print the pages."""
