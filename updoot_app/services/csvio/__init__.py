"""CSV import (decoding, parsing, column mapping, row validation) and safe CSV export.

Plain Python and pandas: no Reflex, no database. The importer service calls
``reading.read_csv_bytes``, lets the user confirm ``mapping.guess_mapping``,
then runs ``row_validation.validate_rows`` and writes only ``result.records``;
``result.errors`` becomes the downloadable report from
``row_validation.errors_to_csv``. Every CSV the app hands to a spreadsheet
goes out through ``writing.frame_to_csv_bytes``.

``reading``, ``fields``, ``cell_parsers`` and ``writing`` import no other
module of this package; ``mapping`` builds on ``fields``, and
``row_validation`` on all of them.
"""
