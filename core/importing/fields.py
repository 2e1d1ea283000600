"""What each kind of import reads: its target fields as declarations.

A field names where its value goes, the Danish header words it is known by, the parser
for its cells, whether a row without it is rejected, and what its values look like
(used by the matcher when a header is unusual). Adding a spelling is adding a synonym.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from core.importing import parsers as p


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    synonyms: tuple[str, ...]
    parser: Callable
    required: bool = False
    looks: str | None = None  # cpr, date, period, amount, section, account, unit, category, number


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    fields: tuple[Field, ...]
    multi_sheet: bool = False  # one sheet per facility: every visible sheet is read

    def is_bare_sum(self, raw: dict, wide: bool = False) -> bool:
        """Whether a row's mapped cells hold only amounts or numbers (an AutoSum row without a label).

        ``raw`` is field -> raw cell of one row; in a ``wide`` layout (one column per month) a row
        with nothing but month amounts counts too. Such a row is a sum under the table, not data.
        """
        filled = [name for name, v in raw.items() if not p.is_blank(v)]
        if not filled:
            return wide
        return all(self.field(name).looks in ("amount", "number") for name in filled)

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


CPR = Field("cpr", "CPR-nr.", ("cpr", "cpr-nr", "cpr nr", "cprnr", "cpr-nummer", "cpr nummer", "personnummer",
                               "person nr", "borger", "borger cpr-nr", "borger (cpr-nr)", "cpr-nr.", "personnr", "pers nr",
                               "cpr-nr borger", "borgers cpr-nr", "cprnummer", "personnr."),
            p.parse_cpr, True, "cpr")
NAME = Field("name", "Navn", ("navn", "borger navn", "borgernavn", "fulde navn", "borgerens navn", "name",
                              "efternavn, fornavn", "navn (efternavn, fornavn)", "beboer", "beboernavn", "borgers navn",
                              "klient", "klientnavn", "navn på borger", "for- og efternavn", "borger navn",
                              "borger"),  # 'Borger' beside a CPR column is the name
             p.parse_name)
FIRST_NAME = Field("first_name", "Fornavn", ("fornavn", "fornavne"), p.parse_text)
LAST_NAME = Field("last_name", "Efternavn", ("efternavn",), p.parse_text)
PERSON = (CPR, NAME, FIRST_NAME, LAST_NAME)

GRANTS = Kind("grants", "Bevillinger (dispositionsregnskab)", (
    *PERSON,
    Field("section", "Paragraf", ("paragraf", "§", "lovgrundlag", "sel §", "bevillingsparagraf", "indsats §",
                                  "lovhjemmel", "paragraf (sel)", "lovparagraf", "ydelsesparagraf", "servicelovens §", "sel",
                                  "ydelse", "indsats", "indsatstype", "ydelsestype", "ydelsesnavn", "indsatsnavn"),
          p.parse_section, True, "section"),
    Field("provider", "Leverandør", ("leverandør", "leverandor", "tilbud", "udfører", "botilbud", "tilbudsnavn",
                                     "leverandørnavn", "sted", "institution", "udførende", "bosted", "leverandør navn",
                                     "tilbudssted", "udfører navn", "lev navn", "levnavn"), p.parse_provider, True),
    Field("account", "Konto", ("konto", "kontonr", "kontonummer", "funktion", "art/funktion", "kontostreng"),
          p.parse_account, False, "account"),
    Field("rate", "Takst", ("takst", "pris", "døgntakst", "takst pr døgn", "timetakst", "dagtakst", "takst kr",
                            "takst (kr)", "enhedspris", "årlig udgift", "beløb pr enhed", "månedstakst", "pris pr enhed",
                            "takst pr enhed", "takst pr time", "takst pr dag", "pris pr døgn", "enhedstakst",
                            "takstbeløb", "ugetakst", "timepris", "døgnpris", "dagpris"),
          p.parse_rate, True, "amount"),
    Field("unit", "Enhed", ("enhed", "takstenhed", "pr", "takst pr", "afregningsenhed", "enhedstype", "ydelsesenhed",
                             "afregning", "takst enhed"), p.parse_unit, False, "unit"),
    Field("quantity", "Mængde", ("mængde", "antal", "timer pr uge", "timer/dage pr uge", "dage pr uge",
                                 "timer pr måned", "antal timer", "timer", "omfang", "timer/uge", "antal timer pr uge",
                                 "timer pr md", "timer om ugen", "dage om ugen", "bevilgede timer",
                                 "visiterede timer", "timetal", "antal enheder", "antal dage pr uge"),
          p.parse_quantity, False, "number"),
    Field("start", "Startdato", ("startdato", "start", "bevilget fra", "fra", "fra dato", "ikrafttræden",
                                 "gyldig fra", "indskrevet", "startdato bevilling", "periode fra", "ikrafttrædelsesdato",
                                 "ikrafttrædelse", "bevillingsstart", "startdato for ydelse", "fra og med",
                                 "gældende fra", "virkningsdato", "iværksættelsesdato", "bevilling fra",
                                 "bevilget pr", "ind", "indflyttet", "indflytning", "indflytningsdato"),
          p.parse_start_date, True, "date"),
    Field("end", "Slutdato", ("slutdato", "slut", "til", "bevilget til", "til dato", "ophør", "ophørsdato",
                              "gyldig til", "udskrevet", "periode til", "til og med", "gældende til", "bevillingsslut",
                              "slutdato for ydelse", "afslutningsdato", "udløbsdato", "bevilling til",
                              "bevilget til og med", "ud", "udflyttet", "fraflyttet"), p.parse_end_date, False, "date"),
    # a period in one cell ('01.03.2024 - 31.12.2026', '11.01.2017 -') is split into start and end
    Field("period", "Periode", ("periode", "bevillingsperiode", "bevilget periode", "gyldighedsperiode",
                                "ydelsesperiode", "indsatsperiode", "fra til", "periode fra til", "bevilget fra til",
                                "bevillingsperiode fra til", "gyldig fra til", "fra og til"),
          p.parse_date_range, False, "period"),
    Field("vum_category", "VUM", ("vum", "vum-kategori", "vum kategori", "kategori", "støttekategori",
                                  "funktionsniveau", "støttebehov", "støtteniveau", "vum-niveau", "vum niveau",
                                  "støttegruppe", "vum-gruppe", "behovsgruppe"), p.parse_optional_vum, False,
          "category"),
    Field("paying_municipality", "Betalingskommune", ("betalingskommune", "betalende kommune", "betaler"),
          p.parse_text),
    Field("acting_municipality", "Handlekommune", ("handlekommune", "handlende kommune"), p.parse_text),
    Field("caseworker", "Sagsbehandler", ("sagsbehandler", "rådgiver", "sagsbeh"), p.parse_text),
    Field("granted_on", "Bevilget dato", ("bevilget dato", "bevillingsdato", "afgørelsesdato", "bevilget den",
                                          "visitationsdato"), p.parse_optional_date, False, "date"),
    Field("followup_date", "Opfølgning", ("opfølgning", "opfølgningsdato", "revurdering", "næste opfølgning",
                                         "revisitation"), p.parse_optional_date, False, "date"),
    Field("note", "Bemærkning", ("bemærkning", "bemærkninger", "note", "noter", "kommentar"), p.parse_text),
    # personal assistance in employment (LKB): the citizen's working hours and why more hours than the cap
    Field("working_hours", "Arbejdstimer", ("arbejdstimer", "ugentlig arbejdstid", "arbejdstid", "arbejdstimer pr uge",
                                            "arbejdstid pr uge", "arbejdstimer om ugen", "ugentlige arbejdstimer",
                                            "arbejdstid timer pr uge", "timer i job", "timer i jobbet"),
          p.parse_quantity, False, "number"),
    Field("cap_reason", "Begrundelse", ("begrundelse", "begrundelse for timer", "begrundelse for flere timer",
                                        "begrundelse over loft", "begrundelse for timer over loftet",
                                        "begrundelse loft", "årsag til flere timer"), p.parse_text),
))

POSTINGS = Kind("postings", "Posteringer (bogføring)", (
    Field("date", "Bogføringsdato", ("bogføringsdato", "bogf dato", "bogf.dato", "bogført", "posteringsdato",
                                     "bogføringsdag", "dato bogført", "dato", "bilagsdato", "betalingsdato"),
          p.parse_date, True, "date"),
    Field("account", "Konto", ("konto", "funktion", "kontonr", "kontonummer", "kontostreng", "omkostningssted",
                               "finanskonto", "kontering", "konteringsstreng", "funktionskonto"),
          p.parse_account, True, "account"),
    # without a date column a posting is dated the last day of its period
    Field("period", "Periode", ("periode", "bogføringsperiode", "regnskabsperiode", "posteringsperiode",
                                "bogføringsmåned", "periode (åååå-mm)", "måned", "kalendermåned",
                                "kalenderår/måned", "regnskabsmåned"), p.parse_period),
    Field("grouping", "Gruppering", ("gruppering", "grp", "gruppe"), p.parse_text),
    Field("art", "Art", ("art", "artskonto", "omkostningsart", "art nr"), p.parse_art),
    Field("amount", "Beløb", ("beløb", "belob", "beløb kr", "beløb i kr", "beløb (kr)", "bogført beløb",
                              "nettobeløb", "amount", "beløb dkk", "beløb i dkk", "beløb i regnskabsvaluta",
                              "transaktionsbeløb", "posteringsbeløb"), p.parse_amount, True, "amount"),
    Field("debit", "Debet", ("debet", "debit", "udgift", "debetbeløb", "beløb debet", "debet kr", "debet beløb"),
          p.parse_amount, False, "amount"),
    Field("credit", "Kredit", ("kredit", "credit", "indtægt", "kreditbeløb", "beløb kredit", "kredit kr",
                               "kredit beløb"), p.parse_amount, False, "amount"),
    Field("sign", "Debet/kredit", ("d/k", "debet/kredit", "dk", "d k", "fortegn", "debet kredit", "d/k-kode",
                                   "debet/kredit-kode", "dk kode", "s/h", "debet/kredit kode", "s/h-kode"),
          p.parse_debit_credit),
    Field("cpr", "CPR-nr.", CPR.synonyms, p.parse_optional_cpr, False, "cpr"),
    # a receiver's name finds a registered citizen on a row without a CPR number (not stored)
    Field("name", "Navn", ("navn", "borgernavn", "borger navn", "borgers navn", "borgerens navn", "navn på borger",
                           "klient", "klientnavn", "modtagernavn", "navn (efternavn, fornavn)"), p.parse_text),
    Field("text", "Tekst", ("posteringstekst", "tekst", "beskrivelse", "bilagstekst", "posteringstekst 1"),
          p.parse_text),
    Field("voucher", "Bilagsnr.", ("bilagsnr", "bilag", "bilagsnummer", "bilagsnr.", "bilag nr", "voucher",
                                   "dokumentnr", "posteringsnr"), p.parse_text),
))

BUDGET = Kind("budget", "Budget", (
    Field("account", "Konto", ("konto", "funktion", "kontonr", "kontonummer", "kontostreng"), p.parse_account,
          True, "account"),
    Field("section", "Paragraf", ("paragraf", "§", "lovgrundlag"), p.parse_section, False, "section"),
    Field("year", "År", ("år", "budgetår", "regnskabsår", "year"), p.parse_int),
    Field("month", "Måned", ("måned", "md", "periode"), p.parse_int),
    Field("original", "Oprindeligt budget", ("budget", "oprindeligt budget", "vedtaget budget", "opr budget",
                                             "budget i alt", "årsbudget", "budgetbeløb"), p.parse_amount, False,
          "amount"),
    Field("corrected", "Korrigeret budget", ("korrigeret budget", "korr budget", "korrigeret", "korr. budget"),
          p.parse_amount, False, "amount"),
    Field("text", "Tekst", ("tekst", "kontonavn", "kontotekst", "funktionsnavn", "kontobetegnelse", "beskrivelse",
                            "betegnelse"), p.parse_text),
    Field("full_year_equivalents", "Helårspersoner", ("helårspersoner", "helårspers", "antal helårspersoner",
                                                      "hel", "budgetteret antal"), p.parse_quantity, False),
))

OCCUPANCY = Kind("occupancy", "Belægningsliste", (
    *PERSON,
    Field("move_in", "Indflyttet", ("indflyttet", "indflytning", "indflytningsdato", "indskrevet", "indskrivning",
                                    "indflyttet dato", "indskrivningsdato", "indflyttet den", "ind"), p.parse_start_date,
          True, "date"),
    Field("move_out", "Fraflyttet", ("fraflyttet", "fraflytning", "fraflytningsdato", "udskrevet", "udflyttet",
                                     "udskrivning", "udflytningsdato", "udflytning", "fraflyttet dato", "udskrivningsdato",
                                     "udflyttet dato", "fraflyttet den", "ud"), p.parse_end_date, False, "date"),
    Field("paying_municipality", "Betalingskommune", ("betalingskommune", "betalende kommune", "betaler",
                                                      "kommune", "hjemkommune"), p.parse_text),
    Field("rate", "Døgntakst", ("døgntakst", "takst", "takst pr døgn", "pris pr døgn", "døgnpris"), p.parse_rate,
          False,
          "amount"),
    Field("vum_category", "VUM", ("vum", "vum-kategori", "kategori", "støttekategori", "støttebehov",
                                  "støtteniveau", "funktionsniveau"), p.parse_optional_vum, False, "category"),
    Field("note", "Note", ("note", "bemærkning", "bemærkninger"), p.parse_text),
), multi_sheet=True)

VUM = Kind("vum", "VUM-liste", (
    *PERSON,
    Field("category", "VUM-kategori", ("vum", "vum-kategori", "vum kategori", "kategori", "støttekategori",
                                       "støtteniveau"), p.parse_optional_vum, False, "category"),
    Field("hours", "Individuelle timer", ("timer", "individuelle timer", "timer pr uge", "normtimer"),
          p.parse_quantity, False, "number"),
), multi_sheet=True)

# hours of personal assistance in employment used per citizen and period (``core.register.pa_hours``)
PA_HOURS = Kind("pa_hours", "Forbrugte timer (personlig assistance i job)", (
    *PERSON,
    Field("period", "Måned", ("måned", "periode", "md", "forbrugsmåned", "måned (åååå-mm)", "år-måned",
                              "udbetalingsmåned", "lønperiode", "timeperiode", "opgørelsesperiode"),
          p.parse_month_or_range),
    Field("period_start", "Fra", ("fra", "fra dato", "periode fra", "fra og med", "startdato"), p.parse_date, False,
          "date"),
    Field("period_end", "Til", ("til", "til dato", "periode til", "til og med", "slutdato"), p.parse_date, False,
          "date"),
    Field("hours_used", "Forbrugte timer", ("forbrugte timer", "brugte timer", "timer brugt", "timer forbrugt",
                                       "leverede timer", "udførte timer", "faktiske timer", "afholdte timer",
                                       "timeforbrug", "forbrug timer", "forbrug (timer)", "antal forbrugte timer"),
          p.parse_quantity, True, "number"),
    Field("provider", "Leverandør", ("leverandør", "leverandor", "udfører", "leverandørnavn", "firma"),
          p.parse_provider),
    Field("grant_id", "Bevilling nr.", ("bevilling nr", "bevillingsnr", "bevillingsnummer", "bevilling id",
                                        "bevillings id", "bevilling"), p.parse_int),
))

KINDS: dict[str, Kind] = {k.code: k for k in (GRANTS, POSTINGS, BUDGET, OCCUPANCY, VUM, PA_HOURS)}

#: words that, with their letter, name the VUM category columns of an x-marked layout
VUM_COLUMN_WORDS = {"let": "A", "moderat": "B", "omfattende": "C", "svær": "D", "fuldstændig": "E",
                    "individuel": "F"}


def all_synonyms() -> set[str]:
    return {s for kind in KINDS.values() for f in kind.fields for s in f.synonyms}
