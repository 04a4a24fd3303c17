// Command mutate is the project's mutation tester: it makes one small change
// at a time to a package's code (a mutant), runs the package's tests against
// it, and lists the mutants that no test caught (the survivors).
//
//	go run ./internal/mutate ./elgamal ./reencrypt      # every mutant
//	go run ./internal/mutate -budget 5m -ops check ./chord
//	go run ./internal/mutate -list ./elgamal           # the mutants, untested
//	go run ./internal/mutate -files store.go,ticket.go ./chord
//
// A test earns its name by failing when the line it guards is broken; this
// automates that habit. The mutants are the ones that break a guard the way
// a careless edit or a wrong refactor would:
//
//   - check: a guard — an if statement whose body returns — never fires
//     (its condition becomes false);
//   - negate: an if condition is negated;
//   - boundary: < becomes <=, <= becomes <, and likewise > and >=;
//   - equality: == becomes != and != becomes ==;
//   - call: a call statement whose results are ignored (h.Write(x),
//     mac.Reset(), a checksum update) is removed.
//
// Mutants are applied with go test's -overlay flag: the working tree is never
// written, so the command is safe to interrupt and to run beside an editor.
// A mutant that does not compile is skipped. A mutant is killed when the
// package's tests fail or time out.
//
// A survivor is a finding: either a test is missing, or the change does not
// matter. A survivor that does not matter is justified in a comment beside
// the code, on the mutated line or in a comment ending on the line above it:
//
//	// mutation: equivalent — the length was checked by the caller.
//
// and is then listed as justified, not as a survivor. The command exits 1
// when a survivor is left unjustified and -fail is set, so CI can make the
// list a gate for the packages whose every guard matters.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

func main() {
	budget := flag.Duration("budget", 0, "per package: stop starting mutants after this long (0: no limit)")
	ops := flag.String("ops", "check,negate,boundary,equality,call", "comma-separated mutation operators")
	workers := flag.Int("workers", 2, "mutants tested at once")
	timeout := flag.Duration("timeout", 2*time.Minute, "time limit of one mutant's test run (a timeout kills the mutant)")
	list := flag.Bool("list", false, "list the mutants without testing them")
	fail := flag.Bool("fail", false, "exit 1 when any survivor is unjustified")
	run := flag.String("run", "", "passed to go test -run (default: every test)")
	only := flag.String("files", "", "comma-separated file names: mutate only these files of each package")
	shuffle := flag.Uint64("shuffle", 0, "if not 0, test the mutants in an order shuffled by this seed (a budgeted run then samples them)")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: go run ./internal/mutate [flags] ./pkg [./pkg ...]")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	enabled := map[string]bool{}
	for _, op := range strings.Split(*ops, ",") {
		op = strings.TrimSpace(op)
		if !slices.Contains(operators, op) {
			fmt.Fprintf(os.Stderr, "mutate: unknown operator %q (have %s)\n", op, strings.Join(operators, ", "))
			os.Exit(2)
		}
		enabled[op] = true
	}
	if *workers < 1 {
		fmt.Fprintln(os.Stderr, "mutate: -workers must be at least 1")
		os.Exit(2)
	}

	start := time.Now()
	var total summary
	for _, pkg := range flag.Args() {
		ms, err := findMutants(pkg, enabled, *only)
		if err != nil {
			fmt.Fprintln(os.Stderr, "mutate:", err)
			os.Exit(2)
		}
		if *shuffle != 0 {
			r := rand.New(rand.NewPCG(*shuffle, 0))
			r.Shuffle(len(ms), func(i, j int) { ms[i], ms[j] = ms[j], ms[i] })
		}
		if *list {
			for _, m := range ms {
				fmt.Printf("%s\t%s\t%s\n", m.pos(), m.op, m.desc)
			}
			continue
		}
		var deadline time.Time
		if *budget > 0 {
			deadline = time.Now().Add(*budget)
		}
		s := testMutants(pkg, ms, *workers, *timeout, *run, deadline)
		s.print(pkg)
		total.add(s)
	}
	if *list {
		return
	}
	fmt.Printf("\nmutants: %d killed, %d survived, %d justified, %d did not compile, %d not run (budget) in %s\n",
		total.killed, len(total.survivors), total.justified, total.broken, total.skipped, time.Since(start).Round(time.Second))
	if *fail && len(total.survivors) > 0 {
		os.Exit(1)
	}
}

