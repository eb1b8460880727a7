package main

import (
	"errors"
	"net/http"
	"time"

	"github.com/answerdesk/answerdesk/answer/delivery"
	"github.com/answerdesk/answerdesk/cmd/internal/config"
)

// zendeskSink is the Zendesk ticket sink, nil when no account is
// configured.
func (a *app) zendeskSink() (*delivery.Zendesk, error) {
	zc, err := config.Zendesk(a.conf())
	if err != nil || zc.URL == "" {
		return nil, err
	}
	zd, err := delivery.NewZendesk(zc.URL, zc.Email, zc.Token, &http.Client{Timeout: 30 * time.Second})
	if errors.Is(err, delivery.ErrZendeskConfig) {
		return nil, usagef("%v", err)
	}
	return zd, err
}
