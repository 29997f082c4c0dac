"""The renderers of a report: each takes the one layout (`document.Document`) and writes a
format: the web page's SVG chart, PDF, Excel, Word and CSV."""
