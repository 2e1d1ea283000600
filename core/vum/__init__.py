"""VUM-based allocation to own facilities: assessments, the category rule, allocations.

``rule``: themes, settings and the category rule; ``assessments``: recording and history;
``allocation``: residents, the allocation per facility and year, versions, who is due;
``importing``: ``apply_vum_list`` for imported VUM lists; ``demo``: the demo's VUM data.
"""

from core.vum.allocation import (Allocation, AllocationVersion, CategoryTotal, FacilityOverview, Resident,
                                 all_allocations,
                                 allocation_json, compute_allocation, due, facilities, facility_by_name,
                                 fixed_budget_ore, overview, previous_version, residents, residents_by_facility,
                                 save_allocation, set_fixed_budget, thisted_table, verdict_text, versions)
from core.vum.assessments import (Assessment, assessment_json, list_assessments, parse_scores,
                                  record_assessment)
from core.vum.demo import extend_demo
from core.vum.importing import apply_vum_list
from core.vum.rule import (CATEGORIES, SCORE_LABELS, CategoryRule, Theme, category_rule, parse_category,
                           reassessment_months,
                           save_theme, set_category_rule, set_reassessment_months, set_significant_change_pct,
                           significant_change_pct, themes)

__all__ = [
    "Allocation", "AllocationVersion", "Assessment", "CATEGORIES", "CategoryRule", "CategoryTotal", "FacilityOverview",
    "Resident",
    "SCORE_LABELS", "Theme", "all_allocations", "allocation_json", "apply_vum_list", "assessment_json",
    "category_rule", "compute_allocation", "due", "extend_demo", "facilities", "facility_by_name",
    "fixed_budget_ore", "list_assessments", "overview", "parse_category", "parse_scores", "previous_version", "reassessment_months",
    "record_assessment", "residents", "residents_by_facility", "save_allocation", "save_theme",
    "set_category_rule", "set_fixed_budget", "set_reassessment_months", "set_significant_change_pct",
    "significant_change_pct", "themes", "thisted_table", "verdict_text", "versions",
]
