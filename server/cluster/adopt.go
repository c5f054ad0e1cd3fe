package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/tickwire/tickwire/shared/wire"
)

// ErrCaptureTooBig is what Handoff returns for a capture that does not fit in one NATS message
// (the server's max_payload, 1 MB unless configured).
var ErrCaptureTooBig = errors.New("cluster: capture larger than NATS allows in one message")

// Adoption asks a node to take a running room over: the room's capture (room.Capture's bytes,
// opaque here), from the node that ran it. Recovered says the capture is a dead node's last
// checkpoint rather than a room frozen for a handoff (its players come back from a rollback).
type Adoption struct {
	Game, Room, From string
	Recovered        bool
	Capture          []byte
	// Revision is the revision of the room's directory entry as the asking node last saw it (0:
	// unknown). TakeOver takes the entry over only at that revision: had the entry changed since
	// (the asking node gave up and took its room back, another node claimed it), the adoption is
	// refused rather than taking a room that is running elsewhere.
	Revision uint64
}

// Adopter is the adopting side of a handoff or a recovery; the lobby implements it, on the same
// value as its [Reserver] (Start finds it by a type assertion; a node whose Reserver is no Adopter
// refuses every adoption). Adopt restores the room from a.Capture, takes its directory entry over
// with [Node.TakeOver] (a.From is the node to take it from), starts the room and returns nil; or it
// refuses with a *wire.CloseError, which travels back to the asking node as it is (any other error
// is sent as CloseServerError). Adopt is called concurrently, at most Config.MaxInFlight calls at
// once together with reservations. Its ctx ends a little before the asking node stops waiting:
// TakeOver refuses after that, so that a node that gave up waiting and took its room back never
// finds it taken over too. Once TakeOver succeeded, Adopt must run the room and return nil.
type Adopter interface {
	Adopt(ctx context.Context, a Adoption) error
}

// The headers of an adopt request; the body is the capture.
const (
	hdrGame      = "Tickwire-Game"
	hdrRoom      = "Tickwire-Room"
	hdrFrom      = "Tickwire-From"
	hdrRecovered = "Tickwire-Recovered" // "true" or absent
	hdrBudget    = "Tickwire-Budget-Ms" // how long the asking node waits for the answer
	hdrRevision  = "Tickwire-Revision"  // Adoption.Revision, when known
)

// adoptTicket is an adoption being served: TakeOver of its room from its node ends at deadline.
type adoptTicket struct {
	from     string
	deadline time.Time
	rev      uint64 // the entry's revision the asking node saw; 0: unknown
}

// adoptMsg builds the adopt request for a, to be answered before deadline.
func (n *Node) adoptMsg(node string, a Adoption, deadline time.Time) (*nats.Msg, error) {
	m := nats.NewMsg(n.subject(node, "adopt"))
	m.Header.Set(hdrGame, a.Game)
	m.Header.Set(hdrRoom, a.Room)
	m.Header.Set(hdrFrom, a.From)
	if a.Recovered {
		m.Header.Set(hdrRecovered, "true")
	}
	m.Header.Set(hdrBudget, strconv.FormatInt(time.Until(deadline).Milliseconds(), 10))
	if a.Revision != 0 {
		m.Header.Set(hdrRevision, strconv.FormatUint(a.Revision, 10))
	}
	m.Data = a.Capture
	size := len("NATS/1.0\r\n\r\n") + len(m.Data)
	for k, vs := range m.Header {
		for _, v := range vs {
			size += len(k) + len(": \r\n") + len(v)
		}
	}
	if mp := n.nc.MaxPayload(); mp > 0 && int64(size) > mp {
		return nil, fmt.Errorf("%w: %s/%s is %d bytes with its headers, the NATS server takes at most %d",
			ErrCaptureTooBig, a.Game, a.Room, size, mp)
	}
	return m, nil
}

