package source

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/attache-dev/attache"
)

func TestDenyPrivateControlRefusesEveryAddressThatIsNotPublic(t *testing.T) {
	denied := []struct{ addr, reason string }{
		{"127.0.0.1:80", "a loopback address"},
		{"127.255.255.254:443", "a loopback address"},
		{"[::1]:80", "a loopback address"},
		{"10.0.0.1:80", "a private address"},
		{"172.16.0.1:80", "a private address"},
		{"172.31.255.255:80", "a private address"},
		{"192.168.1.1:80", "a private address"},
		{"[fc00::1]:80", "a private address"},
		{"[fd00:ec2::254]:80", "a private address"}, // AWS's IPv6 metadata service
		{"169.254.169.254:80", "the cloud metadata address"},
		{"169.254.0.1:80", "a link-local address"},
		{"[fe80::1]:80", "a link-local address"},
		{"[fe80::1%eth0]:80", "a link-local address"},
		{"0.0.0.0:80", "an unspecified address"},
		{"[::]:80", "an unspecified address"},
		{"0.1.2.3:80", `a "this network" address`},
		{"224.0.0.1:80", "a multicast address"},
		{"239.255.255.250:1900", "a multicast address"},
		{"[ff02::1]:80", "a multicast address"},
		{"[ff05::2]:80", "a multicast address"},
		{"100.64.0.1:80", "a shared (carrier-grade NAT) address"},
		{"100.127.255.255:80", "a shared (carrier-grade NAT) address"},
		{"100.100.100.200:80", "a shared (carrier-grade NAT) address"}, // Alibaba Cloud's metadata service
		{"255.255.255.255:80", "a reserved or broadcast address"},
		{"192.0.0.8:80", "an IETF protocol address"},
		{"198.18.0.1:80", "a benchmarking address"},
		{"[fec0::1]:80", "a site-local address"},
		{"[::ffff:127.0.0.1]:80", "a loopback address"},
		{"[::ffff:10.1.2.3]:80", "a private address"},
		{"[::ffff:169.254.169.254]:80", "the cloud metadata address"},
		{"[::ffff:100.64.0.1]:80", "a shared (carrier-grade NAT) address"},
		{"[::127.0.0.1]:80", "an IPv4-compatible address"},
		{"[64:ff9b::7f00:1]:80", "a loopback address inside an IPv6 address"},
		{"[64:ff9b::a9fe:a9fe]:80", "the cloud metadata address inside an IPv6 address"},
		{"[2002:c0a8:101::1]:80", "a private address inside an IPv6 address"},
		{"example.org:80", "an address that cannot be checked"},
	}
	for _, tt := range denied {
		t.Run(tt.addr+" is refused as "+tt.reason, func(t *testing.T) {
			err := denyPrivateControl("tcp", tt.addr, nil)
			if !errors.Is(err, ErrDenied) {
				t.Fatalf("got %v, want an error that is ErrDenied", err)
			}
			if !strings.Contains(err.Error(), ": "+tt.reason+", and http.deny_private is on") {
				t.Errorf("got %q, want the reason %q", err, tt.reason)
			}
			if got := Classify(err); got != attache.PollNetworkError {
				t.Errorf("got class %q, want %q", got, attache.PollNetworkError)
			}
		})
	}

	allowed := []string{
		"8.8.8.8:53", "1.1.1.1:443", "93.184.215.14:80",
		"100.63.255.255:80", "100.128.0.0:80", // either side of 100.64.0.0/10
		"172.15.255.255:80", "172.32.0.0:80", // either side of 172.16.0.0/12
		"192.169.0.1:80", "169.255.0.1:80",
		"[2606:4700:4700::1111]:443", "[2a00:1450:4001:82b::200e]:443",
		"[::ffff:8.8.8.8]:80",
		"[64:ff9b::808:808]:80", // NAT64 to a public address
		"[2002:808:808::1]:80",  // 6to4 from a public address
	}
	for _, addr := range allowed {
		t.Run(addr+" is allowed", func(t *testing.T) {
			if err := denyPrivateControl("tcp", addr, nil); err != nil {
				t.Errorf("got %v, want nil", err)
			}
		})
	}
}

