package gateway

import (
	"path"
	"slices"
	"testing"

	"github.com/tickwire/tickwire/server/cluster"
)

func TestNodeOrigins(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		urls []string
		want []string
	}{
		{"none", nil, nil},
		{"loopback nodes", []string{"ws://127.0.0.1:8081/ws", "ws://127.0.0.1:8082/ws"}, []string{"127.0.0.1:8081", "127.0.0.1:8082"}},
		{"default port of wss is left out too", []string{"wss://n1.example.com:443/ws"}, []string{"n1.example.com:443", "n1.example.com"}},
		{"default port of ws is left out too", []string{"ws://n1.example.com:80/ws"}, []string{"n1.example.com:80", "n1.example.com"}},
		{"another port is kept", []string{"wss://n1.example.com:8443/ws"}, []string{"n1.example.com:8443"}},
		{"no port", []string{"wss://n1.example.com/ws"}, []string{"n1.example.com"}},
		{"IPv6 is escaped", []string{"ws://[::1]:8081/ws"}, []string{`\[::1\]:8081`}},
		{"IPv6 on the default port", []string{"wss://[::1]:443/ws"}, []string{`\[::1\]:443`, `\[::1\]`}},
		{"bad URLs yield nothing", []string{"", "not a url", "ws://%zz/ws", "/ws"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var nodes []cluster.NodeInfo
			for _, u := range tc.urls {
				nodes = append(nodes, cluster.NodeInfo{URL: u})
			}
			if got := nodeOrigins(nodes); !slices.Equal(got, tc.want) {
				t.Errorf("nodeOrigins(%q) = %q, want %q", tc.urls, got, tc.want)
			}
		})
	}
}

// TestNodeOriginsMatchOnlyTheirHost: each pattern matches its node's host, as websocket.Accept
// matches them (path.Match), and no other host, even where the host has pattern characters.
func TestNodeOriginsMatchOnlyTheirHost(t *testing.T) {
	t.Parallel()
	pats := nodeOrigins([]cluster.NodeInfo{{URL: "ws://[::1]:8081/ws"}, {URL: "wss://n1.example.com/ws"}})
	matches := func(host string) bool {
		for _, p := range pats {
			if ok, err := path.Match(p, host); err != nil {
				t.Fatalf("pattern %q: %v", p, err)
			} else if ok {
				return true
			}
		}
		return false
	}
	for host, want := range map[string]bool{
		"[::1]:8081": true, "n1.example.com": true,
		":": false, "1:8081": false, "[::1]:8082": false, "n1.example.com:8080": false,
		"evil.example.com": false, "n1xexample.com": false,
	} {
		if got := matches(host); got != want {
			t.Errorf("origin host %q accepted = %v, want %v", host, got, want)
		}
	}
}
