package insightcmd

import (
	"context"
	"flag"
	"strconv"

	"github.com/answerdesk/answerdesk/answer/state"
	"github.com/answerdesk/answerdesk/api"
	"github.com/answerdesk/answerdesk/cmd/internal/cli"
	"github.com/answerdesk/answerdesk/retrieval"
)

// FAQ lists, approves and rejects FAQ candidates (corrections and solved
// tickets), as /v1/faq-candidates does; c is its row in the binary's
// command table.
func FAQ(ctx context.Context, a App, c cli.Command, args []string) error {
	if len(args) == 0 || args[0] == "--help" || args[0] == "-h" {
		if err := a.ParseFlags(flag.NewFlagSet("faq", flag.ContinueOnError), c, []string{"--help"}); err != nil && len(args) > 0 {
			return err
		}
		return cli.Usagef("faq: give list, approve or reject")
	}
	sub, rest := args[0], args[1:]
	if sub != "list" && sub != "approve" && sub != "reject" {
		return cli.Usagef("faq: unknown subcommand %q (want list, approve or reject)", sub)
	}
	fs := flag.NewFlagSet("faq "+sub, flag.ContinueOnError)
	tenant := fs.String("tenant", retrieval.DefaultTenant, "tenant of the candidates")
	status := fs.String("status", "", "list: only pending, approved or rejected")
	asJSON := fs.Bool("json", false, "print JSON (what the API returns)")
	if err := a.ParseFlags(fs, c, rest); err != nil {
		return err
	}
	st, err := a.State(ctx)
	if err != nil {
		return err
	}
	if sub == "list" {
		if fs.NArg() > 0 {
			return cli.Usagef("faq list: unexpected argument %q", fs.Arg(0))
		}
		if *status != "" && !state.ValidCandidateStatus(*status) {
			return cli.Usagef("faq list: --status must be pending, approved or rejected")
		}
		cs, err := st.FAQ.Candidates(ctx, state.CandidateFilter{Tenant: *tenant, Status: *status, Limit: 500})
		if err != nil {
			return err
		}
		out := api.NewFAQCandidateList(cs, 0)
		if *asJSON {
			return cli.WriteJSON(a.Stdout(), out)
		}
		return out.WriteText(a.Stdout())
	}
	if fs.NArg() != 1 {
		return cli.Usagef("faq %s: give exactly one candidate id", sub)
	}
	id, err := strconv.ParseInt(fs.Arg(0), 10, 64)
	if err != nil || id <= 0 {
		return cli.Usagef("faq %s: %q is not a candidate id", sub, fs.Arg(0))
	}
	var d api.FAQDecision
	if sub == "approve" {
		pipeline, err := a.Pipeline(ctx)
		if err != nil {
			return err
		}
		c, result, err := api.ApproveCandidate(ctx, st.FAQ, pipeline, *tenant, id, state.ActorCLI)
		if err != nil {
			return err
		}
		d = api.FAQDecision{Candidate: api.NewFAQCandidate(c), Ingest: result}
		if err := a.Audit(ctx, *tenant, state.AuditFAQApprove, fs.Arg(0), result+" "+c.DocumentID); err != nil {
			return err
		}
	} else {
		c, err := st.FAQ.Decide(ctx, *tenant, id, state.CandidateRejected, state.ActorCLI, "")
		if err != nil {
			return err
		}
		d = api.FAQDecision{Candidate: api.NewFAQCandidate(c)}
		if err := a.Audit(ctx, *tenant, state.AuditFAQReject, fs.Arg(0), ""); err != nil {
			return err
		}
	}
	if *asJSON {
		return cli.WriteJSON(a.Stdout(), d)
	}
	return d.WriteText(a.Stdout())
}
