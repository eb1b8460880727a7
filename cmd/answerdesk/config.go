package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"sync"
)

// The config file (--config, env ANSWERDESK_CONFIG) is one JSON object whose
// top-level keys are sections; each part of the wiring reads its own section
// with configSection, so sections are added without touching this file:
//
//	{"store": {...}, "answer": {...}, "webhook": {...}, "llm": {...}}
//
// Environment variables override the file where DESIGN.md names them.
type configFile struct {
	once     sync.Once
	err      error
	sections map[string]json.RawMessage
}

var cfgFile configFile

// configSection decodes section name of the config file into v. A missing
// file setting or a missing section leaves v unchanged; unknown fields are
// an error, so that a typo in a config key is reported instead of ignored.
func (e *env) configSection(name string, v any) error {
	if e.config == "" {
		return nil
	}
	cfgFile.once.Do(func() {
		data, err := os.ReadFile(e.config)
		if err != nil {
			cfgFile.err = fmt.Errorf("config: %w", err)
			return
		}
		if err := json.Unmarshal(data, &cfgFile.sections); err != nil {
			cfgFile.err = fmt.Errorf("config %s: %w", e.config, err)
		}
	})
	if cfgFile.err != nil {
		return cfgFile.err
	}
	raw, ok := cfgFile.sections[name]
	if !ok {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("config %s: section %q: %w", e.config, name, err)
	}
	return nil
}
