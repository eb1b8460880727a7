package api

import (
	"net/http"
	"time"
)

// DefaultWindow is the window of the reports (GET /v1/gaps, GET
// /v1/analytics) given no start: the week before the end.
const DefaultWindow = 7 * 24 * time.Hour

// ParseTime reads a window bound: RFC 3339 ("2026-05-01T12:00:00Z") or a
// UTC date ("2026-05-01", its midnight); "" is the zero time.
func ParseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t, err = time.Parse(time.DateOnly, s)
	}
	if err == nil {
		// The store keeps Unix nanoseconds: a year past 2261 would wrap
		// around and select everything.
		if t.Year() < 1970 || t.Year() > 2261 {
			return time.Time{}, errf(http.StatusBadRequest, CodeInvalidField, "%q is outside 1970-2261", s)
		}
		return t.UTC(), nil
	}
	return time.Time{}, errf(http.StatusBadRequest, CodeInvalidField, "%q is neither an RFC 3339 time nor a date (YYYY-MM-DD)", s)
}

// Window reads a report's from and to: a missing from is DefaultWindow
// before to (or before now), a missing to is open (zero).
func Window(fromS, toS string, now time.Time) (from, to time.Time, err error) {
	if from, err = ParseTime(fromS); err != nil {
		return from, to, errf(http.StatusBadRequest, CodeInvalidField, "from: %v", err)
	}
	if to, err = ParseTime(toS); err != nil {
		return from, to, errf(http.StatusBadRequest, CodeInvalidField, "to: %v", err)
	}
	if from.IsZero() {
		end := to
		if end.IsZero() {
			end = now.UTC()
		}
		from = end.Add(-DefaultWindow)
	}
	return from, to, nil
}
