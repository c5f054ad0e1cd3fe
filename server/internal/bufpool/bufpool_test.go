package bufpool

import "testing"

func TestGetPutReusesWithoutAllocating(t *testing.T) {
	b := Get()
	b = append(b, "hello"...)
	Put(b)
	got := Get()
	if len(got) != 0 || cap(got) < 5 {
		t.Fatalf("Get after Put: len %d cap %d, want an empty reused buffer", len(got), cap(got))
	}
	Put(got)
	if n := testing.AllocsPerRun(1000, func() { Put(append(Get(), 'x')) }); n != 0 {
		t.Errorf("Get+Put allocates %.1f times, want 0", n)
	}
	Put(make([]byte, 0, maxKept+1)) // too big: dropped, no panic
}
