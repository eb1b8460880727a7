package intent

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"
)

// maxTextBytes bounds one question of a CSV.
const maxTextBytes = 4096

// ReadCSVFile reads the labelled questions of the CSV file at path (see
// ReadCSV); the error names the file.
func ReadCSVFile(path string) ([]Example, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ex, err := ReadCSV(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return ex, nil
}

// ReadCSV reads labelled questions: a header row with `text` and `category`
// columns (any order, other columns ignored), then one question per row.
// Every row must have a non-empty, valid UTF-8 text and category; the error
// names the first bad row.
func ReadCSV(r io.Reader) ([]Example, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%w: empty CSV; want a header row `text,category`", ErrBadData)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadData, err)
	}
	ti, ci := -1, -1
	for i, h := range head {
		switch strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))) {
		case "text":
			ti = i
		case "category":
			ci = i
		}
	}
	if ti < 0 || ci < 0 {
		return nil, fmt.Errorf("%w: header %q lacks a `text` or `category` column", ErrBadData, strings.Join(head, ","))
	}
	var out []Example
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrBadData, err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) <= max(ti, ci) {
			return nil, fmt.Errorf("%w: line %d has %d fields, want at least %d", ErrBadData, line, len(rec), max(ti, ci)+1)
		}
		ex := Example{Text: strings.TrimSpace(rec[ti]), Label: strings.TrimSpace(rec[ci])}
		switch {
		case ex.Text == "" || ex.Label == "":
			return nil, fmt.Errorf("%w: line %d has an empty text or category", ErrBadData, line)
		case !utf8.ValidString(ex.Text) || !utf8.ValidString(ex.Label):
			return nil, fmt.Errorf("%w: line %d is not valid UTF-8", ErrBadData, line)
		case len(ex.Text) > maxTextBytes:
			return nil, fmt.Errorf("%w: line %d: text of %d bytes, the limit is %d", ErrBadData, line, len(ex.Text), maxTextBytes)
		}
		out = append(out, ex)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: no rows after the header", ErrBadData)
	}
	return out, nil
}
