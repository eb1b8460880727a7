// Package web holds the browser assets the API serves, embedded in the
// binary: the chat widget (widget.js, widget.css), the admin console's
// templates, script and styles, and the demo page. It is data only: the
// handlers that serve these live in package api, the one user of gin.
package web

import "embed"

// FS holds every asset.
//
//go:embed widget.js widget.css demo.html demo.css console.html login.html console.js console.css
var FS embed.FS
