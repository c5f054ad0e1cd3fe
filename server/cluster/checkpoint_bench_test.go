package cluster

import (
	"context"
	"crypto/rand"
	"fmt"
	"syscall"
	"testing"
	"time"
)

// BenchmarkCheckpointWrite is what the node's checkpoint writer does for one room's capture: one put
// in the checkpoints bucket of the embedded NATS server (file storage), for captures of the sizes a
// room of 10 and of 100 arena players makes (server/room's BenchmarkCheckpoint measures taking them).
// cpu-µs/op is the whole process's CPU (the client and the embedded server) per write.
func BenchmarkCheckpointWrite(b *testing.B) {
	for _, size := range []int{2640, 12547} {
		b.Run(fmt.Sprintf("bytes=%d", size), func(b *testing.B) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			n, err := Start(ctx, Config{ID: "bench", PublicURL: "ws://127.0.0.1/bench", Log: quiet,
				Embedded: EmbeddedConfig{StoreDir: b.TempDir()}}, newSeats(1))
			if err != nil {
				b.Fatal(err)
			}
			defer n.Close()
			data := make([]byte, size)
			rand.Read(data)
			before := cpuTime()
			b.ResetTimer()
			for i := range b.N {
				if _, err := n.ckpts.Put(ctx, fmt.Sprintf("arena.room-%d", i%100), data); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64((cpuTime()-before).Microseconds())/float64(b.N), "cpu-µs/op")
		})
	}
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
