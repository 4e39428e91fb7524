package hints

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

var now = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func TestParseCacheControl(t *testing.T) {
	tests := []struct {
		name string
		in   []string
		want CacheControl
	}{
		{"max-age is read in seconds", []string{"public, max-age=300"}, CacheControl{MaxAge: 300 * time.Second, HasMaxAge: true}},
		{"names are case-insensitive and values may be quoted", []string{`Max-Age="60"`}, CacheControl{MaxAge: time.Minute, HasMaxAge: true}},
		{"max-age=0 is an instruction, not an absence", []string{"max-age=0"}, CacheControl{HasMaxAge: true}},
		{"no-cache and no-store are seen", []string{"no-cache, no-store"}, CacheControl{NoCache: true, NoStore: true}},
		{"a no-cache that names fields does not count", []string{`no-cache="Set-Cookie", max-age=60`}, CacheControl{MaxAge: time.Minute, HasMaxAge: true}},
		{"conflicting max-ages keep the smaller", []string{"max-age=600", "max-age=60"}, CacheControl{MaxAge: time.Minute, HasMaxAge: true}},
		{"a malformed max-age is skipped", []string{"max-age=-5, max-age=1e3, max-age="}, CacheControl{}},
		{"commas inside quotes do not split", []string{`private="a, max-age=9", max-age=30`}, CacheControl{MaxAge: 30 * time.Second, HasMaxAge: true}},
		{"s-maxage binds shared caches only", []string{"s-maxage=600"}, CacheControl{}},
		{"a huge max-age is the largest, not an error", []string{"max-age=99999999999999999999999"}, CacheControl{MaxAge: time.Duration(maxSeconds) * time.Second, HasMaxAge: true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := ParseCacheControl(tc.in...); got != tc.want {
				t.Errorf("ParseCacheControl(%q) = %+v, want %+v", tc.in, got, tc.want)
			}
		})
	}
}

func TestFreshness(t *testing.T) {
	date := now.Format(http.TimeFormat)
	in10m := now.Add(10 * time.Minute).Format(http.TimeFormat)
	tests := []struct {
		name                string
		cc                  []string
		age, expires, date_ string
		clock               time.Time
		want                time.Duration
	}{
		{"max-age less Age", []string{"max-age=600"}, "100", "", date, now, 500 * time.Second},
		{"Age past max-age is stale, not negative", []string{"max-age=60"}, "600", "", date, now, 0},
		{"max-age wins over Expires", []string{"max-age=60"}, "", in10m, date, now, time.Minute},
		{"Expires less the server's Date, not our clock", nil, "", in10m, date, now.Add(time.Hour), 10 * time.Minute},
		{"Expires less our clock without a Date", nil, "", in10m, "", now, 10 * time.Minute},
		{"Expires of 0 means already expired", nil, "", "0", date, now, 0},
		{"no-cache gives no floor", []string{"no-cache, max-age=600"}, "", "", date, now, 0},
		{"no-store gives no floor", []string{"no-store"}, "", in10m, date, now, 0},
		{"nothing said, nothing to honour", nil, "", "", date, now, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Freshness(tc.cc, tc.age, tc.expires, tc.date_, tc.clock); got != tc.want {
				t.Errorf("Freshness = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	date := now.Format(http.TimeFormat)
	tests := []struct {
		name, v, date string
		want          time.Duration
		ok            bool
	}{
		{"seconds", "120", date, 2 * time.Minute, true},
		{"a date, relative to the server's Date", now.Add(time.Hour).Format(http.TimeFormat), now.Add(-time.Minute).Format(http.TimeFormat), 61 * time.Minute, true},
		{"a date without Date uses our clock", now.Add(time.Hour).Format(http.TimeFormat), "", time.Hour, true},
		{"a past date is no wait", now.Add(-time.Hour).Format(http.TimeFormat), date, 0, false},
		{"zero is no wait", "0", date, 0, false},
		{"garbage is ignored", "soon", date, 0, false},
		{"a negative number is garbage", "-30", date, 0, false},
		{"absent", "", date, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := ParseRetryAfter(tc.v, tc.date, now)
			if got != tc.want || ok != tc.ok {
				t.Errorf("ParseRetryAfter(%q) = %v, %v; want %v, %v", tc.v, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestFloor(t *testing.T) {
	tests := []struct {
		name     string
		h        Hints
		ceiling  time.Duration
		want     time.Duration
		wantKind Kind
	}{
		{"no hints, no floor", Hints{}, time.Hour, 0, KindNone},
		{"the largest hint sets the floor", Hints{Fresh: time.Minute, TTL: 15 * time.Minute, UpdatePeriod: time.Hour}, 24 * time.Hour, time.Hour, KindUpdatePeriod},
		{"soft hints stop at the ceiling", Hints{Fresh: 365 * 24 * time.Hour}, 24 * time.Hour, 24 * time.Hour, KindFresh},
		{"Retry-After passes the ceiling", Hints{RetryAfter: 48 * time.Hour, TTL: time.Hour}, 24 * time.Hour, 48 * time.Hour, KindRetryAfter},
		{"Retry-After stops at a week", Hints{RetryAfter: 1000 * time.Hour}, 0, MaxRetryAfter, KindRetryAfter},
		{"a ceiling of zero leaves soft hints alone", Hints{TTL: 72 * time.Hour}, 0, 72 * time.Hour, KindTTL},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, kind := tc.h.Floor(tc.ceiling)
			if got != tc.want || kind != tc.wantKind {
				t.Errorf("Floor = %v, %q; want %v, %q", got, kind, tc.want, tc.wantKind)
			}
		})
	}
}

// TestFromHeaderOverHTTP reads the hints of real answers, a 304 among them:
// a 304 carries its caching headers like a 200 does.
func TestFromHeaderOverHTTP(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Date", now.Format(http.TimeFormat))
		switch r.URL.Path {
		case "/busy":
			w.Header().Set("Retry-After", "90")
			w.WriteHeader(http.StatusTooManyRequests)
		case "/same":
			w.Header().Set("Cache-Control", "max-age=300")
			w.Header().Set("Age", "60")
			w.WriteHeader(http.StatusNotModified)
		case "/expires":
			w.Header().Set("Expires", now.Add(20*time.Minute).Format(http.TimeFormat))
		}
	}))
	defer srv.Close()
	tests := []struct {
		path string
		want Hints
	}{
		{"/busy", Hints{RetryAfter: 90 * time.Second}},
		{"/same", Hints{Fresh: 240 * time.Second}},
		{"/expires", Hints{Fresh: 20 * time.Minute}},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			resp, err := srv.Client().Get(srv.URL + tc.path)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			// Our clock is an hour off: the server's Date must decide.
			if got := FromHeader(resp.Header, now.Add(time.Hour)); got != tc.want {
				t.Errorf("FromHeader = %+v, want %+v", got, tc.want)
			}
		})
	}
}
