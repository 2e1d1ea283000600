"""Every user setting declared once: name, type, default, Danish label and description.

Only the declaration, with no imports of Dispo's own, so that the audit log can name a
setting the way the screens do; ``core.store.settings`` reads, checks and stores the values.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Setting:
    name: str
    kind: str                 # "text", "int", "amount", "percent"
    default: object
    label: str                # Danish, for the dialog
    description: str          # Danish, one or two sentences
    group: str = "Generelt"   # the dialog's tab
    minimum: Decimal | int | None = None
    maximum: Decimal | int | None = None


SETTINGS: dict[str, Setting] = {s.name: s for s in [
    Setting("municipality", "text", None, "Egen kommune",
            "Navnet på kommunen, der bruger Dispo. Bevillinger, som en anden kommune betaler, "
            "er indtægt for egne tilbud og tæller ikke som udgift.", "Generelt"),
    Setting("reconcile_threshold", "amount", Decimal("1000"), "Afstemning: beløbsgrænse (kr.)",
            "Forskelle mellem bogført og beregnet under denne grænse markeres ikke i afstemningen.",
            "Kontroller", minimum=Decimal("0")),
    Setting("backup.keep_daily", "int", 7, "Sikkerhedskopier: daglige",
            "Så mange dage gemmes den nyeste kopi fra hver dag.", "Sikkerhedskopier", minimum=0),
    Setting("backup.keep_weekly", "int", 4, "Sikkerhedskopier: ugentlige",
            "Så mange uger gemmes den nyeste kopi fra hver uge.", "Sikkerhedskopier", minimum=0),
    Setting("backup.keep_monthly", "int", 12, "Sikkerhedskopier: månedlige",
            "Så mange måneder gemmes den nyeste kopi fra hver måned.", "Sikkerhedskopier", minimum=0),
    Setting("budget_year", "int", None, "Budgetår",
            "Det år, Dispo viser, før der er bogført noget (sættes i den første opsætning).", "Generelt",
            minimum=1900, maximum=2200),
    Setting("validation.ending_soon_days", "int", 60, "Validering: udløber snart (dage)",
            "Bevillinger, der slutter inden for så mange dage, vises som 'Bevilling udløber snart' "
            "i datavalideringen.", "Kontroller", minimum=1, maximum=366),
    Setting("provider.invoice_lag_days", "int", 45, "Fakturaforsinkelse for nye leverandører (dage)",
            "Hvor mange dage efter en måned en leverandør normalt fakturerer. Bruges for nye leverandører; "
            "hver leverandør kan have sin egen.", "Kontroller", minimum=0, maximum=365),
    Setting("ui.font_size", "int", 0, "Skriftstørrelse (punkt)",
            "Skriftstørrelsen i Dispos vinduer. 0 betyder systemets standard. Gælder fra næste start af "
            "vinduet eller straks, når indstillingen gemmes.", "Udseende", minimum=0, maximum=24),
]}