func TestDenyPrivateErrorNamesTheAddressAndTheOption(t *testing.T) {
	err := denyPrivateControl("tcp", "[::ffff:127.0.0.1]:8080", nil)
	const want = "refused to connect to ::ffff:127.0.0.1: a loopback address, and http.deny_private is on"
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %q", err, want)
	}
	if reason := deniedReason(netip.Addr{}); reason == "" {
		t.Error("the zero Addr is allowed, want it refused")
	}
}

// guardedServer is a feed server on 127.0.0.1 that counts its requests.
func guardedServer(t *testing.T) (*atomic.Int32, string) {
	t.Helper()
	var n atomic.Int32
	body := readTestdata(t, "kremlin-en-all-2018-01-07.atom.xml")
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("Content-Type", "application/atom+xml")
		_, _ = w.Write(body)
	})
	return &n, srv.URL
}

func TestDenyPrivateRefusesALoopbackFeed(t *testing.T) {
	hits, url := guardedServer(t)
	src := attache.Feed{Name: "local", URL: url + "/feed"}

	t.Run("with deny_private the connection is refused before a request is sent", func(t *testing.T) {
		_, err := newTestFetcher(Options{DenyPrivate: true}).Items(context.Background(), src, Conditional{}, testNow)
		if !errors.Is(err, ErrDenied) {
			t.Fatalf("got %v, want ErrDenied", err)
		}
		if got := Classify(err); got != attache.PollNetworkError {
			t.Errorf("got class %q, want %q", got, attache.PollNetworkError)
		}
		want := `feed "local": fetch ` + src.URL + ": refused to connect to 127.0.0.1: a loopback address, and http.deny_private is on"
		if err.Error() != want {
			t.Errorf("got message\n%s\nwant\n%s", err, want)
		}
		if n := hits.Load(); n != 0 {
			t.Errorf("the server got %d requests, want 0", n)
		}
	})
	t.Run("a name that resolves to loopback is refused as well", func(t *testing.T) {
		u := strings.Replace(src.URL, "127.0.0.1", "localhost", 1)
		_, err := newTestFetcher(Options{DenyPrivate: true}).Fetch(context.Background(), u, Conditional{})
		if !errors.Is(err, ErrDenied) {
			t.Fatalf("got %v, want ErrDenied", err)
		}
		if n := hits.Load(); n != 0 {
			t.Errorf("the server got %d requests, want 0", n)
		}
	})
	t.Run("without deny_private the feed is fetched", func(t *testing.T) {
		res, err := newTestFetcher(Options{}).Items(context.Background(), src, Conditional{}, testNow)
		if err != nil || len(res.Items) != 20 {
			t.Fatalf("got %d items and error %v, want 20 items", len(res.Items), err)
		}
	})
	t.Run("with deny_private, proxies from the environment are not used", func(t *testing.T) {
		tr := newTestFetcher(Options{DenyPrivate: true}).client.Transport.(*http.Transport)
		if tr.Proxy != nil {
			t.Error("the transport has a proxy function, want none")
		}
	})
}

// withFakeDNS sends f's connections for the host:port keys of hosts to
// their values, as if DNS had answered so; the guard still checks them. A
// value that starts with "!" is dialled without the guard: every test
// server listens on loopback, so that one stands in for a public server.
func withFakeDNS(t *testing.T, f *Fetcher, hosts map[string]string) {
	t.Helper()
	tr := f.client.Transport.(*http.Transport)
	guarded := tr.DialContext
	var plain net.Dialer
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		to, ok := hosts[addr]
		switch {
		case !ok:
			return guarded(ctx, network, addr)
		case strings.HasPrefix(to, "!"):
			return plain.DialContext(ctx, network, to[1:])
		}
		return guarded(ctx, network, to)
	}
}

