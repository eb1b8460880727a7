// Package eval measures answerdesk on evaluation suites: it reads a suite
// (a corpus and labelled queries, see docs/eval.md), asks every
// query through an Answerer (the real answer.Engine in production, fakes in
// tests), and computes retrieval, decision, calibration, citation and latency
// metrics, overall and by language. It renders reports (JSON, a terminal
// table, a self-contained HTML page with Apache ECharts inlined), compares a
// report against a baseline to gate regressions, and fits the engine's
// confidence model (logistic regression with Platt or isotonic calibration).
//
// eval imports answer, ingest and retrieval; it never imports api or cmd,
// nor a store: NewEngineHarness assembles the harness over answer.Engine
// from options the caller resolves (configuration, generator, embedder),
// with the store constructor the caller picks (cmd/answerdesk gives the
// embedded store's). Publish keeps the report the admin console shows.
package eval