// adopt asks node to adopt a and waits for its answer, at most RequestTimeout (or ctx's earlier
// deadline). It returns nil, the node's refusal as a *wire.CloseError, ErrNodeUnreachable,
// ErrTimeout or ErrCaptureTooBig.
func (n *Node) adopt(ctx context.Context, node string, a Adoption) error {
	ctx, cancel := context.WithTimeout(ctx, n.cfg.RequestTimeout)
	defer cancel()
	deadline, _ := ctx.Deadline()
	m, err := n.adoptMsg(node, a, deadline)
	if err != nil {
		return err
	}
	return n.requestAdopt(ctx, node, m)
}

func (n *Node) requestAdopt(ctx context.Context, node string, m *nats.Msg) error {
	room := m.Header.Get(hdrGame) + "/" + m.Header.Get(hdrRoom)
	rep, err := n.nc.RequestMsgWithContext(ctx, m)
	switch {
	case errors.Is(err, nats.ErrNoResponders):
		return fmt.Errorf("%w: %s", ErrNodeUnreachable, node)
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, nats.ErrTimeout):
		return fmt.Errorf("%w: adopt %s on node %s", ErrTimeout, room, node)
	case err != nil:
		return fmt.Errorf("cluster: adopt %s on node %s: %w", room, node, err)
	}
	var r reserveReply
	if err := json.Unmarshal(rep.Data, &r); err != nil {
		return fmt.Errorf("cluster: adopt %s on node %s: bad reply: %w", room, node, err)
	}
	if r.Code != 0 {
		return &wire.CloseError{Code: r.Code, Reason: r.Reason}
	}
	return nil
}

// serveAdopt answers an adopt request as serveReserve answers a reservation: a slot, then a
// goroutine, or a refusal at once when MaxInFlight calls are being served.
func (n *Node) serveAdopt(m *nats.Msg) {
	select {
	case n.slots <- struct{}{}:
	default:
		n.reply(m, reserveReply{Code: wire.CloseServerFull, Reason: "the node is serving too many calls; try again"})
		return
	}
	go func() {
		defer func() { <-n.slots }()
		n.reply(m, n.serveAdoption(m, time.Now()))
	}()
}

func (n *Node) serveAdoption(m *nats.Msg, now time.Time) reserveReply {
	a := Adoption{Game: m.Header.Get(hdrGame), Room: m.Header.Get(hdrRoom), From: m.Header.Get(hdrFrom),
		Recovered: m.Header.Get(hdrRecovered) == "true", Capture: m.Data}
	if h := m.Header.Get(hdrRevision); h != "" {
		rev, err := strconv.ParseUint(h, 10, 64)
		if err != nil {
			return reserveReply{Code: wire.CloseMalformed, Reason: fmt.Sprintf("adopt: bad revision %q in %s", h, hdrRevision)}
		}
		a.Revision = rev
	}
	if err := checkRoom(a.Game, a.Room); err != nil {
		return reserveReply{Code: wire.CloseBadRoom, Reason: "adopt: " + err.Error()}
	}
	if !idRe.MatchString(a.From) {
		return reserveReply{Code: wire.CloseMalformed, Reason: fmt.Sprintf("adopt: bad node id %q in %s", a.From, hdrFrom)}
	}
	ad, ok := n.res.(Adopter)
	if !ok {
		return reserveReply{Code: wire.CloseServerError, Reason: fmt.Sprintf("node %s does not adopt rooms (its Reserver is not an Adopter)", n.cfg.ID)}
	}
	// The asking node waits budget; this side ends a tenth earlier (at least 50 ms), so that its
	// TakeOver cannot land after the asking node gave up and took the room back.
	budget := n.cfg.RequestTimeout
	if ms, err := strconv.ParseInt(m.Header.Get(hdrBudget), 10, 64); err == nil && ms > 0 && time.Duration(ms)*time.Millisecond < budget {
		budget = time.Duration(ms) * time.Millisecond
	}
	budget -= max(budget/10, 50*time.Millisecond)
	if budget <= 0 {
		return reserveReply{Code: wire.CloseServerFull, Reason: "adopt: the request came too late to be served in time"}
	}
	deadline := now.Add(budget)
	key := roomKey(a.Game, a.Room)
	t := adoptTicket{from: a.From, deadline: deadline, rev: a.Revision}
	n.mu.Lock()
	n.adopting[key] = t
	n.mu.Unlock()
	defer func() {
		n.mu.Lock()
		if n.adopting[key] == t {
			delete(n.adopting, key)
		}
		n.mu.Unlock()
	}()
	ctx, cancel := context.WithDeadline(n.ctx, deadline)
	defer cancel()
	if err := ad.Adopt(ctx, a); err != nil {
		ce, ok := wire.AsCloseError(err)
		if !ok {
			ce = wire.Closef(wire.CloseServerError, "adopt %s: %v", key, err)
		}
		return reserveReply{Code: ce.Code, Reason: ce.Reason}
	}
	return reserveReply{}
}