var operators = []string{"check", "negate", "boundary", "equality", "call"}

// A mutant is one edit of one file: the bytes [start, end) become repl.
type mutant struct {
	file       string
	src        []byte // the file as it was read when the mutants were listed
	line       int
	start, end int
	repl       string
	op, desc   string
	justified  bool
}

func (m mutant) pos() string { return fmt.Sprintf("%s:%d", filepath.Base(m.file), m.line) }

// findMutants lists the mutants of the non-test Go files of pkg, a
// directory.
func findMutants(pkg string, enabled map[string]bool, only string) ([]mutant, error) {
	files, err := filepath.Glob(filepath.Join(pkg, "*.go"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%s: no Go files", pkg)
	}
	var ms []mutant
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		if only != "" && !slices.Contains(strings.Split(only, ","), filepath.Base(f)) {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		fset := token.NewFileSet()
		af, err := parser.ParseFile(fset, f, src, parser.ParseComments)
		if err != nil {
			return nil, err
		}
		if ast.IsGenerated(af) {
			continue
		}
		justified := justifiedLines(fset, af)
		off := func(p token.Pos) int { return fset.Position(p).Offset }
		add := func(at token.Pos, start, end int, repl, op, desc string) {
			if !enabled[op] {
				return
			}
			line := fset.Position(at).Line
			ms = append(ms, mutant{file: f, src: src, line: line, start: start, end: end, repl: repl, op: op, desc: desc,
				justified: justified[line] || justified[line-1]})
		}
		ast.Inspect(af, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.IfStmt:
				cond := string(src[off(n.Cond.Pos()):off(n.Cond.End())])
				if returns(n.Body) {
					// "false && (cond)" rather than "false": a variable
					// declared in the if statement stays used, so
					// the mutant compiles.
					add(n.Pos(), off(n.Cond.Pos()), off(n.Cond.End()), "false && ("+cond+")", "check", "guard never fires: if "+short(cond))
				}
				add(n.Pos(), off(n.Cond.Pos()), off(n.Cond.End()), "!("+cond+")", "negate", "if !("+short(cond)+")")
			case *ast.BinaryExpr:
				var to token.Token
				op := "boundary"
				switch n.Op {
				case token.LSS:
					to = token.LEQ
				case token.LEQ:
					to = token.LSS
				case token.GTR:
					to = token.GEQ
				case token.GEQ:
					to = token.GTR
				case token.EQL:
					to, op = token.NEQ, "equality"
				case token.NEQ:
					to, op = token.EQL, "equality"
				default:
					return true
				}
				p := off(n.OpPos)
				add(n.OpPos, p, p+len(n.Op.String()), to.String(), op,
					fmt.Sprintf("%s becomes %s in %s", n.Op, to, short(string(src[off(n.Pos()):off(n.End())]))))
			case *ast.ExprStmt:
				call, ok := n.X.(*ast.CallExpr)
				if !ok || isPanic(call) {
					return true
				}
				add(n.Pos(), off(n.Pos()), off(n.End()), "{}", "call", "call removed: "+short(string(src[off(n.Pos()):off(n.End())])))
			}
			return true
		})
	}
	return ms, nil
}

// justifiedLines returns the lines that carry a "mutation:" comment.
func justifiedLines(fset *token.FileSet, f *ast.File) map[int]bool {
	lines := map[int]bool{}
	for _, g := range f.Comments {
		for _, c := range g.List {
			if strings.Contains(c.Text, "mutation:") {
				// The tag may stand anywhere in a comment of several
				// lines that ends on the line above the mutated one.
				lines[fset.Position(c.Pos()).Line] = true
				lines[fset.Position(g.End()).Line] = true
			}
		}
	}
	return lines
}

