package webbuild

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"unicode"
)

// FuzzMemLimit is the GOMEMLIMIT for fuzz runs, so a decoder that allocates
// wildly makes the fuzzer work hard (and fail visibly) instead of driving
// the machine into swap. GOMEMLIMIT is a soft limit for the Go runtime.
const FuzzMemLimit = "512MiB"

// FuzzTarget is one fuzz test: a Fuzz* function in a package.
type FuzzTarget struct {
	Pkg  string // import path, e.g. github.com/tickwire/tickwire/shared/wire
	Name string // function name, e.g. FuzzDecode
}

func (t FuzzTarget) String() string { return t.Pkg + "." + t.Name }

// FuzzTargets lists the fuzz tests of the given packages (patterns such as
// ./shared/... are allowed) by running `go test -list ^Fuzz PKGS` in the
// module root.
func FuzzTargets(ctx context.Context, pkgs ...string) ([]FuzzTarget, error) {
	if len(pkgs) == 0 {
		return nil, nil
	}
	root, err := ModuleRoot()
	if err != nil {
		return nil, err
	}
	return fuzzTargets(ctx, root, pkgs)
}

func fuzzTargets(ctx context.Context, root string, pkgs []string) ([]FuzzTarget, error) {
	var stdout, stderr bytes.Buffer
	cmd := goCommand(ctx, root, os.Environ(), fuzzListArgs(pkgs)...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	targets, parseErr := ParseFuzzList(stdout.String())
	if runErr != nil {
		return nil, fmt.Errorf("go %s: %w\n%s%s", strings.Join(fuzzListArgs(pkgs), " "), runErr, stdout.String(), stderr.String())
	}
	if parseErr != nil {
		return nil, parseErr
	}
	return targets, nil
}

func fuzzListArgs(pkgs []string) []string {
	return append([]string{"test", "-list", "^Fuzz"}, pkgs...)
}

// ParseFuzzList parses the output of `go test -list ^Fuzz PKGS...`: for each
// package the matching names, one per line, followed by a summary line
// "ok  <tab>PKG<tab>TIME" ("?   <tab>PKG<tab>[no test files]" for packages
// without tests). Lines that are not Go identifiers starting with "Fuzz"
// (e.g. output of a TestMain) are ignored. A "FAIL" summary is an error.
func ParseFuzzList(out string) ([]FuzzTarget, error) {
	var targets []FuzzTarget
	var pending []string
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		fields := strings.Fields(line)
		switch {
		case len(fields) == 0:
		case fields[0] == "ok" && len(fields) >= 2:
			for _, name := range pending {
				targets = append(targets, FuzzTarget{Pkg: fields[1], Name: name})
			}
			pending = nil
		case fields[0] == "?":
			pending = nil
		case fields[0] == "FAIL" || fields[0] == "---":
			return nil, fmt.Errorf("go test -list: %s", line)
		case len(fields) == 1 && isFuzzName(line):
			pending = append(pending, line)
		}
	}
	if len(pending) > 0 {
		return nil, fmt.Errorf("go test -list: names %v without a package summary line", pending)
	}
	return targets, sc.Err()
}

// isFuzzName reports whether s is a name go test treats as a fuzz test:
// "Fuzz" followed by nothing or by an identifier not starting with a
// lower-case letter ("FuzzDecode", "Fuzz_x"; not "Fuzzy").
func isFuzzName(s string) bool {
	rest, ok := strings.CutPrefix(s, "Fuzz")
	if !ok {
		return false
	}
	for i, r := range rest {
		if i == 0 && unicode.IsLower(r) {
			return false
		}
		if r != '_' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// RunFuzz runs one fuzz target for a budget, as -fuzztime takes it (a duration such as "5s", or
// a number of inputs such as "50000x"):
//
//	go test -run=^$ -fuzz=^TARGET$ -fuzztime=BUDGET PKG
//
// with GOMEMLIMIT=FuzzMemLimit, streaming the output to Stdout/Stderr.
func RunFuzz(ctx context.Context, pkg, target, budget string) error {
	root, err := ModuleRoot()
	if err != nil {
		return err
	}
	return run(fuzzCmd(ctx, root, pkg, target, budget, os.Environ()))
}

func fuzzCmd(ctx context.Context, root, pkg, target, budget string, environ []string) *exec.Cmd {
	return goCommand(ctx, root, setEnv(environ, "GOMEMLIMIT", FuzzMemLimit),
		"test", "-run=^$", "-fuzz=^"+target+"$", "-fuzztime="+budget, pkg)
}
