// Package docx loads Word documents (.docx, Office Open XML) as ingest
// documents with archive/zip and encoding/xml: paragraphs in order, headings
// (from paragraph styles or outline levels) as the heading path, lists, and
// tables as rows under their header row.
//
// Text a reader cannot see (hidden runs, white text, fonts under 2pt),
// deleted revisions and field codes are dropped; hidden text is reported in
// Document.Losses. The archive is validated before anything is inflated:
// bounded entry count, sizes and compression ratio.
//
// docx imports ingest and retrieval, and no other part of answerdesk.
package docx
