package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/answerdesk/answerdesk/answer/state"
	"github.com/answerdesk/answerdesk/api"
	"github.com/answerdesk/answerdesk/cmd/internal/cli"
)

func runKeys(ctx context.Context, a *app, args []string) error {
	sub, rest := args[0], args[1:]
	fs := flag.NewFlagSet("keys "+sub, flag.ContinueOnError)
	var tenant, scopes, name, origins *string
	var publishable *bool
	if sub == "create" {
		tenant = fs.String("tenant", "", "tenant the key acts for (required)")
		scopes = fs.String("scopes", "ask", "comma-separated scopes: ask, ingest, admin")
		name = fs.String("name", "", "a label to recognise the key by")
		publishable = fs.Bool("publishable", false, "a publishable key (pk_…) for the web widget: may only ask and send feedback, only from --origins")
		origins = fs.String("origins", "", "with --publishable: comma-separated origins the widget runs on, e.g. https://shop.example")
	}
	if err := a.parseFlags(fs, rest); err != nil {
		return err
	}
	switch sub {
	case "create":
		if strings.TrimSpace(*tenant) == "" {
			return cli.Usagef("keys create: --tenant is required")
		}
		if fs.NArg() > 0 {
			return cli.Usagef("keys create: unexpected argument %q", fs.Arg(0))
		}
		if *publishable {
			return createPublishableKey(ctx, a, *tenant, *name, *scopes, *origins)
		}
		if *origins != "" {
			return cli.Usagef("keys create: --origins needs --publishable")
		}
		sc, err := state.ParseScopes(*scopes)
		if err != nil {
			return cli.Usagef("keys create: %v", err)
		}
		db, err := a.State(ctx)
		if err != nil {
			return err
		}
		key, k, err := db.Keys.CreateKey(ctx, *tenant, *name, sc)
		if err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "created key %s for tenant %q with scopes %s; it is shown once, store it now:\n", k.ID, k.Tenant, strings.Join(k.Scopes, ","))
		fmt.Fprintln(a.stdout, key)
		return a.Audit(ctx, k.Tenant, state.AuditKeyCreate, k.ID, k.AuditDetail())
	case "list":
		db, err := a.State(ctx)
		if err != nil {
			return err
		}
		keys, err := db.Keys.Keys(ctx)
		if err != nil {
			return err
		}
		return api.WriteKeysText(a.stdout, keys)
	}
	// revoke
	if fs.NArg() != 1 {
		return cli.Usagef("keys revoke: give one key ID (or prefix) from 'keys list'")
	}
	db, err := a.State(ctx)
	if err != nil {
		return err
	}
	k, err := db.Keys.Revoke(ctx, strings.TrimSuffix(fs.Arg(0), "…"))
	if errors.Is(err, state.ErrNotFound) {
		return fmt.Errorf("keys revoke: no active key %q", fs.Arg(0))
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "revoked %s\n", fs.Arg(0))
	return a.Audit(ctx, k.Tenant, state.AuditKeyRevoke, k.ID, "")
}

// createPublishableKey makes a pk_ key for the web widget and prints the
// script tag that embeds it.
func createPublishableKey(ctx context.Context, a *app, tenant, name, scopes, origins string) error {
	if scopes != state.ScopeAsk {
		return cli.Usagef("keys create: a publishable key has the ask scope only; drop --scopes")
	}
	list, err := state.ParseOrigins(origins)
	if err != nil {
		return cli.Usagef("keys create --publishable: %v (give --origins https://shop.example[,…])", err)
	}
	db, err := a.State(ctx)
	if err != nil {
		return err
	}
	key, k, err := db.Keys.CreatePublishableKey(ctx, tenant, name, list)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "created publishable key %s for tenant %q, usable from %s; embed the widget with:\n", k.ID, k.Tenant, strings.Join(k.Origins, ", "))
	fmt.Fprintf(a.stdout, "  <script src=\"https://YOUR-ANSWERDESK-HOST/widget.js\" data-key=\"%s\" defer></script>\n", key)
	fmt.Fprintln(a.stdout, key)
	return a.Audit(ctx, k.Tenant, state.AuditKeyCreate, k.ID, k.AuditDetail())
}
