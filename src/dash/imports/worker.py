"""The second process of a large import: read and validate the file, hand batches over.

Started by the importer as ``python -m dash.imports.worker '<json arguments>'``; it writes
pickled messages to stdout, read only by the process that started it: ("batch", records,
bytes read, rows read) for each batch, then ("done", report), or ("error", exception).
"""

from __future__ import annotations

import gc
import json
import pickle
import sys
from pathlib import Path


def main(arguments: str) -> None:
    from .adapters import ADAPTERS
    from .importer import ImportOptions, ImportReport, _validated_batches
    from .source import CsvSource

    args = json.loads(arguments)
    out = sys.stdout.buffer
    gc.disable()  # see importer._without_cycle_collection

    def send(message: tuple) -> None:
        pickle.dump(message, out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()

    try:
        fmt = ADAPTERS[args["origin"]]
        source = CsvSource(args["path"], args["encoding"])
        report = ImportReport(origin=args["origin"], file=Path(args["path"]))
        report.region = tuple(args["region"])
        options = ImportOptions(
            skip_invalid=args["skip_invalid"],
            date_order=args["date_order"],
            status=args["status"],
        )
        for batch in _validated_batches(source, fmt, report, options, args["batch_rows"]):
            send(("batch", batch, source.bytes_read, report.rows_read))
        report.stats, report.header = source.stats, source.header  # type: ignore[attr-defined]
        send(("done", report))
    except Exception as exc:  # noqa: BLE001 - re-raised by the importing process
        send(("error", _portable(exc)))


def _portable(exc: Exception) -> Exception:
    """``exc``, or its type and message if it would not come out of the pipe whole (an
    exception whose __init__ takes other arguments than its message cannot be unpickled)."""
    try:
        pickle.loads(pickle.dumps(exc))  # noqa: S301 - our own object
    except Exception:  # noqa: BLE001 - any failure means: send it as text
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc


if __name__ == "__main__":
    main(sys.argv[1])
