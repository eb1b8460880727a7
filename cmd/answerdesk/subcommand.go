package main

import (
	"flag"
	"slices"
	"strings"
)

// subcommand splits the running command's arguments into its subcommand,
// one of subs, and the rest. Without a subcommand it prints the command's
// help for --help (errHelp) and is a usage error otherwise.
func (a *app) subcommand(args []string, subs ...string) (string, []string, error) {
	want := strings.Join(subs, " or ")
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		if err := a.parseFlags(flag.NewFlagSet(a.cmd.name, flag.ContinueOnError), args); err != nil {
			return "", nil, err
		}
		return "", nil, usagef("%s: give %s", a.cmd.name, want)
	}
	if !slices.Contains(subs, args[0]) {
		return "", nil, usagef("%s: unknown subcommand %q (want %s)", a.cmd.name, args[0], want)
	}
	return args[0], args[1:], nil
}
