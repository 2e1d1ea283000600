"""Scenarios: employment-support business cases, in-house vs bought places, key figures.

- ``businesscase``: the jobcenter's monthly cost for one citizen before and after (benefit,
  wage subsidy, personal assistance lines), variants side by side;
- ``store``: business cases saved and named per citizen;
- ``export``: a business case with its variants as a workbook whose figures are formulas;
- ``pa_hours``: used hours of personal assistance in employment, imported per grant and period;
- ``pa_followup``: personal-assistance grants due for their yearly follow-up, hours granted vs used
  (the cap itself is a register rule: ``core.register.pa_cap``);
- ``inhouse``: a bought place against an own place, with the break-even month.
"""
