// Package web holds the committed browser page (index.html, lobby.js, loader.js,
// style.css). Its tests check the page structure, run loader.js under Node.js
// against a fake DOM, fetch and Go runtime, and check lobby.js's rules (names,
// rooms, addresses) under Node.js.
package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestPageStructure checks index.html against what loader.js and the build
// expect.
func TestPageStructure(t *testing.T) {
	t.Parallel()
	html := readFile(t, "index.html")

	// Every element loader.js and lobby.js look up must exist in index.html.
	for _, script := range []string{"loader.js", "lobby.js"} {
		ids := regexp.MustCompile(`\$\('([^']+)'\)`).FindAllStringSubmatch(readFile(t, script), -1)
		if len(ids) == 0 {
			t.Fatalf("no element lookups found in %s; the test pattern is stale", script)
		}
		for _, m := range ids {
			t.Run(script+" id "+m[1], func(t *testing.T) {
				t.Parallel()
				if !strings.Contains(html, `id="`+m[1]+`"`) {
					t.Errorf("%s uses #%s, which index.html lacks", script, m[1])
				}
			})
		}
	}

	tests := []struct {
		name    string
		pattern string
	}{
		{"title", `<title>tickwire</title>`},
		{"lobby.js before loader.js", `(?s)<script src="lobby.js" defer></script>.*<script src="loader.js"`},
		{"stylesheet", `<link rel="stylesheet" href="style.css">`},
		{"wasm_exec.js before loader.js", `(?s)<script src="wasm_exec.js"></script>.*<script src="loader.js"`},
		{"viewport", `<meta name="viewport"`},
		{"charset", `<meta charset="utf-8">`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if !regexp.MustCompile(tt.pattern).MatchString(html) {
				t.Errorf("index.html does not match %q", tt.pattern)
			}
		})
	}
}

func TestStyleLetsCanvasFillWindow(t *testing.T) {
	t.Parallel()
	css := readFile(t, "style.css")
	body := regexp.MustCompile(`(?s)html,\s*body\s*\{(.*?)\}`).FindStringSubmatch(css)
	if body == nil {
		t.Fatal("style.css has no html, body rule")
	}
	for _, decl := range []string{"margin: 0", "overflow: hidden", "background: var(--bg)"} {
		t.Run(decl, func(t *testing.T) {
			t.Parallel()
			if !strings.Contains(body[1], decl) {
				t.Errorf("html, body rule lacks %q", decl)
			}
		})
	}
}