// Handoff moves room of game, owned by this node, to node (another live node, chosen with
// PlaceAdoption): it stops writing the room's directory entry and asks node, over NATS request/reply
// on <prefix>.node.<node>.adopt, to adopt capture. It waits at most Config.RequestTimeout (or ctx's
// earlier deadline). On nil the room and its entry are node's: this node no longer owns the room
// (UpdateRoom and Release answer ErrNotOwner) and does not write its checkpoint (a pending write is
// cancelled; the key is now node's to write). A capture that does not fit one NATS message is
// refused before anything changes (ErrCaptureTooBig).
//
// On a failure (the node's refusal as a *wire.CloseError, ErrNodeUnreachable, ErrTimeout) this
// node takes the room back at once: it reads the entry and writes it as its own again, and the
// caller thaws the room. The adopter's TakeOver ends before this node stops waiting (Adopter), so
// the room does not end up on both. Two outcomes differ: if the entry already names node and the
// failure was a timeout, the adoption went through and only its answer was late, so Handoff returns
// nil (the room has moved). If the entry cannot be read or written now (NATS is away), the room is
// owned here again with a check pending, and the loop settles it later; should it then find the
// entry held by another node, Config.OnRoomLost reports it, as for any room lost while away.
func (n *Node) Handoff(ctx context.Context, node, game, room string, capture []byte) error {
	if !idRe.MatchString(node) {
		return fmt.Errorf("cluster: handoff: bad node id %q", node)
	}
	if node == n.cfg.ID {
		return fmt.Errorf("cluster: handoff of %s/%s: node %s is this node", game, room, node)
	}
	if err := checkRoom(game, room); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, n.cfg.RequestTimeout)
	defer cancel()
	deadline, _ := ctx.Deadline()
	key := roomKey(game, room)
	n.mu.Lock()
	o, ok := n.owned[key]
	delete(n.owned, key) // the loop writes it no more; the adopter takes the entry from this node
	n.mu.Unlock()
	if !ok {
		return fmt.Errorf("cluster: handoff: %w: %s", ErrNotOwner, key)
	}
	m, err := n.adoptMsg(node, Adoption{Game: game, Room: room, From: n.cfg.ID, Capture: capture, Revision: o.rev}, deadline)
	if err != nil {
		n.mu.Lock()
		n.owned[key] = o
		n.mu.Unlock()
		return err
	}
	err = n.requestAdopt(ctx, node, m)
	if err == nil {
		n.cancelCheckpoint(key)
		return nil
	}
	_, refused := wire.AsCloseError(err)
	if moved := n.takeBack(key, o, node, !refused); moved {
		n.cancelCheckpoint(key)
		n.log.Info("cluster: handoff answered late, but the room is the adopter's", "room", key, "node", node, "err", err)
		return nil
	}
	return err
}

