"""The official self-inspection tables of the campaign, generated from the data.

- 施工单位特种作业人员持证情况自查登记表 (seed 001 附件1), including people the query system
  could not find;
- 安全生产资格证书涉假专项治理自查表（生产经营单位）(seed 002 附件2), laid out from the seven
  items of its 附件3 checklist;
- 生产经营单位特种作业管理情况自查表 (seed 003 附件2), with the "two 100%" targets.

Each is an XLSX in the official layout (``xlsx.py``) and a PDF ready to stamp (``pdf.py``),
built from the plain data in ``data.py`` so any caller (views, CLI, jobs) can fill them.
"""

from certguard.selfcheck.official.data import (
    ChecklistAnswer,
    Counts,
    Employer,
    Figures,
    SelfCheckData,
    WorkerLine,
)
from certguard.selfcheck.official.pdf import write_pdf
from certguard.selfcheck.official.xlsx import TABLES, write_xlsx

__all__ = ["TABLES", "ChecklistAnswer", "Counts", "Employer", "Figures", "SelfCheckData",
           "WorkerLine", "write_pdf", "write_xlsx"]
