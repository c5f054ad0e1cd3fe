// Package scaffold writes the packages of a new tickwire game: its shared half (rules, entities,
// input codec and tests), its client half (drawing and keys, with a test that plays it through the
// real server) and its registration with the server, the client (predicting its player, and
// honouring the page's ?net=), the load tester and netlab (a bot that heads for the coin). The game it writes builds,
// passes its tests and is playable at once: a disc per player to steer around a field, and a coin
// to collect. With [Game.Messages] it also has one message of its own each way (a player cheers;
// everyone hears who did), with golden bytes and a fuzz target. `go tool mage new NAME` calls
// [Write] (`-messages` sets Game.Messages); docs/NEW_GAME.md says what to change next.
package scaffold

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"go/format"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"text/template"
)

//go:embed templates/*.tmpl
var templates embed.FS

// Game names the game to write.
type Game struct {
	// Name is the game's name on the wire and its package name: a lower-case letter, then up to 19
	// lower-case letters and digits.
	Name string
	// Title is shown on the title screen and in the window's title. Defaults to "tickwire NAME".
	Title string
	// Messages adds the game's own messages, one each way, as an example to build on: a player
	// cheers, and the server tells everyone who did (files named messages*.go, and a test that plays
	// them through the real server). Defaults to false: a game with no messages of its own.
	Messages bool
}

// Ident returns the game's name as an exported Go identifier: "Tag" for tag.
func (g Game) Ident() string { return strings.ToUpper(g.Name[:1]) + g.Name[1:] }

// files maps each template to the path it is written to, relative to the module root; messages
// marks the files written only with Game.Messages.
//
// The client half's real-socket tests are in live_test.go: `go tool mage test` runs a package with a
// test file of that name in its live phase (magefile.go's isLiveTestFile).
var files = []struct {
	tmpl, path string
	messages   bool
}{
	{"shared_game.go.tmpl", "shared/games/[[.Name]]/[[.Name]].go", false},
	{"shared_input.go.tmpl", "shared/games/[[.Name]]/input.go", false},
	{"shared_test.go.tmpl", "shared/games/[[.Name]]/[[.Name]]_test.go", false},
	{"shared_messages.go.tmpl", "shared/games/[[.Name]]/messages.go", true},
	{"shared_messages_test.go.tmpl", "shared/games/[[.Name]]/messages_test.go", true},
	{"client.go.tmpl", "wasmclient/games/[[.Name]]/client.go", false},
	{"live_test.go.tmpl", "wasmclient/games/[[.Name]]/live_test.go", false},
	{"client_messages.go.tmpl", "wasmclient/games/[[.Name]]/messages.go", true},
	{"client_messages_test.go.tmpl", "wasmclient/games/[[.Name]]/messages_test.go", true},
	{"server_register.go.tmpl", "server/cmd/tickwire/game_[[.Name]].go", false},
	{"client_register.go.tmpl", "wasmclient/game_[[.Name]].go", false},
	{"loadtest_register.go.tmpl", "internal/tools/loadtest/game_[[.Name]].go", false},
	{"netlab_register.go.tmpl", "internal/tools/netlab/game_[[.Name]].go", false},
}

var namePattern = regexp.MustCompile(`^[a-z][a-z0-9]{0,19}$`)

// reserved are names a game cannot take: they would clash with identifiers in the files that
// register it, or with the toolkit's packages.
var reserved = []string{
	"app", "ui", "netclient", "netcode", "loadtest", "netlab", "sim", "wire", "room", "lobby", "gateway",
	"server", "static", "main",
	"ebiten", "msgpack", "fmt", "color", "slices", "games", "config", "runner", "register", "test",
	"testing", "internal", "string", "error", "int", "len", "new", "make",
}

// ErrExists reports that a file of the game is already there.
var ErrExists = errors.New("scaffold: the game already exists")

// Check reports whether name can be a new game's name.
func Check(name string) error {
	switch {
	case !namePattern.MatchString(name):
		return fmt.Errorf("scaffold: game name %q: want a lower-case letter, then up to 19 lower-case letters and digits (it is also a Go package name)", name)
	case token.IsKeyword(name) || slices.Contains(reserved, name):
		return fmt.Errorf("scaffold: game name %q is reserved", name)
	}
	return nil
}

// Files returns the game's files, gofmt-formatted, by path relative to the module root.
func Files(g Game) (map[string][]byte, error) {
	if err := Check(g.Name); err != nil {
		return nil, err
	}
	if g.Title == "" {
		g.Title = "tickwire " + g.Name
	}
	if strings.ContainsAny(g.Title, "\"\\\n`") {
		return nil, fmt.Errorf("scaffold: title %q: no quotes, backslashes or newlines", g.Title)
	}
	out := map[string][]byte{}
	for _, f := range files {
		if f.messages && !g.Messages {
			continue
		}
		src, err := fs.ReadFile(templates, "templates/"+f.tmpl)
		if err != nil {
			return nil, err
		}
		body, err := execute(f.tmpl, string(src), g)
		if err != nil {
			return nil, err
		}
		formatted, err := format.Source(body)
		if err != nil {
			return nil, fmt.Errorf("scaffold: %s does not format: %w", f.tmpl, err)
		}
		path, err := execute(f.tmpl+" path", f.path, g)
		if err != nil {
			return nil, err
		}
		out[string(path)] = formatted
	}
	return out, nil
}

func execute(name, text string, g Game) ([]byte, error) {
	// [[ ]] rather than {{ }}, which Go's composite literals are full of.
	t, err := template.New(name).Delims("[[", "]]").Option("missingkey=error").Parse(text)
	if err != nil {
		return nil, fmt.Errorf("scaffold: template %s: %w", name, err)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, g); err != nil {
		return nil, fmt.Errorf("scaffold: template %s: %w", name, err)
	}
	return b.Bytes(), nil
}

// Write writes the game's files under the module root and returns their paths, sorted. It writes
// nothing if any of them exists already (ErrExists) or the game's folders do.
func Write(root string, g Game) ([]string, error) {
	out, err := Files(g)
	if err != nil {
		return nil, err
	}
	paths := make([]string, 0, len(out))
	for p := range out {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	for _, dir := range []string{"shared/games/" + g.Name, "wasmclient/games/" + g.Name} {
		if _, err := os.Stat(filepath.Join(root, dir)); err == nil {
			return nil, fmt.Errorf("%w: %s is there", ErrExists, dir)
		}
	}
	for _, p := range paths {
		if _, err := os.Stat(filepath.Join(root, p)); err == nil {
			return nil, fmt.Errorf("%w: %s is there", ErrExists, p)
		}
	}
	for _, p := range paths {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(full, out[p], 0o644); err != nil {
			return nil, err
		}
	}
	return paths, nil
}
