package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"path/filepath"

	"github.com/answerdesk/answerdesk/answer"
	"github.com/answerdesk/answerdesk/answer/intent"
	"github.com/answerdesk/answerdesk/answer/state"
	"github.com/answerdesk/answerdesk/cmd/internal/cli"
	"github.com/answerdesk/answerdesk/retrieval"
)

var _ answer.IntentClassifier = (*intent.Dir)(nil)

// intentsDir holds the tenants' intent models inside the data directory.
const intentsDir = "intents"

func runIntents(ctx context.Context, a *app, args []string) error {
	sub, rest := args[0], args[1:]
	fs := flag.NewFlagSet("intents "+sub, flag.ContinueOnError)
	tenant := fs.String("tenant", retrieval.DefaultTenant, "tenant whose model to train or measure")
	asJSON := fs.Bool("json", false, "eval: print the report as JSON")
	if err := a.parseFlags(fs, rest); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return cli.Usagef("intents %s: give exactly one FILE.csv", sub)
	}
	examples, err := intent.ReadCSVFile(fs.Arg(0))
	if errors.Is(err, intent.ErrBadData) {
		return cli.Usagef("%v", err)
	}
	if err != nil {
		return err
	}
	emb, model, err := a.intentEmbedder()
	if err != nil {
		return err
	}
	dir := intent.NewDir(filepath.Join(a.data, intentsDir), model)
	if sub == "train" {
		m, err := dir.Train(ctx, *tenant, examples, emb)
		if err != nil {
			return err
		}
		head := "analyzer features only (no embedder configured)"
		if m.EmbedModel() != "" {
			head = "analyzer features, and with the embedding of " + m.EmbedModel()
		}
		fmt.Fprintf(a.stdout, "trained the intent model of tenant %q: %d intents from %d questions; %s\n",
			*tenant, len(m.Labels()), len(examples), head)
		return a.Audit(ctx, *tenant, state.AuditIntentsTrain, fs.Arg(0), fmt.Sprintf("%d intents from %d questions", len(m.Labels()), len(examples)))
	}
	r, err := dir.Evaluate(ctx, *tenant, examples, emb)
	if err != nil {
		return err
	}
	if *asJSON {
		return cli.WriteJSON(a.stdout, r)
	}
	fmt.Fprintf(a.stdout, "%d questions: accuracy %.4f, macro F1 %.4f; out of scope (refused) %.1f%%, accuracy of the rest %.4f\n",
		r.N, r.Accuracy, r.MacroF1, 100*r.Rejected, r.AcceptedAccuracy)
	if r.Unknown > 0 {
		fmt.Fprintf(a.stdout, "%d questions have an intent the model was not trained on\n", r.Unknown)
	}
	return nil
}

// intentEmbedder returns the configured embedder for intent models and the
// name its vectors are known by, or nil and "" when none is configured.
func (a *app) intentEmbedder() (intent.Embedder, string, error) {
	emb, err := a.Embedder()
	if err != nil || emb == nil {
		return nil, "", err
	}
	return emb, emb.Model(), nil
}

// intentModels returns the tenants' intent models for the answer engine.
func (a *app) intentModels() (*intent.Dir, error) {
	_, model, err := a.intentEmbedder()
	if err != nil {
		return nil, err
	}
	return intent.NewDir(filepath.Join(a.data, intentsDir), model), nil
}
