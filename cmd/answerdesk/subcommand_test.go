package main

import (
	"strings"
	"testing"
)

// cliCase is an invocation and what it must give.
type cliCase struct {
	name string
	args []string
	code int
	want string // in stdout+stderr
}

// checkCLI runs each case in env.
func checkCLI(t *testing.T, env map[string]string, cases []cliCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, errs, code := runCLI(t, env, tc.args...)
			if code != tc.code || !strings.Contains(out+errs, tc.want) {
				t.Errorf("exit %d (want %d), output %q, want it to contain %q", code, tc.code, out+errs, tc.want)
			}
		})
	}
}
