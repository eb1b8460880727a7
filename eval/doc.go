// Package eval measures answerdesk on evaluation suites: it reads a suite
// (a corpus and labelled queries, see docs/eval.md), asks every
// query through an Answerer (the real answer.Engine in production, fakes in
// tests), and computes retrieval, decision, calibration, citation and latency
// metrics, overall and by language. It renders reports (JSON, a terminal
// table, a self-contained HTML page with Apache ECharts inlined), compares a
// report against a baseline to gate regressions, and fits the engine's
// confidence model (logistic regression with Platt or isotonic calibration).
//
// eval imports answer, ingest and retrieval; it never imports api or cmd.
// Building stores and engines is the caller's job (cmd/answerdesk wires the
// embedded store, the ingestion pipeline and answer.Engine).
package eval
