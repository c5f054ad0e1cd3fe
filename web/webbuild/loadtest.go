package webbuild

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// LoadtestPkg is the load tester's command, relative to the module root.
const LoadtestPkg = "./internal/tools/cmd/loadtest"

// LoadtestArgsEnv names the environment variable whose value, split at white space, holds the load
// tester's flags for `mage loadtest` (mage targets take no flags).
const LoadtestArgsEnv = "TICKWIRE_LOADTEST_ARGS"

// LoadtestBinary returns the path of the load tester inside dist.
func LoadtestBinary(dist string) string {
	return filepath.Join(dist, "tickwire-loadtest"+exeSuffix(runtime.GOOS))
}

// BuildLoadtest builds the load tester for the host platform to out.
func BuildLoadtest(ctx context.Context, out string) error {
	root, err := ModuleRoot()
	if err != nil {
		return err
	}
	abs, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	return run(goCommand(ctx, root, os.Environ(), "build", "-o", abs, LoadtestPkg))
}

// LoadtestArgs returns the load tester's arguments: the flags in env (a LoadtestArgsEnv value),
// preceded by -server serverBinary unless they name a server themselves (-server) or play against a
// running one (-url).
func LoadtestArgs(serverBinary, env string) []string {
	args := strings.Fields(env)
	for _, a := range args {
		name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if strings.HasPrefix(a, "-") && (name == "server" || name == "url") {
			return args
		}
	}
	return append([]string{"-server", serverBinary}, args...)
}
