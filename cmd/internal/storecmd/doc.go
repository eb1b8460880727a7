// Package storecmd is answerdesk's commands over the index store: store
// (stats, migrate, reweight), docs (list, delete) and search — their
// flags, help, validation and output. The stores themselves, opened and
// closed with the run, come from the composition root through App.
//
// It must not import another command package nor open a store itself:
// every store it uses comes from App, to be closed with the run.
package storecmd
