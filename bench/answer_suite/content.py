"""The answer suite's documents and questions: three tenants, each written in a module of its own."""

from __future__ import annotations

from bench.answer_suite import content_brewery, content_clinic, content_harbour

DOCUMENTS = [*content_harbour.DOCUMENTS, *content_clinic.DOCUMENTS, *content_brewery.DOCUMENTS]
QUESTIONS = [*content_harbour.QUESTIONS, *content_clinic.QUESTIONS, *content_brewery.QUESTIONS]
