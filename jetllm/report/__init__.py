"""The bring-up report: the versioned Report record (report.json) and its
renderers: a Rich table, report.md, JUnit XML, a docker-compose service and
.env for the winner. Files are written whole or not at all (write.py).

`jetllm report DIR` loads a saved report.json and renders it again.
"""

from jetllm.report.model import REPORT_SCHEMA_VERSION, Report, build_report, load_report
from jetllm.report.rows import errors as report_errors
from jetllm.report.write import check_out_dir, write_junit, write_report_dir

__all__ = [
    "REPORT_SCHEMA_VERSION",
    "Report",
    "build_report",
    "check_out_dir",
    "load_report",
    "report_errors",
    "write_junit",
    "write_report_dir",
]
