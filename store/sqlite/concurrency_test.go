package sqlite

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/attache-dev/attache"
	"github.com/attache-dev/attache/store"
)

// TestASecondWriterIsRefused stands for a second `attache run` or `once`
// on the state of a running daemon: it is refused with the owner's pid,
// and may open the state once the owner has closed it.
func TestASecondWriterIsRefused(t *testing.T) {
	a, path := openTest(t)
	_, err := Open(t.Context(), path)
	var inUse *InUseError
	if !errors.As(err, &inUse) || !errors.Is(err, store.ErrInUse) {
		t.Fatalf("second Open: %v, want an *InUseError", err)
	}
	want := fmt.Sprintf("state %s is in use by another attache (pid %d)", path, os.Getpid())
	if err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
	a.Close()
	b, err := Open(t.Context(), path)
	if err != nil {
		t.Fatalf("Open after the owner closed: %v", err)
	}
	b.Close()
}

// TestAReaderBesideTheWriter stands for `attache test --since` or `attache
// alerts` beside the daemon: the reader sees what the writer commits, and
// neither waits for the other into an error.
func TestAReaderBesideTheWriter(t *testing.T) {
	w, path := openTest(t)
	r, err := OpenReadOnly(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()

	const polls = 30
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	wg.Go(func() {
		for p := range polls {
			it := item("f", fmt.Sprint(p))
			b := batch("f", t0.Add(time.Duration(p)*time.Second), []attache.Item{it}, alertFor(it, "d", "r"))
			if _, err := w.Record(t.Context(), b); err != nil {
				errs <- err
				return
			}
		}
	})
	wg.Go(func() {
		for range polls {
			if _, err := r.ItemsSince(t.Context(), t0); err != nil {
				errs <- err
				return
			}
		}
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	items, err := r.ItemsSince(t.Context(), t0)
	if err != nil || len(items) != polls {
		t.Errorf("the reader sees %d items (%v), want %d", len(items), err, polls)
	}
	if _, err := r.Record(t.Context(), batch("g", t0, []attache.Item{item("g", "x")})); err == nil {
		t.Error("a write through the read-only store succeeded")
	}
}

// TestOpenReadOnlyCreatesNothing: a mistyped state path is an error, not a
// new empty state.
func TestOpenReadOnlyCreatesNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing.db")
	if _, err := OpenReadOnly(t.Context(), path); err == nil {
		t.Fatal("OpenReadOnly of a missing file succeeded")
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("OpenReadOnly created %s", path)
	}
}
