package cluster

import (
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
)

// embedded is an in-process NATS server with JetStream, for the single-process default.
type embedded struct {
	srv     *server.Server
	tempDir string // removed at close; empty when the store dir was given
	listens bool
}

// startEmbedded starts a NATS server in this process. With no Listen address it opens no socket at
// all: the node connects through nats.InProcessServer, so a single process needs no port.
func startEmbedded(id string, c EmbeddedConfig) (*embedded, error) {
	e := &embedded{listens: c.Listen != ""}
	dir := c.StoreDir
	if dir == "" {
		d, err := os.MkdirTemp("", "tickwire-nats-")
		if err != nil {
			return nil, fmt.Errorf("cluster: embedded NATS store: %w", err)
		}
		dir, e.tempDir = d, d
	}
	opts := &server.Options{
		ServerName: "tickwire-" + id,
		JetStream:  true,
		StoreDir:   dir,
		NoSigs:     true, // the tickwire process owns its signals
		NoLog:      true,
		DontListen: c.Listen == "",
	}
	if c.Listen != "" {
		host, port, err := net.SplitHostPort(c.Listen)
		if err != nil {
			e.close()
			return nil, fmt.Errorf("cluster: embedded NATS listen address %q: %w", c.Listen, err)
		}
		p, err := strconv.Atoi(port)
		if err != nil || p < -1 || p > 65535 {
			e.close()
			return nil, fmt.Errorf("cluster: embedded NATS listen port %q is not a port (-1 picks a free one)", port)
		}
		opts.Host, opts.Port = host, p
	}
	srv, err := server.NewServer(opts)
	if err != nil {
		e.close()
		return nil, fmt.Errorf("cluster: embedded NATS: %w", err)
	}
	e.srv = srv
	srv.Start()
	if !srv.ReadyForConnections(c.ReadyTimeout) {
		e.close()
		return nil, fmt.Errorf("cluster: embedded NATS not ready within %v", c.ReadyTimeout)
	}
	return e, nil
}

// url is where other processes reach the server, or "" when it listens nowhere.
func (e *embedded) url() string {
	if !e.listens {
		return ""
	}
	return e.srv.ClientURL()
}

func (e *embedded) close() {
	if e.srv != nil {
		e.srv.Shutdown()
		e.srv.WaitForShutdown()
	}
	if e.tempDir != "" {
		os.RemoveAll(e.tempDir)
	}
}

// backoff returns the wait before reconnect attempt n (1, 2, …): first doubled n-1 times, capped at
// max, with up to a quarter of jitter so that nodes cut off together do not all retry together.
func backoff(n int, first, max time.Duration) time.Duration {
	d := first
	for i := 1; i < n && d < max; i++ {
		d *= 2
	}
	d = min(d, max)
	return d - time.Duration(rand.Int64N(int64(d)/4+1))
}

// connect opens the node's NATS connection: to the embedded server when e is not nil, else to the
// URLs. It retries a failed first connect and reconnects forever; onReconnect runs after each
// reconnect (on the connection's callback goroutine).
func connect(c Config, e *embedded, onReconnect func()) (*nats.Conn, error) {
	log := c.Log.With("node", c.ID)
	opts := []nats.Option{
		nats.Name("tickwire-" + c.ID),
		nats.MaxReconnects(-1),
		nats.RetryOnFailedConnect(true),
		nats.PingInterval(c.PingInterval),
		nats.MaxPingsOutstanding(2),
		nats.CustomReconnectDelay(func(n int) time.Duration { return backoff(n, c.ReconnectWait, c.MaxReconnectWait) }),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			if err != nil {
				log.Warn("cluster: NATS disconnected", "err", err)
			}
		}),
		nats.ReconnectHandler(func(nc *nats.Conn) {
			log.Info("cluster: NATS reconnected", "url", nc.ConnectedUrlRedacted())
			onReconnect()
		}),
	}
	url := strings.Join(c.URLs, ",")
	if e != nil {
		opts = append(opts, nats.InProcessServer(e.srv))
		url = ""
	}
	nc, err := nats.Connect(url, opts...)
	if err != nil {
		return nil, fmt.Errorf("cluster: connect to NATS %q: %w", url, err)
	}
	return nc, nil
}
