"""Ontology terms as words: the ``rdfs:label`` of a class, property or individual in the page's
language, for every HTML page.

Pages must never show local names or CURIEs ("PrefectureLevelCity", "assistedParty") in prose.
The words come from the ontology itself, read from the store once per store version, so a term a
curator adds or relabels in ``ontology/*.ttl`` shows up without a code change. The language is the
visitor's choice (``?lang=en`` or the ``lang`` cookie, set by the toggle in the page header);
Simplified Chinese is the default.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from flask import Flask, Response, g, request

from kg.graph.projection import KINDS
from kg.web.http_common import current_snapshot, services

#: Page languages: the tag the page declares, and the label languages tried in order.
LANGUAGES: dict[str, tuple[str, ...]] = {
    "zh-Hans": ("zh-hans", "zh", "zh-hant", "en"),
    "en": ("en", "zh-hans", "zh", "zh-hant"),
}
DEFAULT_LANGUAGE = "zh-Hans"
COOKIE = "lang"

#: Every labelled term of the ontology namespaces (ours and the vocabularies it labels).
Q_TERM_LABELS = """SELECT ?term ?label WHERE {
  ?term rdfs:label ?label .
  { ?term a owl:Class } UNION { ?term a owl:ObjectProperty } UNION { ?term a owl:DatatypeProperty }
  UNION { ?term a owl:AnnotationProperty } UNION { ?term a owl:NamedIndividual }
  UNION { ?term a rdf:Property } UNION { ?term a rdfs:Class }
  FILTER(isIRI(?term))
}"""

#: Kind (as users filter by it) -> the class that defines it; "other" is the base class.
KIND_CLASSES = {kind: cls for cls, kind in KINDS.items()} | {"other": "CooperationRelation"}
#: The generic role every specific role is a sub-property of: shown only when it is the only one.
GENERIC_ROLE = "party"


@dataclass(frozen=True)
class TermLabels:
    """IRI -> {lowercased language tag -> label}, for one store version."""

    labels: dict[str, dict[str, str]]
    namespace: str

    def iri(self, term: str) -> str:
        """A full IRI, or a local name of our ontology namespace made full."""
        return term if ":" in term else self.namespace + term

    def has(self, term: str) -> bool:
        return self.iri(term) in self.labels

    def label(self, term: str, language: str = DEFAULT_LANGUAGE) -> str:
        """The label in ``language`` (falling back through the others); the local name only when
        the ontology has no label at all, so a missing label is visible rather than hidden."""
        iri = self.iri(term)
        by_lang = self.labels.get(iri, {})
        for tag in LANGUAGES.get(language, LANGUAGES[DEFAULT_LANGUAGE]):
            if tag in by_lang:
                return by_lang[tag]
        if by_lang:
            return next(iter(by_lang.values()))
        return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]

    def kind(self, kind: str, language: str = DEFAULT_LANGUAGE) -> str:
        return self.label(KIND_CLASSES.get(kind, kind), language)

    def roles(self, roles: list[str], language: str = DEFAULT_LANGUAGE) -> str:
        """A place's part in a relation read from its side (帮扶方, 受扶方 …): the specific roles,
        the generic "party" only when nothing more specific is known."""
        specific = [r for r in roles if r != GENERIC_ROLE] or list(roles)
        separator = "、" if language.startswith("zh") else ", "
        return separator.join(self.label(r, language) for r in specific)


def read_labels(store: Any, namespace: str) -> TermLabels:
    labels: dict[str, dict[str, str]] = {}
    for row in store.select(Q_TERM_LABELS):
        label = row["label"]
        tag = (getattr(label, "language", None) or "").lower()
        labels.setdefault(row["term"].value, {}).setdefault(tag, label.value)
    return TermLabels(labels, namespace)


def term_labels() -> TermLabels:
    """This store version's labels (read once per version, with the projection snapshot)."""
    svc = services()
    return current_snapshot().cached(
        "term-labels", lambda: read_labels(svc.store, svc.config.ontology_ns)
    )


def page_language() -> str:
    """The visitor's language: ``?lang=`` first, then the cookie, then Simplified Chinese."""
    if "page_language" not in g:
        asked = request.args.get("lang") or request.cookies.get(COOKIE) or ""
        g.page_language = asked if asked in LANGUAGES else DEFAULT_LANGUAGE
    return g.page_language


def _term(name: str | None) -> str:
    return term_labels().label(name, page_language()) if name else ""


def _name(ref: dict[str, Any] | None) -> str:
    """A place's or concept's name in the page's language (refs carry label_zh and label_en)."""
    if not ref:
        return ""
    if page_language() == "en" and ref.get("label_en"):
        return ref["label_en"]
    return ref.get("label_zh") or ref.get("label") or ref.get("label_en") or ref.get("id", "")


def _has_term(name: str | None) -> bool:
    return bool(name) and term_labels().has(name)  # type: ignore[arg-type]


def _other_language() -> tuple[str, str, str]:
    """(tag, name, this page's address in it) for the header's toggle."""
    code, name = ("zh-Hans", "中文") if page_language() == "en" else ("en", "English")
    args = request.args.to_dict(flat=False)
    args["lang"] = [code]
    return code, name, request.path + "?" + urlencode(args, doseq=True)


def install(app: Flask) -> None:
    """Template helpers (``term``, ``kind_label``, ``roles_label``, ``tr``, ``page_lang``) and the
    cookie that keeps a chosen language across pages."""

    # Globals rather than a context processor, so imported macros (_macros.html) see them too.
    app.jinja_env.globals.update(
        term=_term,
        name=_name,
        has_term=_has_term,
        kind_label=lambda kind: term_labels().kind(kind, page_language()),
        roles_label=lambda roles: term_labels().roles(roles, page_language()),
        tr=lambda zh, en: en if page_language() == "en" else zh,
        page_lang=page_language,
        other_language=_other_language,
    )

    @app.after_request
    def _remember(response: Response) -> Response:
        asked = request.args.get("lang")
        if asked in LANGUAGES and response.mimetype == "text/html":
            response.set_cookie(COOKIE, asked, max_age=365 * 24 * 3600, samesite="Lax")
        return response
