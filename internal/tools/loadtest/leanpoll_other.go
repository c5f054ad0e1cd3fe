//go:build !linux

package loadtest

import "errors"

// leanPoller is Linux's epoll; elsewhere a shard's driver reads every lean bot each pass.
type leanPoller struct{}

func newLeanPoller(int) *leanPoller { return nil }

func (*leanPoller) add(int, int32) error       { return errors.ErrUnsupported }
func (*leanPoller) ready(func(id int32)) error { return errors.ErrUnsupported }
func (*leanPoller) close()                     {}