// takeBack makes o, handed off to node in vain, this node's again, and reports whether it found
// the entry held by node while movedOK (the adoption happened after all).
func (n *Node) takeBack(key string, o *ownedRoom, node string, movedOK bool) (moved bool) {
	ctx, cancel := context.WithTimeout(n.ctx, n.cfg.RequestTimeout)
	rev, err := n.settle(ctx, key, o.info)
	cancel()
	if lostTo(err) == node && movedOK {
		return true
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if err == nil {
		o.rev, o.check, o.lastWrite = rev, false, time.Now()
	} else {
		o.check = true // the loop settles it, and reports it lost if it is
	}
	n.owned[key] = o
	n.v.rooms[key] = o.info
	n.wake()
	return false
}

// TakeOver makes this node the owner of r's directory entry, atomically, provided the entry is
// absent or held by node from (the node r moves from, alive or dead); an entry held by any other
// node is refused with a *ClaimedError naming it. After it the room is this node's, as after Claim:
// report its changes with UpdateRoom, and Release it when it closes. Inside Adopter.Adopt it ends
// with the adoption's deadline (see Adopter), and takes the entry only at the revision the asking
// node saw (Adoption.Revision), so that an entry the asking node wrote again after giving up is
// never taken. Were the outcome of its write unknown (a timeout), it reads the entry again: one
// that names this node is this node's (the write landed), anything else is an error.
func (n *Node) TakeOver(ctx context.Context, r RoomInfo, from string) error {
	if err := checkRoom(r.Game, r.Name); err != nil {
		return err
	}
	if !idRe.MatchString(from) {
		return fmt.Errorf("cluster: take over: bad node id %q", from)
	}
	r.Node = n.cfg.ID
	key := roomKey(r.Game, r.Name)
	data, _ := json.Marshal(r)
	n.mu.Lock()
	t, adopting := n.adopting[key]
	o, mine := n.owned[key]
	n.mu.Unlock()
	if mine {
		return &ClaimedError{Room: o.info}
	}
	fence := uint64(0)
	if adopting && t.from == from {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, t.deadline)
		defer cancel()
		fence = t.rev
	}
	ctx, cancel := context.WithTimeout(ctx, n.cfg.RequestTimeout)
	defer cancel()
	for range 3 {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("cluster: take over room %s: %w", key, err)
		}
		var rev uint64
		e, err := n.rooms.Get(ctx, key)
		switch {
		case errors.Is(err, jetstream.ErrKeyNotFound) || errors.Is(err, jetstream.ErrKeyDeleted):
			if rev, err = n.rooms.Create(ctx, key, data); errors.Is(err, jetstream.ErrKeyExists) {
				continue
			}
		case err != nil:
			return fmt.Errorf("cluster: take over room %s: %w", key, err)
		default:
			var held RoomInfo
			if err := json.Unmarshal(e.Value(), &held); err != nil {
				return fmt.Errorf("cluster: take over room %s: bad entry: %w", key, err)
			}
			if held.Node != from {
				return &ClaimedError{Room: held}
			}
			if fence != 0 && e.Revision() != fence {
				return fmt.Errorf("%w: room %s's entry changed since node %s asked (revision %d, not %d): it took the room back",
					ErrClaimed, key, from, e.Revision(), fence)
			}
			if rev, err = n.rooms.Update(ctx, key, data, e.Revision()); errors.Is(err, jetstream.ErrKeyRevisionMismatch) {
				if fence != 0 {
					return fmt.Errorf("%w: room %s's entry changed while it was taken over", ErrClaimed, key)
				}
				continue
			}
		}
		if err != nil {
			if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, nats.ErrTimeout) {
				// The write may have landed after all: if the entry names this node, the room is
				// this node's (the asking node, reading it, counts the handoff done).
				c, cancel := context.WithTimeout(n.ctx, n.cfg.RequestTimeout)
				e, gerr := n.rooms.Get(c, key)
				cancel()
				var held RoomInfo
				if gerr == nil && json.Unmarshal(e.Value(), &held) == nil && held.Node == n.cfg.ID {
					rev = e.Revision()
					err = nil
				}
			}
			if err != nil {
				return fmt.Errorf("cluster: take over room %s: %w", key, err)
			}
		}
		n.mu.Lock()
		n.owned[key] = &ownedRoom{info: r, rev: rev, lastWrite: time.Now()}
		n.v.rooms[key], n.roomRevs[key] = r, rev
		n.mu.Unlock()
		return nil
	}
	return fmt.Errorf("cluster: take over room %s: the entry keeps changing; try again", key)
}

// PlaceAdoption returns the node a room of game at state version moves to (a handoff) or comes
// back on (a recovery): the least loaded live node, not draining and not this one, that hosts game
// at that version (NodeInfo.Games). Like PlaceRoom it counts the room against that node until its
// reports show it. No I/O.
func (n *Node) PlaceAdoption(game string, version int) (NodeInfo, bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.v.placeAdoption(n.cfg.ID, game, version)
}
