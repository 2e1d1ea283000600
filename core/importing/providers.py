"""Matching provider names in a file to the providers Dispo knows.

Exact (case and spacing ignored) first, then a name cut short (spreadsheet sheet names
stop at 31 characters), then fuzzy with rapidfuzz. Only a very high score is accepted
without asking; everything else is shown for confirmation and otherwise becomes a new
provider, created in the import's batch.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from core.register.providers import create_provider, list_providers

AUTO_ACCEPT = 95     # a fuzzy score at least this high is taken without asking (CLI)
SUGGEST = 80         # shown as a suggestion from this score
SHEET_NAME_LIMIT = 31


@dataclass
class ProviderChoice:
    """What a provider name in the file becomes: an existing provider, or a new one."""

    name: str                     # as written in the file
    provider_id: int | None       # the chosen existing provider; None = create new
    suggestion: str = ""          # the best existing name, for the preview
    suggestion_id: int | None = None
    score: float = 0.0
    kind: str = "privat"          # for a new provider
    municipality: str = ""

    @property
    def is_new(self) -> bool:
        return self.provider_id is None


def _norm(name: str) -> str:
    return " ".join(name.casefold().split())


PRIVATE_MARKERS = re.compile(r"(?<![a-zæøå])(aps|a/s|i/s|ivs|k/s|p/s|amba|a\.m\.b\.a|fond|fonden|selvejende|"
                             r"forening|privat|holding|ltd|gmbh)(?![a-zæøå])")


_COMPANY_FORM = re.compile(r"(?<![a-zæøå])(?:aps|a/s|i/s|ivs|k/s|p/s|amba|a\.m\.b\.a\.?)(?![a-zæøå])")


def _without_company_form(name: str) -> str:
    """A name without its company form (``Åhuset ApS`` and ``Åhuset`` are one company)."""
    return " ".join(_COMPANY_FORM.sub(" ", _norm(name)).replace(",", " ").split())


def guess_kind(name: str, own_municipality: str = "") -> tuple[str, str]:
    """``(kind, municipality)`` of a new provider from its name.

    '(Nabo Kommune)' or 'Nabo Kommune' is another municipality (unless it is the own one),
    'Region ...' a region, a company form (ApS, A/S, fond, forening ...) private; a name
    with none of these is taken as the municipality's own facility, which is what such
    names are in its own lists. The user can correct the kind on the provider afterwards.
    """
    n = _norm(name)
    if own_municipality and _norm(own_municipality) in n:
        return "egen", ""
    m = re.search(r"\(([^()]*kommune[^()]*)\)", name, re.IGNORECASE)
    if m:
        return "kommune", m.group(1).strip()
    if re.search(r"\bregion", n):
        return "region", ""
    if n.endswith(" kommune"):  # 'Nabo Kommune' itself; 'X Kommune, diverse' is the own municipality's
        return "kommune", name.strip()
    if PRIVATE_MARKERS.search(n):
        return "privat", ""
    return "egen", ""


class ProviderMatcher:
    """Resolves names against the database's providers, remembering each answer."""

    def __init__(self, db, own_municipality: str = ""):
        self.db = db
        self.own = own_municipality
        self.providers = {p.id: p.name for p in list_providers(db)}
        self.choices: dict[str, ProviderChoice] = {}
        self.decided: dict[str, int | None] = {}  # name -> provider id, or None for "create new": the user's word

    def match(self, name: str, *, new_kind: str | None = None, full_name: str = "") -> ProviderChoice:
        """The choice for ``name`` (cached per normalised name).

        Args:
            new_kind: kind of the provider if it has to be created (default: guessed from the name).
            full_name: a longer form of the name seen elsewhere (a sheet's title row).
        """
        key = _norm(name)
        if key in self.choices:
            return self.choices[key]
        choice = self._match(full_name or name, new_kind) if full_name else None
        if choice is None or choice.is_new:
            choice = self._match(name, new_kind, full_name)
        for decided_name in (name, full_name):
            if decided_name and _norm(decided_name) in self.decided:
                choice.provider_id = self.decided[_norm(decided_name)]
                if choice.provider_id is not None:
                    choice.suggestion = self.providers.get(choice.provider_id, choice.suggestion)
                    choice.suggestion_id = choice.provider_id
        self.choices[key] = choice
        return choice

    def _match(self, name: str, new_kind: str | None, full_name: str = "") -> ProviderChoice:
        key = _norm(name)
        kind, municipality = guess_kind(full_name or name, self.own)
        if new_kind:
            kind, municipality = new_kind, ""
        create_as = full_name or name
        for pid, existing in self.providers.items():
            if _norm(existing) == key:
                return ProviderChoice(name, pid, existing, pid, 100.0)
        bare = _without_company_form(name)
        same_company = [(pid, ex) for pid, ex in self.providers.items() if bare and _without_company_form(ex) == bare]
        if len(same_company) == 1:
            pid, existing = same_company[0]
            return ProviderChoice(name, pid, existing, pid, 99.0)
        if len(key) >= SHEET_NAME_LIMIT - 1:
            cut = [(pid, ex) for pid, ex in self.providers.items() if _norm(ex).startswith(key)]
            if len(cut) == 1:
                return ProviderChoice(name, cut[0][0], cut[0][1], cut[0][0], 99.0)
        if self.providers:
            names = {pid: _norm(n) for pid, n in self.providers.items()}
            # WRatio also finds a name contained in a longer one ('Bostøtten' in 'Bostøtten Nord'): a
            # suggestion only; taking it without asking needs the strict whole-name score
            best = process.extractOne(key, names, scorer=fuzz.WRatio)
            if best and best[1] >= SUGGEST:
                _, score, pid = best
                strict = fuzz.token_sort_ratio(key, names[pid])
                return ProviderChoice(create_as, pid if strict >= AUTO_ACCEPT else None, self.providers[pid], pid,
                                      float(min(score, max(strict, SUGGEST))), kind, municipality)
        return ProviderChoice(create_as, None, kind=kind, municipality=municipality)

    def decide(self, decisions: dict[str, int | None]) -> None:
        """The user's confirmations: file name -> existing provider id, or None to create a new one."""
        self.decided.update({_norm(k): v for k, v in decisions.items()})
        self.choices.clear()

    def ensure(self, choice: ProviderChoice, batch_id: int | None) -> int:
        """The provider id of a choice, creating the provider (in ``batch_id``) when it is new."""
        if choice.provider_id is None:
            existing = {_norm(n): pid for pid, n in self.providers.items()}
            if _norm(choice.name) in existing:
                choice.provider_id = existing[_norm(choice.name)]
            else:
                choice.provider_id = create_provider(self.db, choice.name, choice.kind, batch_id=batch_id,
                                                     municipality=choice.municipality)
                self.providers[choice.provider_id] = choice.name
        return choice.provider_id
