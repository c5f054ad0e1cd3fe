// Package servertest runs the real server on a loopback port for other packages' tests.
package servertest

import (
	"context"
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/tickwire/tickwire/server"
	"github.com/tickwire/tickwire/server/room"
)

// Start runs a server with cfg hosting games (the first the default) on a free loopback port until
// the test ends, and returns it with its address (host:port). A nil cfg.Logger discards the logs.
func Start(t testing.TB, cfg server.Config, games ...room.Factory) (*server.Server, string) {
	t.Helper()
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	srv, err := server.New(cfg, games...)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("server shutdown: %v", err)
		}
	})
	return srv, ln.Addr().String()
}

// StartCluster runs one server per cfg as the nodes of one cluster, each as Start does: the first
// runs the NATS server, embedded and listening on a loopback port, that the others join (each
// cfg's Cluster.Embedded.Listen and Cluster.URLs are set here; give each a Cluster.ID and the same
// Cluster.TokenKey). It returns the servers and their addresses once every node sees every other;
// they stop in reverse order, the first last.
func StartCluster(t testing.TB, cfgs []server.Config, games ...room.Factory) ([]*server.Server, []string) {
	t.Helper()
	var srvs []*server.Server
	var addrs []string
	natsURL := ""
	for _, cfg := range cfgs {
		if natsURL == "" {
			cfg.Cluster.Embedded.Listen = "127.0.0.1:-1"
		} else {
			cfg.Cluster.URLs = []string{natsURL}
		}
		srv, addr := Start(t, cfg, games...)
		tcp, err := net.ResolveTCPAddr("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		// Serve has begun joining the cluster; Start waits for that join and returns its result.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err = srv.Start(ctx, tcp)
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		if natsURL == "" {
			natsURL = srv.Lobby().Node().NATSURL()
		}
		srvs, addrs = append(srvs, srv), append(addrs, addr)
	}
	deadline := time.Now().Add(10 * time.Second)
	for _, srv := range srvs {
		for len(srv.Lobby().Node().Nodes()) != len(srvs) {
			if time.Now().After(deadline) {
				t.Fatalf("the %d nodes did not all see each other within 10 s", len(srvs))
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	return srvs, addrs
}
