// Package intent owns the trained intent classifier: a multinomial logistic
// regression over the retrieval analyzer's terms (stemmed words and their
// adjacent pairs) and, when an embedder is configured, the question's
// embedding. It learns from a CSV of labelled questions (`text,category`),
// reports accuracy and macro F1, and rejects questions that fit no intent it
// knows (out of scope) below a probability threshold chosen on held-out
// training data.
//
// Models are stored per tenant as JSON files in a directory (Dir). Dir
// implements answer.IntentClassifier: the answer engine's triage asks it for
// the label of a question and falls back to its keyword intents when a
// tenant has no model or the model rejects the question.
//
// intent imports retrieval (for the analyzer) and nothing else of
// answerdesk; cmd wires it into the engine.
package intent
