package e2e

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// waitForMetric scrapes until the exposition has the line.
func waitForMetric(t *testing.T, base, line string) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	var body string
	for time.Now().Before(deadline) {
		_, body = get(t, base+"/metrics")
		if strings.Contains(body, line+"\n") {
			return body
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no %q in\n%s", line, body)
	return ""
}

func TestListenServesMetricsHealthAndStatus(t *testing.T) {
	dir, f := setup(t)
	f.set(item("a", "Weather", "Mon, 02 Jan 2006 15:04:05 +0000"))
	p := startIn(t, dir, nil, "--listen", "127.0.0.1:0")
	waitFor(t, p.stderr, "serving /metrics")
	addr := regexp.MustCompile(`listen=(127\.0\.0\.1:\d+)`).FindStringSubmatch(p.stderr.String())
	if addr == nil {
		t.Fatalf("no address in\n%s", p.stderr.String())
	}
	base := "http://" + addr[1]

	waitForMetric(t, base, `attache_polls_total{feed="kremlin-en",result="ok"} 1`)
	f.set(item("n", "NATO at the western borders", "Mon, 02 Jan 2006 16:04:05 +0000"), item("a", "Weather", "Mon, 02 Jan 2006 15:04:05 +0000"))
	body := waitForMetric(t, base, `attache_alerts_delivered_total{destination="log"} 1`)
	for _, line := range []string{
		`attache_items_new_total{feed="kremlin-en"} 2`,
		`attache_matches_total{rule="nato-west"} 1`,
		`attache_alerts_queued_total{destination="log"} 1`,
		`attache_alerts_dead_total{destination="log"} 0`,
		`attache_queue_depth{destination="log"} 0`,
		`attache_config_reloads_total{result="ok"} 1`,
	} {
		if !strings.Contains(body, line+"\n") {
			t.Errorf("no %q in the scrape", line)
		}
	}
	if !strings.Contains(body, "attache_build_info{") || !strings.Contains(body, "attache_poll_duration_seconds_bucket{feed=\"kremlin-en\"") {
		t.Error("build info or the poll duration histogram is missing")
	}

	if code, _ := get(t, base+"/healthz"); code != 200 {
		t.Errorf("/healthz = %d", code)
	}
	if code, body := get(t, base+"/readyz"); code != 200 {
		t.Errorf("/readyz = %d %s", code, body)
	}
	code, page := get(t, base+"/")
	if code != 200 || !strings.Contains(page, "kremlin-en") || !strings.Contains(page, "NATO at the western borders") || !strings.Contains(page, "nato-west") {
		t.Errorf("status page = %d\n%s", code, page)
	}
	p.stop(t)
}
