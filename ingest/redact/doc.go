// Package redact finds and masks personal data in free text: e-mail
// addresses, phone numbers (international, Russian and Chinese formats),
// payment card numbers (Luhn-checked), IBANs (mod-97 checked), IPv4 and IPv6
// addresses, US social security numbers, and national ids whose check digits
// verify (Russian INN and SNILS, Chinese resident identity numbers), and
// person names and street addresses in English, Russian and Chinese text,
// found with name lists, name and address shapes and cue words, without a
// model (people.go; figures in docs/redaction.md).
//
// Text replaces every span with a typed placeholder such as "[EMAIL]"; Find
// returns the spans. Both are pure functions safe for concurrent use. Ticket
// ingestion redacts before indexing; the answer and ticket paths reuse it for
// logs and helpdesk payloads.
//
// redact imports nothing of answerdesk.
package redact