func TestDenyPrivateChecksEveryConnectionAfterRedirectsAndDNS(t *testing.T) {
	hits, private := guardedServer(t)
	privateAddr := strings.TrimPrefix(private, "http://")
	// The "public" server redirects: /once straight to the private one,
	// /chain through two more hops of its own first.
	public := serve(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/once", "/hop2":
			http.Redirect(w, r, private+"/feed", http.StatusFound)
		case "/chain":
			http.Redirect(w, r, "/hop1", http.StatusMovedPermanently)
		case "/hop1":
			http.Redirect(w, r, "http://mirror.example.org/hop2", http.StatusTemporaryRedirect)
		case "/safe":
			w.Header().Set("Content-Type", "application/rss+xml")
			_, _ = w.Write([]byte(`<rss version="2.0"><channel><item><title>NATO</title><guid>1</guid></item></channel></rss>`))
		default:
			http.NotFound(w, r)
		}
	})
	publicAddr := strings.TrimPrefix(public.URL, "http://")
	newFetcher := func() *Fetcher {
		f := newTestFetcher(Options{DenyPrivate: true})
		withFakeDNS(t, f, map[string]string{
			"feeds.example.org:80":    "!" + publicAddr,
			"mirror.example.org:80":   "!" + publicAddr,
			"intranet.example.org:80": privateAddr,
		})
		return f
	}

	t.Run("a public feed is fetched", func(t *testing.T) {
		res, err := newFetcher().Items(context.Background(), attache.Feed{URL: "http://feeds.example.org/safe"}, Conditional{}, testNow)
		if err != nil || len(res.Items) != 1 {
			t.Fatalf("got %d items and error %v, want 1 item", len(res.Items), err)
		}
	})
	for _, tt := range []struct{ name, url string }{
		{"a redirect from a public feed to a loopback address is refused", "http://feeds.example.org/once"},
		{"a chain of redirects that ends at a loopback address is refused", "http://feeds.example.org/chain"},
		{"a public-looking name that DNS resolves to loopback is refused", "http://intranet.example.org/feed"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := newFetcher().Fetch(context.Background(), tt.url, Conditional{})
			if !errors.Is(err, ErrDenied) {
				t.Fatalf("got %v, want ErrDenied", err)
			}
			if !strings.Contains(err.Error(), "refused to connect to 127.0.0.1: a loopback address") {
				t.Errorf("got %q, want it to name 127.0.0.1", err)
			}
			if got := Classify(err); got != attache.PollNetworkError {
				t.Errorf("got class %q, want %q", got, attache.PollNetworkError)
			}
		})
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the private server got %d requests, want 0", n)
	}
}

func TestDenyPrivateRefusesLocalFiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "feed.xml")
	if err := os.WriteFile(path, readTestdata(t, "kremlin-en-all-2018-01-07.atom.xml"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ name, source string }{
		{"a path is refused", path},
		{"a file URL is refused", "file://" + filepath.ToSlash(path)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := newTestFetcher(Options{DenyPrivate: true}).Items(context.Background(), attache.Feed{Name: "f", URL: tt.source}, Conditional{}, testNow)
			if !errors.Is(err, ErrDenied) {
				t.Fatalf("got %v, want ErrDenied", err)
			}
			if !strings.HasSuffix(err.Error(), ": local files are not allowed with http.deny_private") {
				t.Errorf("got %q, want it to say local files are not allowed", err)
			}
			if got := Classify(err); got != attache.PollNetworkError {
				t.Errorf("got class %q, want %q", got, attache.PollNetworkError)
			}
		})
	}
	t.Run("without deny_private the file is read", func(t *testing.T) {
		res, err := newTestFetcher(Options{}).Items(context.Background(), attache.Feed{Name: "f", URL: path}, Conditional{}, testNow)
		if err != nil || len(res.Items) != 20 {
			t.Fatalf("got %d items and error %v, want 20 items", len(res.Items), err)
		}
	})
}
