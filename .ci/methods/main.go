// Command methods fails when an exported type of the module has more than
// -max exported methods (its method set, with promoted methods, through a
// pointer): a type that large does more than one thing, and its callers
// depend on more than they use. It reads the compiler's export data, so
// it sees what the compiler sees.
//
//	go run ./.ci/methods [-max 12] [packages]   (default ./...)
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"go/importer"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"sort"
)

type pkg struct {
	ImportPath string
	Export     string
	Standard   bool
	Module     *struct{ Main bool }
}

func main() {
	max := flag.Int("max", 12, "most exported methods an exported type may have")
	flag.Parse()
	patterns := flag.Args()
	if len(patterns) == 0 {
		patterns = []string{"./..."}
	}
	offenders, err := check(patterns, *max)
	if err != nil {
		fmt.Fprintln(os.Stderr, "methods:", err)
		os.Exit(2)
	}
	for _, o := range offenders {
		fmt.Println(o)
	}
	if len(offenders) > 0 {
		fmt.Printf("%d exported types have more than %d exported methods: split them along their concerns\n", len(offenders), *max)
		os.Exit(1)
	}
	fmt.Printf("no exported type has more than %d exported methods\n", *max)
}

// check lists the exported types of the main module's packages matching
// patterns with more than max exported methods, as "pkg.Type: N methods".
func check(patterns []string, max int) ([]string, error) {
	cmd := exec.Command("go", append([]string{"list", "-export", "-deps", "-json"}, patterns...)...)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list: %w", err)
	}
	exports := map[string]string{}
	var mine []string
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			return nil, err
		}
		exports[p.ImportPath] = p.Export
		if p.Module != nil && p.Module.Main {
			mine = append(mine, p.ImportPath)
		}
	}
	fset := token.NewFileSet()
	imp := importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		f, ok := exports[path]
		if !ok || f == "" {
			return nil, fmt.Errorf("no export data for %s", path)
		}
		return os.Open(f)
	})
	var offenders []string
	for _, path := range mine {
		p, err := imp.Import(path)
		if err != nil {
			return nil, err
		}
		scope := p.Scope()
		for _, name := range scope.Names() {
			tn, ok := scope.Lookup(name).(*types.TypeName)
			if !ok || !tn.Exported() || tn.IsAlias() {
				continue
			}
			t := tn.Type()
			var ms *types.MethodSet
			if types.IsInterface(t) {
				ms = types.NewMethodSet(t)
			} else {
				ms = types.NewMethodSet(types.NewPointer(t))
			}
			n := 0
			for i := 0; i < ms.Len(); i++ {
				if ms.At(i).Obj().Exported() {
					n++
				}
			}
			if n > max {
				offenders = append(offenders, fmt.Sprintf("%s.%s: %d methods", path, name, n))
			}
		}
	}
	sort.Strings(offenders)
	return offenders, nil
}