// harness runs loader.js in Node.js with a fake DOM. The scenario (JSON in
// argv[3]) controls the environment; the result is printed as JSON once the
// loader has settled.
const harness = `
'use strict';
const fs = require('fs');
const vm = require('vm');
const [loaderPath, scenarioJSON] = process.argv.slice(2);
const sc = JSON.parse(scenarioJSON);

const statuses = [];
function element(id) {
  const classes = new Set(id === 'progress' ? ['progress', 'indeterminate'] : []);
  const attrs = {};
  let text = '';
  return {
    id, hidden: id === 'error' || id === 'lobby-link', style: {}, onclick: null,
    get textContent() { return text; },
    set textContent(v) { text = String(v); if (id === 'status') statuses.push(text); },
    classList: {
      add: (c) => classes.add(c), remove: (c) => classes.delete(c), contains: (c) => classes.has(c),
    },
    setAttribute: (k, v) => { attrs[k] = String(v); },
    getAttribute: (k) => (k in attrs ? attrs[k] : null),
    removeAttribute: (k) => { delete attrs[k]; },
    listeners: {},
    addEventListener(type, fn) { this.listeners[type] = fn; },
  };
}
const els = {};
for (const id of ['loader', 'progress', 'progress-bar', 'status', 'error', 'error-message', 'reload', 'lobby-link', 'lobby', 'replay-file']) {
  els[id] = element(id);
}
const docListeners = {};
let probes = 0;
const document = {
  readyState: 'complete',
  getElementById: (id) => els[id] || null,
  createElement: (tag) => ({
    getContext: (kind) => {
      probes++;
      if (tag !== 'canvas' || kind !== 'webgl2' || !sc.webgl2) return null;
      return { getExtension: () => ({ loseContext() {} }) };
    },
  }),
  addEventListener(type, fn) { docListeners[type] = fn; },
};

// A valid WebAssembly module: the header plus one custom section padded to
// sc.size bytes in total.
function wasmModule(size) {
  const header = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const name = [0x01, 0x78]; // name "x"
  let payload = size - header.length - 1 - 5 - name.length;
  const out = new Uint8Array(size);
  out.set(header, 0);
  out[8] = 0x00; // custom section
  let n = payload + name.length, i = 9;
  for (let k = 0; k < 5; k++) { out[i++] = (n & 0x7f) | (k < 4 ? 0x80 : 0); n >>>= 7; } // 5-byte LEB128
  out.set(name, i);
  return out;
}
let body;
if (sc.body === 'wasm') body = wasmModule(sc.size);
else if (sc.body === 'badwasm') { body = wasmModule(sc.size); body[4] = 0x09; } // wrong version
else body = new TextEncoder().encode(sc.body || '');

let fetches = 0;
const fetched = [];
function fakeFetch(url, opts) {
  fetches++;
  fetched.push(url);
  if (url === '/api/rooms' && sc.gamesHang) { // takes the request, never answers
    return new Promise((resolve, reject) => {
      if (opts && opts.signal) opts.signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
    });
  }
  if (url === '/api/rooms') {
    if (!sc.games) return Promise.resolve(new Response('404 page not found', { status: 404 }));
    return Promise.resolve(new Response(JSON.stringify({ games: sc.games, rooms: [] }), { headers: { 'Content-Type': 'application/json' } }));
  }
  if (url !== 'tickwire.wasm') return Promise.reject(new TypeError('unexpected URL ' + url));
  if (sc.network === 'down') return Promise.reject(new TypeError('Failed to fetch'));
  const chunk = sc.chunk || 500000;
  let off = 0;
  const stream = new ReadableStream({
    pull(ctrl) {
      if (sc.network === 'cut' && off >= body.length / 2) { ctrl.error(new TypeError('network error')); return; }
      if (off >= body.length) { ctrl.close(); return; }
      ctrl.enqueue(body.slice(off, off + chunk));
      off += chunk;
    },
  });
  return Promise.resolve(new Response(stream, {
    status: sc.status || 200, statusText: sc.statusText || '', headers: sc.headers || {},
  }));
}

// The game registers tickwireOpenReplay a while after it starts; handed records what it got.
const handed = [];
class FakeFileReader {
  readAsArrayBuffer(file) {
    setTimeout(() => { this.result = file.bytes.buffer; this.onload(); }, 0);
  }
}

let runs = 0;
class FakeGo {
  constructor() {
    this.importObject = {};
    this.exit = (code) => {};
  }
  run(instance) {
    runs++;
    if (!instance || typeof instance.exports !== 'object') throw new Error('run without an instance');
    setTimeout(() => { g.tickwireOpenReplay = (bytes) => { handed.push(Array.from(bytes)); }; }, 150);
    if (sc.exitCode === undefined) return new Promise(() => {}); // runs forever
    if (sc.refused) g.tickwireRefused = sc.refused; // main.go's refuseGame, before it exits
    this.exit(sc.exitCode);
    return Promise.resolve();
  }
}

const g = {
  document, fetch: fakeFetch, console: { log() {}, warn() {}, error() {} },
  setTimeout, AbortController, DOMException, Promise, Uint8Array, TextEncoder, FileReader: FakeFileReader, Response, ReadableStream,
  location: { reload() {}, search: sc.search || '', pathname: '/' },
};
if (sc.lobby) g.tickwireLobby = { active: true };
if (sc.webassembly !== false) g.WebAssembly = WebAssembly;
let streamed = 0;
if (sc.webassembly !== false && sc.streaming) {
  // The browser's streaming compile: Node's own, counted.
  g.WebAssembly = Object.assign(Object.create(WebAssembly), {
    instantiateStreaming(source, imports) { streamed++; return WebAssembly.instantiateStreaming(source, imports); },
  });
}
if (sc.go !== false) g.Go = FakeGo;
g.window = g;
vm.createContext(g);
// Contexts have their own WebAssembly built-in; remove it to simulate an
// old browser.
if (sc.webassembly === false) vm.runInContext('delete globalThis.WebAssembly', g);
vm.runInContext(fs.readFileSync(loaderPath, 'utf8'), g, { filename: 'loader.js' });

const deadline = Date.now() + 10000;
let dropped = false;
(function wait() {
  const st = g.tickwireLoader && g.tickwireLoader.state;
  let settled = st === 'error' || st === 'lobby' || (st === 'running' && (sc.exitCode === undefined || Date.now() > deadline));
  if (settled && sc.drop && !dropped) {
    // Drop a replay file on the page (or pick it with #replay-file), then wait for the game to get it.
    dropped = true;
    const file = { name: 'match.twr', bytes: new Uint8Array(sc.drop), size: sc.dropSize || sc.drop.length };
    if (sc.pick) {
      els['replay-file'].files = [file];
      els['replay-file'].listeners.change();
    } else {
      let prevented = 0;
      docListeners.dragover({ preventDefault() { prevented++; } });
      docListeners.drop({ preventDefault() { prevented++; }, dataTransfer: { files: [file] } });
      if (prevented !== 2) throw new Error('dragover and drop must be prevented, or the browser opens the file');
    }
    settled = false;
  }
  if (sc.drop && dropped && handed.length === 0 && st !== 'error' && !g.tickwireLoader.replayRefused) settled = false;
  if (!settled && Date.now() < deadline) { setTimeout(wait, 10); return; }
  // Let pending promise callbacks (e.g. go.run finishing) run.
  setTimeout(() => {
    const l = g.tickwireLoader || {};
    process.stdout.write(JSON.stringify({
      state: l.state, error: l.error, loaded: l.loaded, total: l.total,
      statuses, fetches, runs, probes,
      loaderHidden: els.loader.hidden, errorHidden: els.error.hidden,
      errorText: els['error-message'].textContent,
      barWidth: els['progress-bar'].style.width || '',
      replays: l.replays, handed, lobbyHidden: !!els.lobby.hidden, title: (els['game-title'] || {}).textContent || '',
      replayRefused: l.replayRefused || '',
      fetched, streamed, reloadHidden: !!els.reload.hidden, lobbyLinkHidden: !!els['lobby-link'].hidden,
      lobbyLink: els['lobby-link'].getAttribute('href'),
    }));
  }, 50);
})();
`

