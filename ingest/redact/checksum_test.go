package redact

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// genINN returns a valid 10- or 12-digit INN built from random digits.
func genINN(r *rand.Rand, n int) string {
	d := make([]int, n)
	for i := range d {
		d[i] = r.IntN(10)
	}
	ctl := func(w []int) int {
		s := 0
		for i, k := range w {
			s += k * d[i]
		}
		return s % 11 % 10
	}
	if n == 10 {
		d[9] = ctl([]int{2, 4, 10, 3, 5, 9, 4, 6, 8})
	} else {
		d[10] = ctl([]int{7, 2, 4, 10, 3, 5, 9, 4, 6, 8})
		d[11] = ctl([]int{3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8})
	}
	var b strings.Builder
	for _, x := range d {
		b.WriteByte(byte('0' + x))
	}
	return b.String()
}

func genSNILS(r *rand.Rand) string {
	d := make([]int, 9)
	s := 0
	for i := range d {
		d[i] = r.IntN(10)
		s += d[i] * (9 - i)
	}
	c := s
	if s > 101 {
		c = s % 101
	}
	if c == 100 || c == 101 {
		c = 0
	}
	return fmt.Sprintf("%d%d%d-%d%d%d-%d%d%d %02d", d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], d[8], c)
}

func genCNID(r *rand.Rand) string {
	body := fmt.Sprintf("%06d%04d%02d%02d%03d", 110000+r.IntN(540000), 1940+r.IntN(80), 1+r.IntN(12), 1+r.IntN(28), r.IntN(1000))
	w := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	s := 0
	for i, k := range w {
		s += k * int(body[i]-'0')
	}
	return body + string("10X98765432"[s%11])
}

// TestChecksumIDsGenerated measures recall on 1,000 random valid ids of
// each checksum type inside Russian and Chinese sentences, and that the same
// numbers with a broken check digit are not reported as that type.
func TestChecksumIDsGenerated(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	gens := map[string]func() string{
		INN:   func() string { return genINN(r, 10+2*r.IntN(2)) },
		SNILS: func() string { return genSNILS(r) },
		CNID:  func() string { return genCNID(r) },
	}
	templates := []string{"Мой ИНН %s, спасибо.", "СНИЛС: %s", "身份证号码%s，请核实。", "id %s."}
	for _, typ := range []string{INN, SNILS, CNID} {
		found, wrongType := 0, 0
		for i := 0; i < 1000; i++ {
			id := gens[typ]()
			s := fmt.Sprintf(templates[i%len(templates)], id)
			red := Text(s)
			if !strings.Contains(red, id) && strings.Contains(red, "["+typ+"]") {
				found++
			}
			// Break the last digit: never reported as this type.
			last := id[len(id)-1]
			bad := id[:len(id)-1] + string('0'+(last-'0'+1)%10)
			if last == 'X' {
				bad = id[:len(id)-1] + "0"
			}
			for _, sp := range Find(fmt.Sprintf(templates[i%len(templates)], bad)) {
				if sp.Type == typ {
					wrongType++
				}
			}
		}
		t.Logf("%-6s recall %d/1000, broken check digit reported as %s: %d/1000", typ, found, typ, wrongType)
		if found != 1000 || wrongType != 0 {
			t.Errorf("%s: recall %d/1000, false %d", typ, found, wrongType)
		}
	}
}
