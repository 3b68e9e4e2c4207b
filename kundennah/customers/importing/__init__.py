"""Import of customers, sites and contact points from CSV and XLSX.

The way through, module by module:

- ``readers``: recognise the file (CSV encoding and delimiter, or XLSX) and stream its rows.
- ``mapping``: which column feeds which field; suggestions from German and English headers.
- ``rows``: one row → checked data, with the validation the UI and the API use (pure).
- ``workers``: ``rows`` in helper processes for large files.
- ``checking``: phase 1, every row checked, cross-row rules (numbers, site codes), staged.
- ``staging``: the on-disk scratch store between the phases.
- ``writing``: phase 2, bulk inserts with history, search keys and events.
- ``report``: the downloadable error report (CSV for German Excel, formula-safe).
- ``jobs``: the services the pages and the task call.
- ``forms`` and ``uploads``: the upload form and the size limit that applies while uploading.
"""