type result struct {
	State        string   `json:"state"`
	Error        string   `json:"error"`
	Loaded       int      `json:"loaded"`
	Total        int      `json:"total"`
	Statuses     []string `json:"statuses"`
	Fetches      int      `json:"fetches"`
	Runs         int      `json:"runs"`
	Probes       int      `json:"probes"`
	LoaderHidden bool     `json:"loaderHidden"`
	ErrorHidden  bool     `json:"errorHidden"`
	ErrorText    string   `json:"errorText"`
	BarWidth     string   `json:"barWidth"`
	Replays      int      `json:"replays"`
	HandedInts   [][]int  `json:"handed"`
	LobbyHidden  bool     `json:"lobbyHidden"`
	// ReplayRefused says why a dropped file was not read (too big to be a replay).
	ReplayRefused string `json:"replayRefused"`
	// Fetched lists the URLs fetched, in order; Streamed counts instantiateStreaming's calls.
	Fetched         []string `json:"fetched"`
	Streamed        int      `json:"streamed"`
	ReloadHidden    bool     `json:"reloadHidden"`
	LobbyLinkHidden bool     `json:"lobbyLinkHidden"`
	LobbyLink       string   `json:"lobbyLink"`
}

func TestLoader(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not found; loader.js logic not tested")
	}
	t.Parallel()
	script := filepath.Join(t.TempDir(), "harness.js")
	if err := os.WriteFile(script, []byte(harness), 0o644); err != nil {
		t.Fatal(err)
	}
	loaderPath, err := filepath.Abs("loader.js")
	if err != nil {
		t.Fatal(err)
	}

	const size = 3_500_000
	type scenario map[string]any
	ok := scenario{"webgl2": true, "body": "wasm", "size": size}
	with := func(base scenario, kv ...any) scenario {
		s := scenario{}
		for k, v := range base {
			s[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			s[kv[i].(string)] = kv[i+1]
		}
		return s
	}

	tests := []struct {
		name         string
		scenario     scenario
		wantState    string
		wantError    []string // substrings of the error message
		wantStatuses []string // status lines that must have been shown
		noStatus     string   // a substring no status line may contain
		wantFetches  int
		wantRuns     int
		wantTotal    int
		wantHanded   []int // the bytes of the replay file the game got, if one was dropped
		wantStreamed int   // instantiateStreaming's calls
		wantFetched  []string
		// wantLobbyLink: the error offers Back to lobby instead of Reload.
		wantLobbyLink bool
	}{
		{
			// The bar counts the bytes on the wire (the decoded share of Content-Length), not the
			// 3.5 MB decoded; after the last byte, "Preparing…" while the module compiles.
			name:         "a compressed download counts the compressed bytes",
			scenario:     with(ok, "headers", map[string]string{"Content-Encoding": "br", "Content-Length": "800000", "X-Decoded-Length": "3500000"}),
			wantState:    "running",
			wantStatuses: []string{"Downloading game: 0.0 MB of 0.8 MB", "Downloading game: 0.3 MB of 0.8 MB", "Downloading game: 0.8 MB of 0.8 MB", "Preparing…"},
			noStatus:     "3.5 MB",
			wantFetches:  1, wantRuns: 1, wantTotal: 800000,
		},
		{
			name: "served as application/wasm, the module compiles while it downloads",
			scenario: with(ok, "streaming", true, "headers", map[string]string{"Content-Type": "application/wasm",
				"Content-Encoding": "br", "Content-Length": "800000", "X-Decoded-Length": "3500000"}),
			wantState:    "running",
			wantStatuses: []string{"Downloading game: 0.3 MB of 0.8 MB", "Preparing…"},
			wantFetches:  1, wantRuns: 1, wantTotal: 800000, wantStreamed: 1,
		},
		{
			name: "streaming: not a wasm file",
			scenario: with(ok, "streaming", true, "body", "<!doctype html>",
				"headers", map[string]string{"Content-Type": "application/wasm"}),
			wantState: "error", wantError: []string{"did not send a WebAssembly module"},
			wantFetches: 1, wantStreamed: 1,
		},
		{
			name: "streaming: download interrupted",
			scenario: with(ok, "streaming", true, "network", "cut",
				"headers", map[string]string{"Content-Type": "application/wasm", "Content-Length": "3500000"}),
			wantState: "error", wantError: []string{"interrupted after 2.0 MB", "network error"},
			wantFetches: 1, wantStreamed: 1,
		},
		{
			// Broken 6 of issue 16: ?game=chess downloaded the whole game, then said "exit code 1".
			name:      "an unknown game is refused before the download, with a way back to the lobby",
			scenario:  with(ok, "search", "?game=chess", "games", []string{"arena", "pong"}),
			wantState: "error", wantError: []string{`no game called "chess"`, "arena, pong"},
			wantFetches: 1, wantFetched: []string{"/api/rooms"}, wantLobbyLink: true,
		},
		{
			name:        "a hosted game is checked, then downloaded",
			scenario:    with(ok, "search", "?game=pong&room=r1", "games", []string{"arena", "pong"}),
			wantState:   "running",
			wantFetches: 2, wantRuns: 1, wantFetched: []string{"/api/rooms", "tickwire.wasm"},
		},
		{
			name:        "a server without the game list loads the game anyway",
			scenario:    with(ok, "search", "?game=pong"),
			wantState:   "running",
			wantFetches: 2, wantRuns: 1, wantFetched: []string{"/api/rooms", "tickwire.wasm"},
		},
		{
			name:        "a game list that never answers holds the download up only for a while",
			scenario:    with(ok, "search", "?game=pong", "gamesHang", true),
			wantState:   "running",
			wantFetches: 2, wantRuns: 1, wantFetched: []string{"/api/rooms", "tickwire.wasm"},
		},
		{
			name:        "a replay's address names no game to check",
			scenario:    with(ok, "search", "?replay=arena-r1-1", "games", []string{"pong"}),
			wantState:   "running",
			wantFetches: 1, wantRuns: 1, wantFetched: []string{"tickwire.wasm"},
		},
		{
			name:         "Content-Length fallback",
			scenario:     with(ok, "headers", map[string]string{"Content-Length": "3500000"}),
			wantState:    "running",
			wantStatuses: []string{"Downloading game: 0.5 MB of 3.5 MB", "Downloading game: 3.5 MB of 3.5 MB"},
			wantFetches:  1, wantRuns: 1, wantTotal: size,
		},
		{
			name:         "compressed without X-Decoded-Length: size unknown",
			scenario:     with(ok, "headers", map[string]string{"Content-Encoding": "gzip", "Content-Length": "800000"}),
			wantState:    "running",
			wantStatuses: []string{"Downloading game: 0.5 MB", "Downloading game: 2.0 MB"},
			noStatus:     "of 0.8 MB",
			wantFetches:  1, wantRuns: 1, wantTotal: size,
		},
		{
			name:         "wrong size header is not trusted",
			scenario:     with(ok, "headers", map[string]string{"X-Decoded-Length": "1000000"}),
			wantState:    "running",
			wantStatuses: []string{"Downloading game: 0.5 MB of 1.0 MB", "Downloading game: 1.5 MB"},
			noStatus:     "1.5 MB of 1.0 MB",
			wantFetches:  1, wantRuns: 1,
		},
		{
			name:      "no WebAssembly",
			scenario:  with(ok, "webassembly", false),
			wantState: "error", wantError: []string{"does not support WebAssembly"},
		},
		{
			name:      "no WebGL2",
			scenario:  with(ok, "webgl2", false),
			wantState: "error", wantError: []string{"WebGL 2"},
		},
		{
			name:      "wasm_exec.js missing",
			scenario:  with(ok, "go", false),
			wantState: "error", wantError: []string{"wasm_exec.js"},
		},
		{
			name:      "server unreachable",
			scenario:  with(ok, "network", "down"),
			wantState: "error", wantError: []string{"Could not reach the game server", "Failed to fetch"},
			wantFetches: 1,
		},
		{
			name:      "HTTP error",
			scenario:  with(ok, "status", 404, "statusText", "Not Found", "body", "404 page not found"),
			wantState: "error", wantError: []string{"HTTP 404 Not Found"},
			wantFetches: 1,
		},
		{
			name:      "HTTP 502 without status text",
			scenario:  with(ok, "status", 502, "body", "bad gateway"),
			wantState: "error", wantError: []string{"HTTP 502."},
			wantFetches: 1,
		},
		{
			name:      "download interrupted",
			scenario:  with(ok, "network", "cut", "headers", map[string]string{"Content-Length": "3500000"}),
			wantState: "error", wantError: []string{"interrupted after 2.0 MB", "network error"},
			wantFetches: 1,
		},
		{
			name:      "not a wasm file",
			scenario:  with(ok, "body", "<!doctype html>", "headers", map[string]string{"Content-Type": "text/html"}),
			wantState: "error", wantError: []string{"did not send a WebAssembly module", "text/html"},
			wantFetches: 1,
		},
		{
			name:      "broken module",
			scenario:  with(ok, "body", "badwasm"),
			wantState: "error", wantError: []string{"could not be started"},
			wantFetches: 1,
		},
		{
			name:        "a replay dropped while the game runs is handed to it",
			scenario:    with(ok, "drop", []int{0x28, 0xb5, 0x2f, 0xfd, 1}),
			wantState:   "running",
			wantFetches: 1, wantRuns: 1, wantHanded: []int{0x28, 0xb5, 0x2f, 0xfd, 1},
		},
		{
			name:        "a replay picked with #replay-file is handed to the game",
			scenario:    with(ok, "drop", []int{7, 8, 9}, "pick", true),
			wantState:   "running",
			wantFetches: 1, wantRuns: 1, wantHanded: []int{7, 8, 9},
		},
		{
			name:        "a file too big to be a replay is not read",
			scenario:    with(ok, "drop", []int{1, 2, 3}, "dropSize", 20<<20),
			wantState:   "running",
			wantFetches: 1, wantRuns: 1,
		},
		{
			name:        "a replay dropped on the lobby starts the game, then is handed to it",
			scenario:    with(ok, "lobby", true, "drop", []int{1, 2, 3}),
			wantState:   "running",
			wantFetches: 1, wantRuns: 1, wantHanded: []int{1, 2, 3},
		},
		{
			name:        "the lobby alone loads nothing",
			scenario:    with(ok, "lobby", true),
			wantState:   "lobby",
			wantFetches: 0, wantRuns: 0,
		},
		{
			// The list could not be read, so the program itself finds it has no such game.
			name:      "a game the program lacks, the list unread: why, and Back to lobby",
			scenario:  with(ok, "search", "?game=chess", "exitCode", 1, "refused", `this client has no game "chess" (it has [arena pong])`),
			wantState: "error", wantError: []string{`no game "chess"`, "Pick a game in the lobby"},
			wantFetches: 2, wantRuns: 1, wantFetched: []string{"/api/rooms", "tickwire.wasm"}, wantLobbyLink: true,
		},
		{
			name:      "game crashes",
			scenario:  with(ok, "exitCode", 2),
			wantState: "error", wantError: []string{"exit code 2"},
			wantFetches: 1, wantRuns: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sc, err := json.Marshal(tt.scenario)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			var stdout, stderr bytes.Buffer
			cmd := exec.CommandContext(ctx, node, script, loaderPath, string(sc))
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("node: %v\n%s", err, stderr.String())
			}
			var got result
			if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
				t.Fatalf("harness output %q: %v\n%s", stdout.String(), err, stderr.String())
			}

			if got.State != tt.wantState {
				t.Fatalf("state = %q, want %q (error %q, statuses %q)", got.State, tt.wantState, got.Error, got.Statuses)
			}
			for _, want := range tt.wantError {
				if !strings.Contains(got.Error, want) {
					t.Errorf("error %q does not contain %q", got.Error, want)
				}
			}
			for _, want := range tt.wantStatuses {
				found := false
				for _, s := range got.Statuses {
					found = found || s == want
				}
				if !found {
					t.Errorf("status %q never shown; shown: %q", want, got.Statuses)
				}
			}
			if tt.noStatus != "" {
				for _, s := range got.Statuses {
					if strings.Contains(s, tt.noStatus) {
						t.Errorf("status %q contains %q", s, tt.noStatus)
					}
				}
			}
			if got.Fetches != tt.wantFetches {
				t.Errorf("fetches = %d, want %d", got.Fetches, tt.wantFetches)
			}
			if got.Streamed != tt.wantStreamed {
				t.Errorf("instantiateStreaming calls = %d, want %d", got.Streamed, tt.wantStreamed)
			}
			if tt.wantFetched != nil && fmt.Sprint(got.Fetched) != fmt.Sprint(tt.wantFetched) {
				t.Errorf("fetched %q, want %q", got.Fetched, tt.wantFetched)
			}
			if got.State == "error" && (got.LobbyLinkHidden == tt.wantLobbyLink || got.ReloadHidden != tt.wantLobbyLink) {
				t.Errorf("error offers lobby link %v, reload %v; want lobby link %v and reload %v",
					!got.LobbyLinkHidden, !got.ReloadHidden, tt.wantLobbyLink, !tt.wantLobbyLink)
			}
			if tt.wantLobbyLink && got.LobbyLink != "/" {
				t.Errorf("lobby link %q, want the page without its query, /", got.LobbyLink)
			}
			if got.Runs != tt.wantRuns {
				t.Errorf("go.run calls = %d, want %d", got.Runs, tt.wantRuns)
			}
			if tt.wantHanded != nil {
				if got.Replays != 1 || len(got.HandedInts) != 1 || fmt.Sprint(got.HandedInts[0]) != fmt.Sprint(tt.wantHanded) {
					t.Errorf("replays handed %d: %v, want one: %v", got.Replays, got.HandedInts, tt.wantHanded)
				}
				if tt.scenario["lobby"] == true && !got.LobbyHidden {
					t.Error("the lobby still shows while the dropped replay plays")
				}
			} else if got.Replays != 0 {
				t.Errorf("replays handed %d, want none", got.Replays)
			}
			if size, _ := tt.scenario["dropSize"].(int); size > 0 && !strings.Contains(got.ReplayRefused, "too big") {
				t.Errorf("a %d-byte file dropped: refused %q, want it refused as too big", size, got.ReplayRefused)
			}
			if tt.wantTotal != 0 && (got.Total != tt.wantTotal || got.Loaded != tt.wantTotal) {
				t.Errorf("loaded/total = %d/%d, want %d/%d", got.Loaded, got.Total, tt.wantTotal, tt.wantTotal)
			}
			switch got.State {
			case "running":
				if !got.LoaderHidden {
					t.Error("loader overlay still visible while the game runs")
				}
				if tt.scenario["headers"] != nil && got.Total > 0 && got.BarWidth != "100.0%" {
					t.Errorf("progress bar width = %q, want 100.0%%", got.BarWidth)
				}
			case "error":
				// The message must be on the page, not only in the console.
				if got.LoaderHidden || got.ErrorHidden || got.ErrorText != got.Error {
					t.Errorf("error not shown on the page: loader hidden %v, error hidden %v, text %q",
						got.LoaderHidden, got.ErrorHidden, got.ErrorText)
				}
			}
		})
	}
}
