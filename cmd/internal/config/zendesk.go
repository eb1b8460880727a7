package config

import (
	"strings"

	"github.com/answerdesk/answerdesk/api"
)

// ZendeskSection is the "zendesk" section: the Zendesk ticket sink. Environment:
// ANSWERDESK_ZENDESK_URL, ANSWERDESK_ZENDESK_EMAIL, and the secrets, which
// only the environment holds: ANSWERDESK_ZENDESK_TOKEN (the API token) and
// ANSWERDESK_ZENDESK_SIGNING_SECRET (of the Zendesk webhook that reports
// solved tickets to POST /v1/helpdesk/events).
type ZendeskSection struct {
	Subdomain string `json:"subdomain"` // "acme": https://acme.zendesk.com
	URL       string `json:"url"`       // instead of subdomain; the resolved URL
	Email     string `json:"email"`     // the agent the API token belongs to
	// Token and SigningSecret come from the environment: the file may not
	// set them (secrets stay out of config files).
	Token         string `json:"api_token"`
	SigningSecret string `json:"signing_secret"`
}

// Zendesk resolves the "zendesk" section with its environment. URL is ""
// when no account is configured; a partial configuration is Invalid.
func Zendesk(c *Config) (ZendeskSection, error) {
	var zc ZendeskSection
	if err := c.Section("zendesk", &zc); err != nil {
		return zc, err
	}
	if zc.Token != "" || zc.SigningSecret != "" {
		return zc, invalidf("zendesk: put the API token in ANSWERDESK_ZENDESK_TOKEN and the signing secret in ANSWERDESK_ZENDESK_SIGNING_SECRET, not in the config file")
	}
	c.override(&zc.URL, "ANSWERDESK_ZENDESK_URL")
	c.override(&zc.Email, "ANSWERDESK_ZENDESK_EMAIL")
	zc.Token = c.getenv("ANSWERDESK_ZENDESK_TOKEN")
	zc.SigningSecret = c.getenv("ANSWERDESK_ZENDESK_SIGNING_SECRET")
	switch {
	case zc.Subdomain != "" && zc.URL != "":
		return zc, invalidf("zendesk: give subdomain or url, not both")
	case zc.Subdomain != "":
		if strings.ContainsAny(zc.Subdomain, "./:@ ") {
			return zc, invalidf("zendesk.subdomain is the first label of SUBDOMAIN.zendesk.com, not %q", zc.Subdomain)
		}
		zc.URL = "https://" + zc.Subdomain + ".zendesk.com"
	}
	switch {
	case zc.URL == "" && (zc.Email != "" || zc.Token != ""):
		return zc, invalidf("zendesk: an email or token is set but no account (zendesk.subdomain or ANSWERDESK_ZENDESK_URL)")
	case zc.URL != "" && zc.Token == "":
		return zc, invalidf("zendesk: ANSWERDESK_ZENDESK_TOKEN is required to create tickets in %s", zc.URL)
	}
	return zc, nil
}

// helpdeskSection is the "helpdesk" section: inbound helpdesk events.
type helpdeskSection struct {
	Tolerance string `json:"tolerance"` // signature timestamp skew, "5m"
}

// Helpdesk resolves the secrets of POST /v1/helpdesk/events: Zendesk's
// signing secret and ANSWERDESK_HELPDESK_SECRET, the secret a generic
// helpdesk signs its events with, and the "helpdesk" section.
func Helpdesk(c *Config) (api.HelpdeskSecrets, error) {
	var hs helpdeskSection
	if err := c.Section("helpdesk", &hs); err != nil {
		return api.HelpdeskSecrets{}, err
	}
	zc, err := Zendesk(c)
	if err != nil {
		return api.HelpdeskSecrets{}, err
	}
	s := api.HelpdeskSecrets{Zendesk: []byte(zc.SigningSecret), Generic: []byte(c.getenv("ANSWERDESK_HELPDESK_SECRET"))}
	if s.Tolerance, err = parseDur("helpdesk.tolerance", hs.Tolerance); err != nil {
		return s, invalidf("%v", err)
	}
	return s, nil
}
