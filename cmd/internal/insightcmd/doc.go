// Package insightcmd is answerdesk's commands that turn what customers
// asked into work for the knowledge base: gaps (the questions it could not
// answer, clustered), report (the support analytics of a window) and faq
// (candidate entries from agents' corrections and solved tickets) — their
// flags, help, validation and output. The state, the index store and the
// pipeline come from the composition root through App.
//
// It must not import another command package nor build a part of the app
// (the state, the gap finder, the pipeline): they come from App.
package insightcmd
