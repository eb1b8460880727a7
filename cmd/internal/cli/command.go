package cli

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
)

// UsageError is a bad invocation: the binary exits with status 2 and
// points to its help.
type UsageError struct{ Msg string }

func (e UsageError) Error() string { return e.Msg }

// Usagef is a UsageError with a message formatted as by fmt.Sprintf.
func Usagef(format string, args ...any) error {
	return UsageError{fmt.Sprintf(format, args...)}
}

// ErrHelp reports that help was printed: the binary exits with status 0.
var ErrHelp = errors.New("help requested")

// Command is what a command's --help prints and its usage errors name.
type Command struct {
	Name    string // "eval run"
	Usage   string // "eval run [flags] SUITE_DIR…", after "answerdesk "
	Summary string
}

// Parse parses args into fs, flags anywhere among them (Interleave). For
// --help it prints c's usage, summary and fs's flags on stdout and returns
// ErrHelp; a bad flag is a UsageError naming c.
func Parse(fs *flag.FlagSet, c Command, args []string, stdout io.Writer) error {
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	err := fs.Parse(Interleave(fs, args))
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintf(stdout, "usage: answerdesk %s\n\n%s\n\nflags:\n", c.Usage, c.Summary)
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		return ErrHelp
	}
	if err != nil {
		return Usagef("%s: %v", c.Name, err)
	}
	return nil
}

// WriteJSON prints v as indented JSON, the form of every --json output.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("write json: %w", err)
	}
	return nil
}
