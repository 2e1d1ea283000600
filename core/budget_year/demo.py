"""The budget year in the demo municipality: target groups and the budget agreement's measures."""

from __future__ import annotations

from core.store import audit

TARGET_GROUPS = ("Udviklingshæmmede", "Sindslidende", "Fysisk handicappede")
# the target group of a citizen from the section of her first grant
GROUP_OF_SECTION = {"§ 85": "Sindslidende", "§ 95": "Fysisk handicappede", "§ 96": "Fysisk handicappede",
                    "§ 97": "Fysisk handicappede", "§ 98": "Fysisk handicappede"}
MEASURES = [  # year, text, account, section, status, responsible, {year: kroner}
    (2027, "Gennemgang af § 85 bevillinger", "5.32.33", "§ 85", "decided", "Lise Holm", {2027: 117_000}),
    (2027, "Hjemtagelse af enkeltmandstilbud", "5.38.50", "§ 108", "planned", "Mads Krog",
     {2027: 969_550, 2028: 969_550}),
    (2027, "Effektiviseringskrav 1,3 % pr. år", "", "", "decided", "Centerchef",
     {2027: 250_000, 2028: 500_000, 2029: 750_000, 2030: 1_000_000}),
]


def extend_demo(db, rng) -> dict:
    """Target groups on the citizens and three savings measures for 2027 (no random draws)."""
    db["target_groups"].insert_all({"name": name} for name in TARGET_GROUPS)
    for cid, section in db.execute(
            "SELECT citizen_id, section FROM grants g WHERE id = (SELECT MIN(id) FROM grants WHERE citizen_id = "
            "g.citizen_id)").fetchall():
        db["citizens"].update(cid, {"target_group": GROUP_OF_SECTION.get(section, "Udviklingshæmmede")})
    for year, text, account, section, status, responsible, planned in MEASURES:
        sid = db["savings"].insert({"year": year, "text": text, "account": account, "section": section,
                                    "status": status, "responsible": responsible, "created_at": audit.now()}).last_pk
        db["savings_amounts"].insert_all({"saving_id": sid, "year": y, "planned_ore": kr * 100}
                                         for y, kr in planned.items())
    return {"savings": len(MEASURES)}
