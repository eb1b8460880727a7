// Package config resolves answerdesk's configuration for the composition
// root (cmd/answerdesk): the config file's sections, each overridden by the
// environment variables README.md names, into the libraries' own option
// types (answer.Config, llm.Config, qdrant.Config, delivery.Options,
// api.Limits, state.Retention, ingest.Quota).
//
// It is the only place that knows the file's layout and the variables'
// names; the libraries receive values. It reads the environment only
// through the function it is given, so that tests and two runs in one
// process never share settings.
package config
