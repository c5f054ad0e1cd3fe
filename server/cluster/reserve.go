package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/tickwire/tickwire/shared/wire"
)

// Errors of a call to another node.
var (
	// ErrNodeUnreachable: no node answers on that node's subject (it is gone or not yet subscribed).
	ErrNodeUnreachable = errors.New("cluster: node does not answer")
	// ErrTimeout: the node did not answer within the timeout.
	ErrTimeout = errors.New("cluster: call timed out")
)

// SeatRequest asks a room's owner to hold a seat for a player.
type SeatRequest struct {
	Game string `json:"game"`
	Room string `json:"room"`
	Name string `json:"name"` // the player's name
}

// Hold is a seat request as the owner's [Reserver] sees it, with the id and expiry of the token
// that will carry it.
type Hold struct {
	SeatRequest
	ID      string    // the token's one-time id: the key under which the seat is held
	Expires time.Time // when the hold lapses if the player has not come
}

// Seat is where a Reserver put the player.
type Seat struct {
	Seat   int
	Player uint32 // the player id, if the owner assigns it now; 0 if it assigns it on arrival
}

// Reserver is the owner's side of a seat reservation; the lobby implements it. It alone decides,
// counting its seats where it counts its players (the room's goroutine or the lobby's lock), so a room
// never overfills however many nodes reserve at once. Reserve holds a seat of h.Room for h.Name until
// h.Expires and returns it, or refuses with a *wire.CloseError (CloseRoomFull, CloseNoRoom, …) that
// travels back to the asking node as it is; any other error is sent as CloseServerError. A held
// seat is honoured once, by the player presenting the token whose id is h.ID; a hold not used by
// h.Expires is freed. Reserve is called concurrently, at most Config.MaxInFlight at once, and should
// return within Config.RequestTimeout (its ctx ends then).
type Reserver interface {
	Reserve(ctx context.Context, h Hold) (Seat, error)
}

// Reservation is a held seat: the token to present, at URL, before Claims.Expires.
type Reservation struct {
	Token  string
	URL    string // the owner's public WebSocket URL
	Claims Claims
}

// reserveReply is the answer on the wire: a token and URL, or a refusal's code and reason.
type reserveReply struct {
	Token  string         `json:"token,omitempty"`
	URL    string         `json:"url,omitempty"`
	Code   wire.CloseCode `json:"code,omitempty"`
	Reason string         `json:"reason,omitempty"`
}

// checkSeatRequest refuses names that cannot be keys or subjects, and player names longer than the
// wire allows (the name travels in the token). The lobby checks the name's characters.
func checkSeatRequest(req SeatRequest) error {
	if err := checkRoom(req.Game, req.Room); err != nil {
		return err
	}
	if len(req.Name) > wire.MaxNameBytes {
		return fmt.Errorf("cluster: player name has %d bytes, at most %d allowed", len(req.Name), wire.MaxNameBytes)
	}
	return nil
}

// Reserve asks node to hold a seat for req (node may be this one: the call goes through NATS either
// way, one path for both). It returns the reservation, a *wire.CloseError if the owner refused,
// ErrNodeUnreachable, or ErrTimeout after Config.RequestTimeout (or ctx's earlier deadline).
func (n *Node) Reserve(ctx context.Context, node string, req SeatRequest) (Reservation, error) {
	if !idRe.MatchString(node) {
		return Reservation{}, fmt.Errorf("cluster: reserve: bad node id %q", node)
	}
	if err := checkSeatRequest(req); err != nil {
		return Reservation{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, n.cfg.RequestTimeout)
	defer cancel()
	data, _ := json.Marshal(req)
	msg, err := n.nc.RequestWithContext(ctx, n.subject(node, "reserve"), data)
	switch {
	case errors.Is(err, nats.ErrNoResponders):
		return Reservation{}, fmt.Errorf("%w: %s", ErrNodeUnreachable, node)
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, nats.ErrTimeout):
		return Reservation{}, fmt.Errorf("%w: reserve a seat in %s/%s on node %s", ErrTimeout, req.Game, req.Room, node)
	case err != nil:
		return Reservation{}, fmt.Errorf("cluster: reserve on node %s: %w", node, err)
	}
	var rep reserveReply
	if err := json.Unmarshal(msg.Data, &rep); err != nil {
		return Reservation{}, fmt.Errorf("cluster: reserve on node %s: bad reply: %w", node, err)
	}
	if rep.Code != 0 {
		return Reservation{}, &wire.CloseError{Code: rep.Code, Reason: rep.Reason}
	}
	c, err := n.signer.Verify(rep.Token, time.Now())
	if err != nil {
		return Reservation{}, fmt.Errorf("cluster: reserve on node %s: its token: %w", node, err)
	}
	return Reservation{Token: rep.Token, URL: rep.URL, Claims: c}, nil
}

// serveReserve answers a reservation request. It runs on the subscription's goroutine, so it only
// takes a slot and hands the work to a goroutine: a slow Reserver delays no other call, and when
// MaxInFlight calls are being served the next is refused at once rather than queued.
func (n *Node) serveReserve(m *nats.Msg) {
	select {
	case n.slots <- struct{}{}:
	default:
		n.reply(m, reserveReply{Code: wire.CloseServerFull, Reason: "the node is serving too many reservations; try again"})
		return
	}
	go func() {
		defer func() { <-n.slots }()
		n.reply(m, n.reserve(m.Data, time.Now()))
	}()
}

func (n *Node) reply(m *nats.Msg, rep reserveReply) {
	data, _ := json.Marshal(rep)
	if err := m.Respond(data); err != nil && n.ctx.Err() == nil {
		n.log.Warn("cluster: answer a reservation", "err", err)
	}
}

func (n *Node) reserve(data []byte, now time.Time) reserveReply {
	var req SeatRequest
	if err := json.Unmarshal(data, &req); err != nil {
		return reserveReply{Code: wire.CloseMalformed, Reason: "bad reservation request: " + err.Error()}
	}
	if err := checkSeatRequest(req); err != nil {
		return reserveReply{Code: wire.CloseBadRoom, Reason: err.Error()}
	}
	h := Hold{SeatRequest: req, ID: NewID(), Expires: now.Add(n.cfg.ReservationTTL).Truncate(time.Second)}
	ctx, cancel := context.WithTimeout(n.ctx, n.cfg.RequestTimeout)
	defer cancel()
	seat, err := n.res.Reserve(ctx, h)
	if err != nil {
		ce, ok := wire.AsCloseError(err)
		if !ok {
			ce = wire.Closef(wire.CloseServerError, "reserve a seat: %v", err)
		}
		return reserveReply{Code: ce.Code, Reason: ce.Reason}
	}
	token, err := n.signer.Sign(Claims{Kind: KindReservation, Node: n.cfg.ID, Game: req.Game, Room: req.Room,
		Name: req.Name, Seat: seat.Seat, Player: seat.Player, ID: h.ID, Expires: h.Expires})
	if err != nil {
		return reserveReply{Code: wire.CloseServerError, Reason: "sign the reservation: " + err.Error()}
	}
	return reserveReply{Token: token, URL: n.cfg.PublicURL}
}
