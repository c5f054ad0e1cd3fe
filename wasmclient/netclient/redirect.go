package netclient

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/tickwire/tickwire/shared/wire"
)

// maxHops is how many redirects (and refused reservations) in a row the client follows without
// being welcomed or failing an ordinary attempt: a room placed elsewhere takes one hop, a stale
// reservation two more; past that two nodes are sending the client to each other, and it stops
// with a reason instead of bouncing forever.
const maxHops = 4

// route is where the client connects next. Config.URL is home, the node the page came from; a
// redirect moves the current node elsewhere, with a reservation for the one hello after it. The
// run loop keeps it; it is pure logic, so the rules are tested without sockets:
//
//   - a redirect (close 4018 after a redirect frame) moves to the frame's URL at once, with its
//     token as the next hello's reservation: not an attempt, no backoff, at most maxHops in a row;
//   - a refused reservation (4019) goes home at once without it, counted as a hop too;
//   - a reservation goes with one hello only: spent by its welcome, and never carried to another
//     node;
//   - a node that cannot be reached (the dial fails: it died) sends the client home, which knows
//     where the seat went now;
//   - a welcome, or an ordinary failed attempt, ends a run of hops.
type route struct {
	home, current string
	reservation   string // for the next hello only
	hops          int    // redirects and refused reservations since the last welcome or failed attempt
}

func newRoute(home string) route { return route{home: home, current: home} }

// follow takes the redirect that came before a close with 4018, or says in words why it cannot.
func (r *route) follow(to *wire.Redirect) error {
	r.reservation = ""
	if to == nil {
		return fmt.Errorf("the server at %s sent this client elsewhere without saying where", r.current)
	}
	if err := checkURL(to.URL); err != nil {
		return err
	}
	if strings.HasPrefix(r.current, "wss:") && strings.HasPrefix(to.URL, "ws:") {
		// The reservation (and the player's name) would cross the network in the clear.
		return fmt.Errorf("the server at %s sent this client to %s, an unencrypted address", r.current, to.URL)
	}
	if r.hops++; r.hops > maxHops {
		return fmt.Errorf("the servers sent this client on %d times in a row without letting it play (last to %s)", r.hops, to.URL)
	}
	r.current, r.reservation = to.URL, to.Token
	return nil
}

// refused takes a close with 4019: the reservation was not honoured, so the client goes home to
// join afresh without it.
func (r *route) refused() error {
	r.reservation = ""
	if r.hops++; r.hops > maxHops {
		return fmt.Errorf("the servers refused this client's reservation %d times in a row", r.hops)
	}
	r.current = r.home
	return nil
}

// ended takes any other end of a connection: unreached says its node could not be reached at all.
// It reports whether the client is going home from a node other than home.
func (r *route) ended(unreached bool) (goingHome bool) {
	r.reservation, r.hops = "", 0
	if unreached && r.current != r.home {
		r.current = r.home
		return true
	}
	return false
}

// checkURL refuses a redirect to anything but an absolute WebSocket URL: a hostile or broken
// server must not make the client dial another scheme.
func checkURL(s string) error {
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return fmt.Errorf("the server sent this client to %q, which is not a valid address", s)
	case u.Scheme != "ws" && u.Scheme != "wss":
		return fmt.Errorf("the server sent this client to %q, which is not a ws:// or wss:// address", s)
	case u.Host == "" || u.User != nil:
		return fmt.Errorf("the server sent this client to %q, which names no host to play on", s)
	}
	return nil
}
