// Package e2e holds every end-to-end test: it builds the real attache
// binary once and runs it as a user would, on one harness (harness_test.go,
// feedserver_test.go, fakeslack_test.go): a feed server whose feeds change
// on command and answer 304 when unchanged, a fake Slack that can answer slowly, refuse,
// rate-limit, fail, go away, hold a request, or accept a message and then
// drop the connection, real SQLite files, and ministries' HTML list and
// statement pages (pages_test.go, listpage_test.go). The commands' own
// behaviour (exit statuses, check, test, send-test, --listen, SIGHUP) is
// tested here too.
//
// go test ./e2e runs the short version that CI runs; go test ./e2e
// -e2e.kills=50 runs the crash loop as long as RELIABILITY.md reports.
package e2e