// returns reports whether a block ends in a return statement: the shape of a
// guard.
func returns(b *ast.BlockStmt) bool {
	if len(b.List) == 0 {
		return false
	}
	_, ok := b.List[len(b.List)-1].(*ast.ReturnStmt)
	return ok
}

func isPanic(c *ast.CallExpr) bool {
	id, ok := c.Fun.(*ast.Ident)
	return ok && id.Name == "panic"
}

func short(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 70 {
		s = s[:67] + "..."
	}
	return s
}

type summary struct {
	killed, justified, broken, skipped int
	survivors                          []string
}

func (s *summary) add(t summary) {
	s.killed += t.killed
	s.justified += t.justified
	s.broken += t.broken
	s.skipped += t.skipped
	s.survivors = append(s.survivors, t.survivors...)
}

func (s summary) print(pkg string) {
	fmt.Printf("%s: %d killed, %d survived, %d justified, %d did not compile, %d not run\n",
		pkg, s.killed, len(s.survivors), s.justified, s.broken, s.skipped)
	for _, line := range s.survivors {
		fmt.Println("  SURVIVED", line)
	}
}

type outcome int

const (
	killed outcome = iota
	survived
	broken
)

// testMutants runs pkg's tests once per mutant, workers at a time.
func testMutants(pkg string, ms []mutant, workers int, timeout time.Duration, run string, deadline time.Time) summary {
	tmp, err := os.MkdirTemp("", "mutate")
	if err != nil {
		fmt.Fprintln(os.Stderr, "mutate:", err)
		os.Exit(2)
	}
	defer os.RemoveAll(tmp)

	var (
		mu   sync.Mutex
		s    summary
		wg   sync.WaitGroup
		next = make(chan int)
	)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				m := ms[i]
				o := testOne(pkg, m, filepath.Join(tmp, fmt.Sprint(w)), timeout, run)
				mu.Lock()
				switch {
				case o == killed:
					s.killed++
				case o == broken:
					s.broken++
				case m.justified:
					s.justified++
				default:
					s.survivors = append(s.survivors, fmt.Sprintf("%s\t%s\t%s", m.pos(), m.op, m.desc))
				}
				mu.Unlock()
			}
		}()
	}
	for i := range ms {
		if !deadline.IsZero() && time.Now().After(deadline) {
			s.skipped = len(ms) - i
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	slices.Sort(s.survivors)
	return s
}

func testOne(pkg string, m mutant, dir string, timeout time.Duration, run string) outcome {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "mutate:", err)
		os.Exit(2)
	}
	// The source read when the mutants were listed: an edit made to the
	// file during the run cannot shift the mutants' offsets.
	mutated := slices.Concat(m.src[:m.start], []byte(m.repl), m.src[m.end:])
	abs, err := filepath.Abs(m.file)
	if err != nil {
		fmt.Fprintln(os.Stderr, "mutate:", err)
		os.Exit(2)
	}
	file := filepath.Join(dir, filepath.Base(m.file))
	overlay := filepath.Join(dir, "overlay.json")
	ov, _ := json.Marshal(map[string]any{"Replace": map[string]string{abs: file}})
	if err := os.WriteFile(file, mutated, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "mutate:", err)
		os.Exit(2)
	}
	if err := os.WriteFile(overlay, ov, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "mutate:", err)
		os.Exit(2)
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	args := []string{"test", "-count=1", "-failfast", "-overlay", overlay}
	if run != "" {
		args = append(args, "-run", run)
	}
	cmd := exec.CommandContext(ctx, "go", append(args, "./"+filepath.Clean(pkg))...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err = cmd.Run()
	switch {
	case err == nil:
		return survived
	case ctx.Err() != nil:
		return killed // a mutant that hangs the tests is caught by their timeout
	case bytes.Contains(out.Bytes(), []byte("[build failed]")) || bytes.Contains(out.Bytes(), []byte("[setup failed]")):
		return broken
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return killed
	}
	fmt.Fprintln(os.Stderr, "mutate:", err)
	os.Exit(2)
	return broken
}
