package main

import (
	"io"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/eval"
)

// The app's exported methods are what the command packages of cmd/internal
// declare in their App interfaces.

// Stdout is the run's standard output.
func (a *app) Stdout() io.Writer { return a.stdout }

// Stderr is the run's standard error.
func (a *app) Stderr() io.Writer { return a.stderr }

// Getenv reads the run's environment.
func (a *app) Getenv(key string) string { return a.getenv(key) }

// DataDir is the data directory (--data), once flags are parsed.
func (a *app) DataDir() string { return a.data }

// StoreSpec is the index store (--store), once flags are parsed.
func (a *app) StoreSpec() string { return a.store }

// EvalEngine is the engine as configured, for eval's harness: the config
// file's answer section and name, the collaborators, the generator's
// description, and the loaders.
func (a *app) EvalEngine() (eval.EngineOptions, error) {
	eo := eval.EngineOptions{Config: answer.DefaultConfig(), ConfigFile: a.config, Loaders: a.loaders()}
	if err := a.conf().Section("answer", &eo.Config); err != nil {
		return eo, err
	}
	var err error
	if eo.Deps, err = a.engineDeps(); err != nil {
		return eo, err
	}
	if eo.Deps.Generator != nil {
		eo.Generator = "llm " + a.getenv("ANSWERDESK_LLM_PROVIDER")
	}
	return eo, nil
}
