package eval

import (
	"io"

	"github.com/answerdesk/answerdesk/eval/suite"
)

// Query is one labelled question of a suite (suite.Query).
type Query = suite.Query

// Suite is an evaluation suite read from a directory (suite.Suite).
type Suite = suite.Suite

// ErrBadSuite reports a suite directory that does not follow the suite
// format (suite.ErrBad).
var ErrBadSuite = suite.ErrBad

// LoadSuite reads the suite in dir (suite.Load).
func LoadSuite(dir string) (*Suite, error) { return suite.Load(dir) }

// LoadSuiteOver reads the questions of the suite in dir over the knowledge
// base corpus (suite.LoadOver).
func LoadSuiteOver(dir, corpus string) (*Suite, error) { return suite.LoadOver(dir, corpus) }

// ReadQueries parses and validates queries in the suite format
// (suite.ReadQueries).
func ReadQueries(r io.Reader) ([]Query, error) { return suite.ReadQueries(r) }

// IsSuite reports whether path is a suite directory (suite.IsSuite).
func IsSuite(path string) bool { return suite.IsSuite(path) }
