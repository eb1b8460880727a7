package gaps

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// topics returns twenty questions on each of three subjects, interleaved:
// three words each from the subject's own vocabulary, so that any sound
// clustering separates them.
func topics() (texts []string, truth []string) {
	vocab := map[string][]string{
		"refund":   {"refund", "money", "repay", "cash", "bank", "credit"},
		"password": {"password", "login", "account", "email", "code", "username"},
		"shipping": {"parcel", "courier", "tracking", "customs", "address", "postage"},
	}
	for i := 0; i < 20; i++ {
		for _, name := range []string{"refund", "password", "shipping"} {
			w := vocab[name]
			texts = append(texts, w[i%6]+" "+w[(i/6+i+1)%6]+" "+w[(i*5+3)%6])
			truth = append(truth, name)
		}
	}
	return texts, truth
}

func TestGroupSeparatesSubjects(t *testing.T) {
	texts, truth := topics()
	for _, name := range []string{"sparse", "sparse first-order", "dense"} {
		t.Run(name, func(t *testing.T) {
			o := Options{Representatives: 3}
			var vecs [][]float32
			switch name {
			case "sparse first-order":
				o.Neighbors, o.Threshold = -1, 0.2
			case "dense":
				// One axis per subject, plus a little of the others.
				for i, s := range truth {
					v := make([]float32, 3)
					for k := range v {
						v[k] = float32((i*7+k*3)%5) * 0.05
					}
					v[map[string]int{"refund": 0, "password": 1, "shipping": 2}[s]] = 1
					vecs = append(vecs, v)
				}
			}
			cs, err := Group(texts, vecs, o)
			if err != nil {
				t.Fatal(err)
			}
			if len(cs) != 3 {
				t.Fatalf("%d clusters, want 3: %+v", len(cs), cs)
			}
			if a := ari(truth, assignments(len(texts), cs)); a != 1 {
				t.Errorf("ARI %v, want 1", a)
			}
			for _, c := range cs {
				if len(c.Members) != 20 || len(c.Representatives) != 3 || !slices.Equal(c.Representatives, c.Members[:3]) {
					t.Errorf("cluster %+v", c)
				}
				if c.Cohesion <= 0 || c.Cohesion > 1.0001 {
					t.Errorf("cohesion %v", c.Cohesion)
				}
				subject := truth[c.Members[0]]
				var all []string
				for _, m := range c.Members {
					all = append(all, texts[m])
				}
				if len(c.Terms) != 5 {
					t.Errorf("%s cluster terms %v, want 5", subject, c.Terms)
				}
				for _, term := range c.Terms {
					if !strings.Contains(strings.Join(all, " "), term) {
						t.Errorf("%s cluster term %q is not in its questions", subject, term)
					}
				}
			}
		})
	}
}

func TestGroupIsDeterministic(t *testing.T) {
	texts, _ := topics()
	a, err := Group(texts, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		b, err := Group(texts, nil, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(a) != fmt.Sprint(b) {
			t.Fatalf("two runs differ:\n%v\n%v", a, b)
		}
	}
}

func TestGroupEdgeCases(t *testing.T) {
	if cs, err := Group(nil, nil, Options{}); err != nil || len(cs) != 0 {
		t.Errorf("no questions: %v %v", cs, err)
	}
	cs, err := Group([]string{"only one"}, nil, Options{})
	if err != nil || len(cs) != 1 || len(cs[0].Members) != 1 {
		t.Errorf("one question: %+v %v", cs, err)
	}
	// Texts with no terms at all still land in clusters.
	cs, err = Group([]string{"???", "!!!", "the a of"}, nil, Options{})
	if err != nil || len(assignments(3, cs)) != 3 {
		t.Errorf("termless questions: %+v %v", cs, err)
	}
	if _, err := Group(make([]string, MaxQuestions+1), nil, Options{}); !errors.Is(err, ErrTooMany) {
		t.Errorf("too many: %v", err)
	}
	if _, err := Group([]string{"a", "b"}, [][]float32{{1, 0}}, Options{}); err == nil {
		t.Error("one vector for two questions accepted")
	}
	if _, err := Group([]string{"a", "b"}, [][]float32{{1, 0}, {1}}, Options{}); err == nil {
		t.Error("vectors of two sizes accepted")
	}
}
