package cluster

import (
	"context"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"
)

// Replays returns the cluster's object store of replays, the bucket <prefix>_replays, creating it
// (or updating it to maxBytes, and to Config.Replicas) first: server/replays keeps the recordings
// of every node's rooms there, so that any node lists and serves them. maxBytes bounds the bucket
// (0: no bound); a save that would pass it fails, so the store deletes old replays before that.
func (n *Node) Replays(ctx context.Context, maxBytes int64) (jetstream.ObjectStore, error) {
	c, cancel := context.WithTimeout(ctx, n.cfg.RequestTimeout)
	defer cancel()
	os, err := n.js.CreateOrUpdateObjectStore(c, jetstream.ObjectStoreConfig{
		Bucket: n.cfg.Prefix + "_replays", Description: "tickwire replays: one object per recording",
		MaxBytes: maxBytes, Storage: jetstream.FileStorage, Replicas: n.cfg.Replicas,
	})
	if err != nil {
		return nil, fmt.Errorf("cluster: replays bucket: %w", err)
	}
	return os, nil
}
