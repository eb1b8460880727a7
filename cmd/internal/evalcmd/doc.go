// Package evalcmd is answerdesk's eval command: run, compare, calibrate and
// fusion over suites — their flags, help, validation and output. What it
// needs of the run (the flags shared by every command, the configured
// engine and embedder, the data directory) it takes from the composition
// root through App.
//
// It must not import another command package nor build a part of the app
// (the state, the model clients, the configured store): its one store is
// the throwaway embedded index each suite is ingested into.
package evalcmd
