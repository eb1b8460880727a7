// Package api is answerdesk's HTTP API on gin: the wire types (JSON tags,
// validation), every route (routes.go), authentication by API key with
// scopes and a tenant, per-key rate limits, body and field limits, request
// ids, one error-to-status table, server-sent events for streamed answers,
// and the OpenAPI 3 document that describes all of it.
//
// Handlers are short: bind → call → convert → respond. The tenant of every
// request comes from its API key and never from the request body: a
// "tenant_id" in a JSON body is an unknown field and is rejected.
//
// api imports answer, answer/state, answer/delivery (the webhook
// signatures it verifies), ingest and retrieval; nothing imports
// api except cmd. Only api imports gin.
package api
