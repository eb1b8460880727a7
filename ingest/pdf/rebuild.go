package pdf

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
)

// maxRebuildObjects bounds the object numbers a rebuilt table may hold.
const maxRebuildObjects = 1 << 20

var (
	reObjDef    = regexp.MustCompile(`(?m)(?:^|[\r\n\s])(\d{1,7})\s+(\d{1,5})\s+obj\b`)
	reRootRef   = regexp.MustCompile(`/Root\s+(\d{1,7})\s+(\d{1,5})\s+R`)
	reInfoRef   = regexp.MustCompile(`/Info\s+(\d{1,7})\s+(\d{1,5})\s+R`)
	reEncRef    = regexp.MustCompile(`/Encrypt\s+(\d{1,7})\s+(\d{1,5})\s+R`)
	reIDArray   = regexp.MustCompile(`/ID\s*\[\s*(<[0-9A-Fa-f\s]*>)\s*(<[0-9A-Fa-f\s]*>)\s*\]`)
	reCatalog   = regexp.MustCompile(`/Type\s*/Catalog\b`)
	reObjNumber = regexp.MustCompile(`(\d{1,7})\s+(\d{1,5})\s+obj\b`)
	// reTail finds where an object's text ends when "endobj" is missing: a
	// cross-reference table, trailer or end marker at a line start.
	reTail = regexp.MustCompile(`(?m)^\s*(?:xref|trailer|startxref|%%EOF)\b`)
)

// rebuild reconstructs a damaged file's cross-reference table the way
// readers such as poppler do: it scans for "N G obj" definitions (the last
// one of a number wins), takes the root from the last trailer that names
// one (or the catalog object), and appends a fresh table and trailer after
// a clean header. Objects inside compressed object streams cannot be found
// this way. ok is false when nothing usable is found.
func rebuild(data []byte) (out []byte, ok bool) {
	type def struct {
		off int
		gen int
	}
	header := []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	objs := map[int]def{}
	maxNum := 0
	for _, m := range reObjDef.FindAllSubmatchIndex(data, -1) {
		num, _ := strconv.Atoi(string(data[m[2]:m[3]]))
		gen, _ := strconv.Atoi(string(data[m[4]:m[5]]))
		if num <= 0 || num >= maxRebuildObjects || gen > 65535 {
			continue
		}
		objs[num] = def{off: m[2], gen: gen}
		maxNum = max(maxNum, num)
	}
	if len(objs) == 0 {
		return nil, false
	}
	ref := func(re *regexp.Regexp) string {
		ms := re.FindAllSubmatch(data, -1)
		for i := len(ms) - 1; i >= 0; i-- {
			num, _ := strconv.Atoi(string(ms[i][1]))
			if _, exists := objs[num]; exists {
				return fmt.Sprintf("%s %s R", ms[i][1], ms[i][2])
			}
		}
		return ""
	}
	root := ref(reRootRef)
	if root == "" {
		// The catalog object: the last definition before a /Type /Catalog.
		for _, m := range reCatalog.FindAllIndex(data, -1) {
			start := bytes.LastIndex(data[:m[0]], []byte("obj"))
			if start < 0 {
				continue
			}
			lineStart := max(0, start-24)
			if mm := reObjNumber.FindAllSubmatch(data[lineStart:start+3], -1); len(mm) > 0 {
				last := mm[len(mm)-1]
				root = fmt.Sprintf("%s %s R", last[1], last[2])
			}
		}
	}
	if root == "" {
		return nil, false
	}
	// Re-emit every object, closing those that lack "endobj" (or
	// "endstream"), so that the parser meets well-formed definitions.
	var b bytes.Buffer
	b.Grow(len(data) + len(header) + 20*(maxNum+1) + 256)
	b.Write(header)
	offsets := map[int]def{}
	matches := reObjDef.FindAllSubmatchIndex(data, -1)
	for i, m := range matches {
		num, _ := strconv.Atoi(string(data[m[2]:m[3]]))
		gen, _ := strconv.Atoi(string(data[m[4]:m[5]]))
		if num <= 0 || num >= maxRebuildObjects || gen > 65535 {
			continue
		}
		end := len(data)
		if i+1 < len(matches) {
			end = matches[i+1][2]
		}
		seg := data[m[2]:end]
		if k := reTail.FindIndex(seg); k != nil {
			seg = seg[:k[0]]
		}
		seg = bytes.TrimRight(seg, " \t\r\n\x00")
		offsets[num] = def{off: b.Len(), gen: gen}
		b.Write(seg)
		if !bytes.HasSuffix(seg, []byte("endobj")) {
			if bytes.Contains(seg, []byte("stream")) && !bytes.Contains(seg, []byte("endstream")) {
				b.WriteString("\nendstream")
			}
			b.WriteString("\nendobj")
		}
		b.WriteString("\n")
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n", maxNum+1)
	b.WriteString("0000000000 65535 f\r\n")
	for n := 1; n <= maxNum; n++ {
		if d, ok := offsets[n]; ok {
			fmt.Fprintf(&b, "%010d %05d n\r\n", d.off, d.gen)
		} else {
			b.WriteString("0000000000 65535 f\r\n")
		}
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root %s", maxNum+1, root)
	if info := ref(reInfoRef); info != "" {
		fmt.Fprintf(&b, " /Info %s", info)
	}
	if enc := ref(reEncRef); enc != "" {
		fmt.Fprintf(&b, " /Encrypt %s", enc)
		if ids := reIDArray.FindAllSubmatch(data, -1); len(ids) > 0 {
			last := ids[len(ids)-1]
			fmt.Fprintf(&b, " /ID [%s %s]", last[1], last[2])
		}
	}
	fmt.Fprintf(&b, " >>\nstartxref\n%d\n%%%%EOF\n", xref)
	return b.Bytes(), true
}
