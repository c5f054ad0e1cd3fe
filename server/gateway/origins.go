package gateway

import (
	"net/url"
	"strings"

	"github.com/tickwire/tickwire/server/cluster"
)

// Origins in a cluster. A page served by one node and sent by a redirect to another opens its
// WebSocket there with its own node's host as Origin: cross-origin for the node it reaches. The
// nodes of one cluster are one service, so each accepts, besides the same origin and
// Config.OriginPatterns, the hosts of the live nodes' public URLs, and of the nodes that left the
// cluster lately (cluster.Config.DeadNodeMemory): a page served by a node that was then restarted
// plays on another node, to which its room moved, and must be let in again after a lost
// connection. They are read from the cluster's view at every handshake, since nodes come and go;
// every other origin is still refused (HTTP 403), which keeps the protection against cross-site
// WebSocket hijacking.

// originPatterns returns the origin patterns a handshake is checked against: Config.OriginPatterns
// and the hosts of the live and lately departed nodes (none before the lobby has joined the cluster).
func (g *Gateway) originPatterns() []string {
	n := g.lobby.Node()
	if n == nil {
		return g.cfg.OriginPatterns
	}
	nodes := nodeOrigins(append(n.Nodes(), n.Departed()...))
	if len(nodes) == 0 {
		return g.cfg.OriginPatterns
	}
	return append(append(make([]string, 0, len(g.cfg.OriginPatterns)+len(nodes)), g.cfg.OriginPatterns...), nodes...)
}

// nodeOrigins returns, for each node, the host of its public URL as an origin pattern that matches
// that host only (its pattern characters escaped: an IPv6 host's '[' would otherwise start a class).
// A URL that names its scheme's default port also yields the host without it, as browsers leave the
// default port out of Origin. A URL without a host yields nothing.
func nodeOrigins(nodes []cluster.NodeInfo) []string {
	var out []string
	for _, ni := range nodes {
		u, err := url.Parse(ni.URL)
		if err != nil || u.Host == "" {
			continue
		}
		out = append(out, escapePattern(u.Host))
		if port := u.Port(); port != "" && port == defaultPort[u.Scheme] {
			host := u.Hostname()
			if strings.Contains(host, ":") {
				host = "[" + host + "]"
			}
			out = append(out, escapePattern(host))
		}
	}
	return out
}

var defaultPort = map[string]string{"ws": "80", "http": "80", "wss": "443", "https": "443"}

// escapePattern quotes the characters path.Match (which websocket.Accept matches origins with)
// treats as special, so that host matches itself only.
func escapePattern(host string) string {
	var b strings.Builder
	for _, r := range host {
		if strings.ContainsRune(`*?[]\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
