"""Scenarios: employment-support business cases, in-house vs bought places, key figures.

- ``businesscase``: the jobcenter's monthly cost for one citizen before and after (benefit,
  wage subsidy, personal assistance lines), variants side by side;
- ``store``: business cases saved and named per citizen;
- ``export``: a business case with its variants as a workbook whose figures are formulas;
- ``pa_followup``: personal-assistance grants due for their yearly follow-up, hours granted vs used
  (the cap and the used hours imported per grant and period are the register's:
  ``core.register.pa_cap``, ``core.register.pa_hours``);
- ``inhouse``: a bought place against an own place, with the break-even month.
"""
