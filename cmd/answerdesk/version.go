package main

import (
	"context"
	"flag"
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/answerdesk/answerdesk/cmd/internal/cli"
)

func runVersion(ctx context.Context, a *app, args []string) error {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	if err := a.parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return cli.Usagef("version: unexpected argument %q", fs.Arg(0))
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		fmt.Fprintln(a.stdout, "answerdesk", version(), "(no build information)")
		return nil
	}
	fmt.Fprintf(a.stdout, "answerdesk %s\nmodule:   %s %s\ngo:       %s\n", version(), bi.Main.Path, bi.Main.Version, bi.GoVersion)
	for _, s := range bi.Settings {
		if strings.HasPrefix(s.Key, "vcs") {
			fmt.Fprintf(a.stdout, "%-9s %s\n", s.Key+":", s.Value)
		}
	}
	return nil
}

// version is the binary's version, also reported by /healthz: the module
// version when built from a tagged module ("v1.2.0"), otherwise "dev",
// followed by the VCS revision when the build recorded one
// ("dev+3f2a1b9c0d1e", "+dirty" when the tree had local changes).
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "dev"
	}
	v := bi.Main.Version
	if v == "" || v == "(devel)" {
		v = "dev"
	}
	var rev, dirty string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	if rev != "" && v == "dev" {
		v += "+" + rev[:min(len(rev), 12)] + dirty
	}
	return v
}
